"""A failed call in Dutch for the officer, per kind of failure (issue 12)."""

from __future__ import annotations

import pytest

from hub.failures import failure_sentence


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        ("RegistryTimeout: kvk: no answer within 0.5 s", "kvk gaf binnen 0,5 s geen antwoord"),
        ("RegistryTimeout: kvk: read timeout", "kvk gaf niet op tijd antwoord"),
        ("RegistryUnavailable: HTTP 503", "kvk was niet bereikbaar of had een storing"),
        ("RateLimited: HTTP 429", "kvk kreeg te veel vragen en weigerde tijdelijk"),
        (
            "AuthenticationFailed: credentials not accepted",
            "kvk liet opplus niet toe: de inloggegevens van opplus werden niet geaccepteerd",
        ),
        ("BadResponse: field x missing", "kvk gaf een antwoord dat opplus niet kon lezen"),
        ("QueryRejected: HTTP 400", "kvk wees de vraag af als ongeldig"),
        ("Refused: purpose", "niet gevraagd: de doelbinding staat deze vraag aan kvk niet toe"),
        ("SomethingNew: odd", "kvk kon niet worden bevraagd"),
        (
            "connector error KeyError: 'x'",
            "de koppeling met kvk liep vast op een programmafout",
        ),
        (
            "kvk: circuit breaker open after 3 failures; not called (next try in 30 s)",
            "kvk is even niet gevraagd: het ging eerder meerdere keren mis",
        ),
        # already Dutch (written by the hub): unchanged
        (
            "niet bevraagd: het subject mist een gegeven",
            "niet bevraagd: het subject mist een gegeven",
        ),
    ],
)
def test_each_kind_of_failure_in_one_dutch_sentence(error: str, sentence: str) -> None:
    assert failure_sentence("kvk", error) == sentence
