"""Forwarding a dossier to a table: routing suggestions, minimisation per table,
the durable outbox with its delivery worker, and feedback (reporting route steps 4-7)."""
