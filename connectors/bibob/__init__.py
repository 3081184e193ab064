"""Bibob connector: permits and Bibob screening outcomes from a municipal permit register.

There is no national Bibob API: a municipality keeps the Bibob outcome with the permit,
in its permit or case system. The connector (:mod:`.client`) is shared by every
register; a register is a :class:`BibobSource` (the seam, :mod:`.source`). Two ship:

- ``soap``: the project's own WSDL 1.1 / SOAP 1.1 document/literal contract
  (``wsdl/vergunningregister.wsdl`` and ``.xsd``, namespace
  ``urn:opplus:vergunningregister:1``), read with zeep (:mod:`.soap`), with a fake
  that speaks it (:mod:`.fake`, records in :mod:`.data`) — the reference;
- ``zgw``: a ZGW zaaksysteem where the Bibob investigation is a zaak of its own
  zaaktype (:mod:`.zgw`), served by the handhaving connector's ZGW fake.

Every fact is classified ``bibob`` (art. 28 Wet Bibob).
"""

# The package offers the seam (one list of names, in source.py) and the connector.
from . import source
from .client import FIELDS, BibobConnector, Settings
from .source import *  # noqa: F403

__all__ = [*source.__all__, "FIELDS", "BibobConnector", "Settings"]
