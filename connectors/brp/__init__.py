"""BRP Personen v2 (Haal Centraal, RvIG): who is registered, where, since when.

The connector (:mod:`.client`) asks ``POST /personen`` with ``RaadpleegMetBurgerservicenummer``
for exactly the fields a purpose allows, authenticated with OAuth2 client credentials
(or the older ``X-API-KEY``). The fake (:mod:`.fake`) speaks the same contract at the
official mock path ``/haalcentraal/api/brp`` with RvIG's public GBA-V test persons and
the demo world (:mod:`.data`). :mod:`.plugin` registers both.
"""
