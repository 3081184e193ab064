"""The SDK's ZGW JWT verifier under the names the handhaving fake uses.

Signing and verifying live in the SDK (:class:`plugins.ZgwJwt`,
:func:`plugins.verify_zgw_jwt`); this module only keeps the fake's import working until
the fake imports them from :mod:`plugins` itself.
"""

from plugins import ZgwJwtError as JWTError
from plugins import unverified_zgw_claims as unverified_claims
from plugins import verify_zgw_jwt as decode

__all__ = ["JWTError", "decode", "unverified_claims"]
