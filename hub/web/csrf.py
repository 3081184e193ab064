"""Cross-site request forgery protection for every form, and for the JSON API when it
is called with a session cookie instead of an API token.

The token of a form is an HMAC keyed with the browser's own secret cookie — the
session token once logged in, before that a random "pre-session" cookie — so a page
on another site, which cannot read that cookie, cannot compute it, and nothing needs
to be stored. Cookies are also ``SameSite=Lax``; the token is the real defence.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "csrf_token", "csrf_valid"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_LABEL = b"opplus csrf v1"


def csrf_token(browser_secret: str) -> str:
    """The form token for a browser holding ``browser_secret`` (a cookie value)."""
    return hmac.new(browser_secret.encode(), _LABEL, hashlib.sha256).hexdigest()


def csrf_valid(browser_secret: str | None, presented: str | None) -> bool:
    if not browser_secret or not presented or len(presented) > 128:
        return False
    return hmac.compare_digest(csrf_token(browser_secret), presented)
