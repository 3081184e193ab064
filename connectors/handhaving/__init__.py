"""Enforcement files (handhaving): zaken of handhaving zaaktypes in a ZGW Zaken API.

The client (:mod:`.client`) reads zaken about a person (BSN), a business (KvK number,
optionally one vestiging) or an address from a zaakregistratiecomponent that speaks
the VNG ZGW Zaken API 1.x (as Open Zaak implements it), with status and resultaat
resolved through the Catalogi API. The fake (:mod:`.fake`) speaks the same contract,
including the write side (Zaken, Documenten) used to deliver a dossier to a case
system. Authentication is the ZGW JWT (HS256) of :mod:`.jwt`.
"""
