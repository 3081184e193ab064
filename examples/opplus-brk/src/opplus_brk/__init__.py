"""opplus-brk: a third-party opplus plugin for Kadaster BRK Bevragen v2.

Who owns the property at an address: the kadastrale aanduiding of the perceel or
appartementsrecht at an adresseerbaar object, its owners (natural or legal persons, with
their share) and, for a legal person the Kadaster knows, its KvK number.

Contract: the REST API at ``https://api.brk.kadaster.nl/esd/bevragen/v2`` (Kadaster,
OpenAPI 2.0.0 of kadaster/BRK-bevragen) with an ``X-Api-Key`` header, HAL bodies and
problem+json errors. ``client`` is the connector and ``plugin`` its registration under
the ``opplus`` entry-point group; ``fake`` is its test double (``fake.data`` the records,
``fake.plugin`` the registration under ``opplus.fakes``, which only fakes mode loads).
The package imports only :mod:`plugins`, the hub's public plugin contract.
"""

__version__ = "0.1.0"
