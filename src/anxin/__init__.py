"""anxin (安心): an honest brand after-sales service and an integrity engine against 刷单炒信.

The folder tree is the architecture: ``service/`` is the after-sales half,
``integrity/`` the anti-fraud half, and the shared plumbing (``store``, ``api``,
``web``, ``cli``, ``auth``) sits beside them. See README.md.
"""

__version__ = "0.1.0"
