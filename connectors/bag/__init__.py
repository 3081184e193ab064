"""BAG Individuele Bevragingen v2 (Kadaster): the address, its adresseerbaar object,
floor area and use.

Contract: the REST API at ``https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2``
with an ``X-Api-Key`` header, HAL bodies and problem+json errors (lvbag/BAG-API).
``client`` is the connector, ``fake`` its test double (no public test environment exists
since 2024), ``data`` the fake's records, ``plugin`` the registration.
"""
