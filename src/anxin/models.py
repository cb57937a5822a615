"""The one explicit registry of ORM models, imported by Alembic so every table is known.

It lives at the top of the package, not in ``store``, because it imports every domain
and every domain imports ``store``.

Add a domain's ``models`` module here when it gains tables.
"""

from anxin.audit import models as audit_models
from anxin.auth import models as auth_models
from anxin.hotline import models as hotline_models
from anxin.integrity.cases import models as integrity_case_models
from anxin.integrity.credit import models as integrity_credit_models
from anxin.integrity.findings import models as integrity_finding_models
from anxin.integrity.reports import models as integrity_report_models
from anxin.integrity.rules import models as integrity_rule_models
from anxin.integrity.scorer import models as integrity_scorer_models
from anxin.integrity.streams import models as integrity_stream_models
from anxin.privacy import models as privacy_models
from anxin.privacy.rotation import SealedColumn
from anxin.service.complaints import models as complaint_models
from anxin.service.complaints import service as complaints
from anxin.service.customers import models as customer_models
from anxin.service.customers import service as customers
from anxin.service.escalations import models as escalation_models
from anxin.service.knowledge import models as knowledge_models
from anxin.service.members import models as member_models
from anxin.service.sla import models as sla_models
from anxin.service.stations import models as station_models
from anxin.service.technicians import models as technician_models
from anxin.service.tickets import models as ticket_models
from anxin.service.tickets import service as tickets
from anxin.service.visits import models as visit_models
from anxin.service.visits import service as visits
from anxin.store.base import Base

SEALED_COLUMNS = [
    SealedColumn(customer_models.Customer, "phone_sealed", customers.PHONE),
    SealedColumn(customer_models.Customer, "name_sealed", customers.NAME),
    SealedColumn(ticket_models.Ticket, "address_sealed", tickets.ADDRESS),
    SealedColumn(ticket_models.Ticket, "description_sealed", tickets.DESCRIPTION),
    SealedColumn(visit_models.VisitRecord, "position_sealed", visits.POSITION),
    SealedColumn(complaint_models.Complaint, "text_sealed", complaints.TEXT),
]
"""Every column holding sealed personal data; key rotation re-seals exactly these."""

__all__ = [
    "SEALED_COLUMNS",
    "Base",
    "audit_models",
    "auth_models",
    "complaint_models",
    "customer_models",
    "escalation_models",
    "hotline_models",
    "integrity_case_models",
    "integrity_credit_models",
    "integrity_finding_models",
    "integrity_report_models",
    "integrity_rule_models",
    "integrity_scorer_models",
    "integrity_stream_models",
    "knowledge_models",
    "member_models",
    "privacy_models",
    "sla_models",
    "station_models",
    "technician_models",
    "ticket_models",
    "visit_models",
]
