"""A failed or refused registry call in one Dutch sentence for the officer.

The engine records a call's error as technical text (``RegistryTimeout: kvk: no answer
within 0.5 s``): right for the administrator and the auditor, unreadable for the
officer. :func:`failure_sentence` says per kind of failure (the error types of
:mod:`plugins._errors`, the breaker, a connector bug) what happened, in Dutch; the
technical text stays available next to it. Text the hub already wrote in Dutch (the
purpose refused a field, a subject lacks a value) is passed through unchanged.
"""

from __future__ import annotations

import re

__all__ = ["failure_sentence"]

#: per error type: what happened, ``{bron}`` the source
_KINDS = {
    "RegistryTimeout": "{bron} gaf niet op tijd antwoord",
    "RegistryUnavailable": "{bron} was niet bereikbaar of had een storing",
    "RateLimited": "{bron} kreeg te veel vragen en weigerde tijdelijk",
    "AuthenticationFailed": "{bron} liet opplus niet toe: de inloggegevens van opplus "
    "werden niet geaccepteerd",
    "BadResponse": "{bron} gaf een antwoord dat opplus niet kon lezen",
    "QueryRejected": "{bron} wees de vraag af als ongeldig",
    "Refused": "niet gevraagd: de doelbinding staat deze vraag aan {bron} niet toe",
}
_TYPED = re.compile(r"^(?:connector error )?([A-Z][A-Za-z]+): ")
_WITHIN = re.compile(r"within (\d+(?:\.\d+)?) s\b")


def failure_sentence(source: str, error: str) -> str:
    """``error`` (as the engine recorded it for a call to ``source``) as a Dutch
    sentence; text without a known technical form is returned as it is."""
    if "circuit breaker open" in error:
        return f"{source} is even niet gevraagd: het ging eerder meerdere keren mis"
    typed = _TYPED.match(error)
    if typed is None:
        return error
    if error.startswith("connector error "):
        return f"de koppeling met {source} liep vast op een programmafout"
    kind = _KINDS.get(typed.group(1))
    if kind is None:
        return f"{source} kon niet worden bevraagd"
    sentence = kind.format(bron=source)
    within = _WITHIN.search(error)
    if typed.group(1) == "RegistryTimeout" and within:
        seconds = within.group(1).replace(".", ",")
        sentence = f"{source} gaf binnen {seconds} s geen antwoord"
    return sentence
