"""BRP Bewoning (Haal Centraal, RvIG): who is registered at an adresseerbaar object.

Contract: ``POST {base}/bewoningen`` with ``BewoningMetPeildatum`` or
``BewoningMetPeriode`` (BRP-API/Haal-Centraal-BRP-bewoning), JSON in and out,
problem+json errors; OAuth2 client credentials in production, ``X-API-KEY`` in older
set-ups. ``client`` is the connector, ``auth`` its token helper, ``fake`` the test double,
``data`` the fake's records, ``plugin`` the registration.
"""
