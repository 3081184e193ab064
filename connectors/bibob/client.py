"""The Bibob connector: permits and their Bibob screening from a municipal permit register.

The connector is the same for every register: its fields (all classified ``bibob``,
art. 28 Wet Bibob), purpose binding, provenance and discovery (a business's permit
addresses, an address's permit holders). Where the permits come from is a
:class:`.source.BibobSource`, chosen by ``source`` in ``[connectors.bibob]``:
``"soap"`` (the Vergunningenregister SOAP service, :mod:`.soap`) or ``"zgw"`` (a
ZGW zaaksysteem with a Bibob-onderzoek zaaktype, :mod:`.zgw`). A municipality with
another register passes its own source to :class:`BibobConnector`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    Classification,
    ConnectorContext,
    ConnectorInfo,
    ConnectorSettings,
    EnrichResult,
    FieldSpec,
    Health,
    Query,
    Subject,
    ZgwClientSettings,
)

from .soap import SoapSource
from .source import (
    MATE_VAN_GEVAAR,
    ONDERZOEK,
    VERGUNNINGSTATUS,
    VERGUNNINGTYPE,
    BibobSource,
    PermitError,
    bibob_facts,
)
from .zgw import ZgwBibobSource

__all__ = ["FIELDS", "MATE_VAN_GEVAAR", "BibobConnector", "Settings", "make_source"]

NAME = "bibob"
VERSION = "0.2.0"

_BIBOB = Classification.BIBOB
#: Dutch labels of the keys inside a permit
_PERMIT_PARTS: Mapping[str, str] = {
    "vergunningnummer": "Vergunningnummer",
    "type": "Soort vergunning",
    "status": "Status",
    "kvkNummer": "KvK-nummer",
    "datumAanvraag": "Aangevraagd op",
    "datumBesluit": "Besluit op",
    "adres": "Adres",
    "bibob": "Bibob-toets",
    "onderzoek": "Onderzoek",
    "datum": "Datum",
    "mateVanGevaar": "Uitkomst",
    "besluit": "Besluit",
}
#: the code lists of the permit register, by the key that holds their codes
_PERMIT_CODES: Mapping[str, Mapping[str, str]] = {
    "type": VERGUNNINGTYPE.labels,
    "status": VERGUNNINGSTATUS.labels,
    "onderzoek": ONDERZOEK.labels,
    "mateVanGevaar": MATE_VAN_GEVAAR.labels,
}
FIELDS: Mapping[str, FieldSpec] = {
    "naam": FieldSpec(
        _BIBOB,
        "naam van de onderneming zoals het vergunningenregister die kent (str)",
        "Naam in het vergunningenregister",
    ),
    "vergunningen": FieldSpec(
        _BIBOB,
        "vergunningen met Bibob-toets (list of {vergunningnummer, type, status, kvkNummer, "
        "datumAanvraag, datumBesluit, adres, bibob{onderzoek, datum, mateVanGevaar, besluit}})",
        "Vergunningen",
        parts=_PERMIT_PARTS,
        codes=_PERMIT_CODES,
    ),
    "hoogsteMateVanGevaar": FieldSpec(
        _BIBOB,
        "ernstigste Bibob-uitkomst over de vergunningen (str or None)",
        "Zwaarste Bibob-uitkomst",
        codes={"hoogsteMateVanGevaar": MATE_VAN_GEVAAR.labels},
    ),
    "aantalVergunningen": FieldSpec(_BIBOB, "aantal vergunningen (int)", "Aantal vergunningen"),
}

_PERMIT_FIELDS = frozenset({"vergunningen", "hoogsteMateVanGevaar", "aantalVergunningen"})
_ZAKEN_SUFFIX = "/zaken/api/v1"
_CATALOGI_SUFFIX = "/catalogi/api/v1"
#: the settings only one source reads: setting one for the other source is a mistake
_ONLY_FOR = {
    "soap": frozenset({"username", "password_env"}),
    "zgw": frozenset(
        {
            "client_id",
            "client_secret_env",
            "jwt_expiry_s",
            "zaaktype",
            "catalogi_base_url",
            "omschrijvingen",
            "max_pages",
        }
    ),
}


class Settings(ConnectorSettings, ZgwClientSettings):
    """``[connectors.bibob]``: which register (``source``) and the settings it needs.

    ``base_url`` is the SOAP endpoint (``soap``) or the Zaken API root (``zgw``).
    """

    source: Literal["soap", "zgw"] = Field(
        default="soap", description="the permit register: 'soap' or 'zgw'"
    )
    # -- source "soap" --
    username: str = Field(default="opplus", min_length=1, description="HTTP Basic user")
    password_env: str = Field(
        default="OPPLUS_BIBOB_PASSWORD", description="environment variable with the password"
    )
    # -- source "zgw" --
    zaaktype: str | None = Field(
        default=None,
        description="URL of the Bibob-onderzoek zaaktype (absolute, or relative to "
        "catalogi_base_url such as 'zaaktypen/<uuid>')",
    )
    catalogi_base_url: str | None = Field(
        default=None,
        description="the Catalogi API root; by default the sibling of base_url",
    )
    omschrijvingen: dict[str, str] = Field(
        default_factory=dict,
        description="the register's own omschrijvingen mapped to codes of the Bibob code "
        "lists, e.g. {'Ernstige mate van gevaar' = 'ernstig_gevaar'}",
    )
    max_pages: int = Field(default=20, ge=1, le=1000, description="pages followed per list")

    @model_validator(mode="after")
    def _fits_the_source(self) -> Settings:
        for source, keys in _ONLY_FOR.items():
            stray = sorted(keys & self.model_fields_set) if source != self.source else []
            if stray:
                raise ValueError(
                    f"{', '.join(stray)}: hoort bij source {source!r}, "
                    f"maar source is {self.source!r}"
                )
        if self.source == "zgw":
            if not self.zaaktype:
                raise ValueError("zaaktype: source 'zgw' heeft het zaaktype Bibob-onderzoek nodig")
            self.zaaktype_url()
        codes = (MATE_VAN_GEVAAR, ONDERZOEK, VERGUNNINGSTATUS, VERGUNNINGTYPE)
        for own, code in self.omschrijvingen.items():
            if not any(code in codes_.labels for codes_ in codes):
                raise ValueError(f"omschrijvingen: {own!r} wijst naar {code!r}, geen Bibob-code")
        return self

    def catalogi_root(self) -> str:
        """The Catalogi API root: configured, or derived from the Zaken API root."""
        if self.catalogi_base_url:
            return self.catalogi_base_url.rstrip("/")
        root = self.base_url.rstrip("/")
        if not root.endswith(_ZAKEN_SUFFIX):
            raise ValueError(
                f"catalogi_base_url ontbreekt en base_url eindigt niet op {_ZAKEN_SUFFIX}"
            )
        return root[: -len(_ZAKEN_SUFFIX)] + _CATALOGI_SUFFIX

    def zaaktype_url(self) -> str:
        """The Bibob-onderzoek zaaktype as an absolute URL without trailing slash."""
        entry = (self.zaaktype or "").strip()
        if entry.startswith(("http://", "https://")):
            return entry.rstrip("/")
        return f"{self.catalogi_root()}/{entry.strip('/')}"


def make_source(settings: Settings, context: ConnectorContext) -> BibobSource:
    """The source ``settings.source`` names."""
    if settings.source == "zgw":
        return ZgwBibobSource(settings, context)
    return SoapSource(settings, context)


class BibobConnector:
    """Permits and Bibob outcomes for businesses and addresses, from any permit register.

    ``source`` is the register; without one, ``settings.source`` picks a built-in.
    """

    def __init__(
        self, settings: Any, context: ConnectorContext, source: BibobSource | None = None
    ) -> None:
        self.settings = settings
        self.source = source if source is not None else make_source(settings, context)
        self.info = ConnectorInfo(
            name=NAME,
            version=VERSION,
            registry=self.source.registry,
            subject_kinds=frozenset({"business", "address"}),
            fields=FIELDS,
        )

    def accepts(self, subject: Subject) -> bool:
        return isinstance(subject, BusinessRef | AddressRef)

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        subject = query.subject
        if not isinstance(subject, BusinessRef | AddressRef):
            return result
        # an address has no business name: only the permit fields apply to it
        applicable = FIELDS.keys() if isinstance(subject, BusinessRef) else _PERMIT_FIELDS
        wanted = query.fields & applicable
        if not wanted:
            return result
        try:
            answer = await self.source.permits(subject, query)
            facts = bibob_facts(answer.permits)
            found: list[Subject] = [
                p.adres.ref if isinstance(subject, BusinessRef) else p.business
                for p in answer.permits
            ]
        except PermitError as exc:
            raise BadResponse(f"{self.info.registry}: a permit breaks the contract: {exc}") from exc
        if not answer.evidence:
            raise BadResponse(f"{self.info.registry}: the source kept no response as evidence")
        primary, *supporting = answer.evidence
        # none found is a checked answer, recorded as such
        for name in sorted(wanted):
            if name in facts:
                result.add(name, facts[name], primary)
        for evidence in supporting:
            if evidence not in result.evidence:
                result.evidence.append(evidence)
        for discovered in found:
            result.discover(discovered)
        return result

    async def check(self) -> Health:
        return await self.source.check()

    async def aclose(self) -> None:
        await self.source.aclose()
