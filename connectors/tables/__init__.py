"""The table transports that ship with opplus: how a confirmed dossier reaches a table.

Each subpackage is shaped exactly like a third-party plugin (its own ``plugin.py`` with
``@hookimpl register_tables``) and imports only :mod:`plugins`:

- :mod:`.zgw` — a zaak with two documents in a case system, over the VNG ZGW APIs;
- :mod:`.email` — secure e-mail (STARTTLS required) for tables that work by mail;
- :mod:`.webhook` — a signed HTTPS webhook (the RIEC information plaza), with a
  receiver fake.

A transport sends one :class:`plugins.Delivery` once per attempt and answers a
:class:`plugins.Receipt` or raises :class:`plugins.DeliveryFailed`; the hub's outbox
retries. Each one makes a repeated attempt harmless in its own way (see its module).
"""
