"""Table transport ``email``: secure e-mail for tables that work by mail (police, PCT).

SMTP submission with STARTTLS required and the certificate verified; the dossier
travels as two attachments, the subject and body hold no personal data, and the
``Message-ID`` is derived from the idempotency key (see :mod:`.transport`).
:mod:`.fake` is a small SMTP server with STARTTLS and AUTH for tests.
"""
