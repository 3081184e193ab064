"""Bibob connector: permits and Bibob screening outcomes from a municipal permit register.

There is no national Bibob API: a municipality keeps the Bibob outcome with the permit,
in its permit or case system, and such back offices often speak SOAP. This package
defines a small WSDL 1.1 / SOAP 1.1 document/literal contract for that service
(``wsdl/vergunningregister.wsdl`` and ``.xsd``, namespace
``urn:opplus:vergunningregister:1``), a zeep client for it (:mod:`.client`), and a
fake that speaks it (:mod:`.fake`, records in :mod:`.data`). Every fact is
classified ``bibob`` (art. 28 Wet Bibob).
"""
