"""The hub's use cases: one module per thing a user does (enrich, dossiers, forwarding,
audit, accounts). Each checks permission, writes the access log and returns typed
results or raises a :class:`UseCaseError`; the command line and the web service are thin
adapters over them, so the same action follows the same rule wherever it is asked for.
"""

from .errors import Conflict, Damaged, Invalid, NotFound, Problem, Refused, UseCaseError

__all__ = ["Conflict", "Damaged", "Invalid", "NotFound", "Problem", "Refused", "UseCaseError"]
