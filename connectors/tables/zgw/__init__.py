"""Table transport ``zgw``: deliver a dossier into a case system over the VNG ZGW APIs.

One delivery becomes one zaak of the configured zaaktype (Zaken API), with two
documents (Documenten API) linked to it: the rendering (``text/html``) and the payload
(``application/json``). See :mod:`.transport` for how a retry resumes instead of
creating a second zaak or document.
"""
