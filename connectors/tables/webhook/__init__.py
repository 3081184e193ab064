"""Table transport ``webhook``: the payload POSTed to an HTTPS receiver, signed with HMAC.

For the RIEC information plaza, or any receiver that verifies the signature scheme of
:mod:`.transport` (documented there precisely, for receivers). :mod:`.fake` is a
receiver that verifies it, de-duplicates by ``Idempotency-Key`` and records what it got.
"""
