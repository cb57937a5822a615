"""The one explicit registry of ORM models, imported by Alembic so every table is known.

It lives at the top of the package, not in ``store``, because it imports every domain
and every domain imports ``store``.

Add a domain's ``models`` module here when it gains tables.
"""

from anxin.auth import models as auth_models
from anxin.hotline import models as hotline_models
from anxin.privacy import models as privacy_models
from anxin.service.customers import models as customer_models
from anxin.service.stations import models as station_models
from anxin.service.technicians import models as technician_models
from anxin.service.tickets import models as ticket_models
from anxin.store.base import Base

__all__ = [
    "Base",
    "auth_models",
    "customer_models",
    "hotline_models",
    "privacy_models",
    "station_models",
    "technician_models",
    "ticket_models",
]
