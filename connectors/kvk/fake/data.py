"""The records of the KvK fake: KvK's public test numbers and the demo world.

Two groups, as docs/demo-world.md asks:

- the numbers KvK publishes for its test environment (69599084 "Test EMZ Dagobert",
  68750110 "Test BV Donald", ...). Names, addresses and SBI codes follow what the test
  environment is publicly known to return where that is known; where it is not (street
  numbers of some test records, the 1000 generated vestigingen of 90006577, the inactive
  coöperatie 96354429) the values are invented and deliberately look like test data;
- the West-Friesland demo world (9700xxxx), whose *recent* dates are relative to
  ``today`` so the stories keep working as time passes.

Dates are KvK's ``YYYYMMDD`` strings. Nothing here knows about JSON: the fake shapes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "Adres",
    "Inschrijving",
    "Registry",
    "SbiActiviteit",
    "Vestiging",
    "build_registry",
]


@dataclass(frozen=True, slots=True)
class Adres:
    """A bezoekadres or correspondentieadres; a shielded one carries no street data."""

    type: str
    plaats: str
    straatnaam: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummerToevoeging: str | None = None
    postcode: str | None = None
    postbusnummer: int | None = None
    land: str = "Nederland"
    afgeschermd: bool = False
    addresseerbaarObjectId: str | None = None
    nummerAanduidingId: str | None = None


@dataclass(frozen=True, slots=True)
class SbiActiviteit:
    sbiCode: str
    sbiOmschrijving: str
    hoofdactiviteit: bool = False


@dataclass(frozen=True, slots=True)
class Vestiging:
    vestigingsnummer: str
    eersteHandelsnaam: str
    hoofdvestiging: bool
    adressen: tuple[Adres, ...]
    sbiActiviteiten: tuple[SbiActiviteit, ...]
    datumAanvang: str
    formeleRegistratiedatum: str
    datumEinde: str | None = None
    commercieel: bool = True
    voltijdWerkzamePersonen: int = 1
    deeltijdWerkzamePersonen: int = 0
    extraHandelsnamen: tuple[str, ...] = ()

    @property
    def handelsnamen(self) -> tuple[str, ...]:
        return (self.eersteHandelsnaam, *self.extraHandelsnamen)

    @property
    def totaalWerkzamePersonen(self) -> int:
        return self.voltijdWerkzamePersonen + self.deeltijdWerkzamePersonen

    @property
    def actief(self) -> bool:
        return self.datumEinde is None


@dataclass(frozen=True, slots=True)
class Inschrijving:
    """A registration in the Handelsregister (a maatschappelijke activiteit)."""

    kvkNummer: str
    naam: str
    rechtsvorm: str
    uitgebreideRechtsvorm: str
    formeleRegistratiedatum: str
    datumAanvang: str
    handelsnamen: tuple[str, ...]
    sbiActiviteiten: tuple[SbiActiviteit, ...]
    vestigingen: tuple[Vestiging, ...]
    rsin: str | None = None
    statutaireNaam: str | None = None
    datumEinde: str | None = None
    indNonMailing: bool = False

    @property
    def hoofdvestiging(self) -> Vestiging:
        return next(v for v in self.vestigingen if v.hoofdvestiging)

    @property
    def totaalWerkzamePersonen(self) -> int:
        return sum(v.totaalWerkzamePersonen for v in self.vestigingen if v.actief)

    @property
    def actief(self) -> bool:
        return self.datumEinde is None

    @property
    def rechtspersoon(self) -> bool:
        """True when the Handelsregister knows the owner as a rechtspersoon/samenwerkingsverband."""
        return self.rsin is not None


@dataclass(slots=True)
class Registry:
    """The fake's Handelsregister, indexed by kvkNummer and by vestigingsnummer."""

    inschrijvingen: dict[str, Inschrijving] = field(default_factory=dict)
    vestigingen: dict[str, tuple[Inschrijving, Vestiging]] = field(default_factory=dict)

    def add(self, inschrijving: Inschrijving) -> None:
        if inschrijving.kvkNummer in self.inschrijvingen:
            raise ValueError(f"kvkNummer {inschrijving.kvkNummer} twice")
        self.inschrijvingen[inschrijving.kvkNummer] = inschrijving
        for vestiging in inschrijving.vestigingen:
            if vestiging.vestigingsnummer in self.vestigingen:
                raise ValueError(f"vestigingsnummer {vestiging.vestigingsnummer} twice")
            self.vestigingen[vestiging.vestigingsnummer] = (inschrijving, vestiging)

    def __iter__(self) -> Iterator[Inschrijving]:
        return iter(self.inschrijvingen.values())


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


_SBI_UITZEND = SbiActiviteit("78201", "Uitzendbureaus", True)
_SBI_KLUS = SbiActiviteit("43999", "Gespecialiseerde bouw n.e.g.", True)
_SBI_SCHOONHEID = SbiActiviteit("96022", "Schoonheidsverzorging", True)
_SBI_SAUNA = SbiActiviteit("96040", "Sauna's, solaria, baden e.d.")


def _public_test_records() -> list[Inschrijving]:
    """KvK's test environment numbers (see the module docstring for what is invented)."""
    dagobert_sbi = (
        SbiActiviteit("1011", "Slachterijen (geen pluimvee-)", True),
        SbiActiviteit("1012", "Pluimveeslachterijen"),
        SbiActiviteit("1013", "Vleesverwerking (niet tot maaltijden)"),
    )
    dagobert = Inschrijving(
        kvkNummer="69599084",
        naam="Test EMZ Dagobert",
        rechtsvorm="Eenmanszaak",
        uitgebreideRechtsvorm="Eenmanszaak",
        formeleRegistratiedatum="20170710",
        datumAanvang="20170108",
        handelsnamen=(
            "Test EMZ Dagobert",
            "Tweede handelsnaam 1MZ",
            "Derde handelsnaam 1MZ",
            "Vierde handelsnaam 1MZ",
        ),
        sbiActiviteiten=dagobert_sbi,
        indNonMailing=True,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000038509504",
                eersteHandelsnaam="Test EMZ Dagobert",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Amsterdam",
                        straatnaam="Abebe Bikilalaan",
                        huisnummer=17,
                        postcode="1034WL",
                        addresseerbaarObjectId="0363010000951555",
                        nummerAanduidingId="0363200000951555",
                    ),
                ),
                sbiActiviteiten=dagobert_sbi,
                datumAanvang="20170108",
                formeleRegistratiedatum="20170710",
                extraHandelsnamen=("Tweede handelsnaam 1MZ",),
            ),
            Vestiging(
                vestigingsnummer="000038509520",
                eersteHandelsnaam="Test EMZ Nevenvestiging Govert",
                hoofdvestiging=False,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Maastricht",
                        straatnaam="Geneinde",
                        huisnummer=4,
                        postcode="6221AD",
                    ),
                ),
                sbiActiviteiten=(
                    SbiActiviteit("1013", "Vleesverwerking (niet tot maaltijden)", True),
                ),
                datumAanvang="20170301",
                formeleRegistratiedatum="20170710",
                voltijdWerkzamePersonen=0,
            ),
        ),
    )
    donald_sbi = (SbiActiviteit("01241", "Teelt van appels en peren", True),)
    donald = Inschrijving(
        kvkNummer="68750110",
        naam="Test BV Donald",
        statutaireNaam="Test BV Donald",
        rsin="857587973",
        rechtsvorm="Besloten Vennootschap",
        uitgebreideRechtsvorm="Besloten Vennootschap met gewone structuur",
        formeleRegistratiedatum="20200210",
        datumAanvang="20140210",
        handelsnamen=("Test BV Donald",),
        sbiActiviteiten=donald_sbi,
        indNonMailing=True,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000037178598",
                eersteHandelsnaam="Test BV Donald",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "correspondentieadres",
                        "Rommeldam",
                        straatnaam="Postbus",
                        postbusnummer=200,
                        postcode="1000AE",
                    ),
                    Adres(
                        "bezoekadres",
                        "Lollum",
                        straatnaam="Hizzaarderlaan",
                        huisnummer=3,
                        huisnummerToevoeging="A",
                        postcode="8823SJ",
                    ),
                ),
                sbiActiviteiten=donald_sbi,
                datumAanvang="20140210",
                formeleRegistratiedatum="20200210",
            ),
        ),
    )
    katrien_sbi = (SbiActiviteit("4719", "Warenhuizen", True),)
    katrien = Inschrijving(
        kvkNummer="68727720",
        naam="Test NV Katrien",
        statutaireNaam="Test NV Katrien",
        rsin="862721003",
        rechtsvorm="Naamloze Vennootschap",
        uitgebreideRechtsvorm="Naamloze Vennootschap met gewone structuur",
        formeleRegistratiedatum="20170425",
        datumAanvang="20170401",
        handelsnamen=("Test NV Katrien",),
        sbiActiviteiten=katrien_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000037143557",
                eersteHandelsnaam="Test NV Katrien",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Veendam",
                        straatnaam="Testweg",
                        huisnummer=12,
                        postcode="9641AB",
                    ),
                ),
                sbiActiviteiten=katrien_sbi,
                datumAanvang="20170401",
                formeleRegistratiedatum="20170425",
                voltijdWerkzamePersonen=3,
                deeltijdWerkzamePersonen=2,
            ),
        ),
    )
    bolderbast_sbi = (SbiActiviteit("9499", "Overige ideële organisaties n.e.g.", True),)
    bolderbast = Inschrijving(
        kvkNummer="69599068",
        naam="Test Stichting Bolderbast",
        statutaireNaam="Test Stichting Bolderbast",
        rsin="862761001",
        rechtsvorm="Stichting",
        uitgebreideRechtsvorm="Stichting",
        formeleRegistratiedatum="20170710",
        datumAanvang="20170601",
        handelsnamen=("Test Stichting Bolderbast",),
        sbiActiviteiten=bolderbast_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000038509490",
                eersteHandelsnaam="Test Stichting Bolderbast",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Lochem",
                        straatnaam="Oosterwal",
                        huisnummer=9,
                        postcode="7241AR",
                    ),
                ),
                sbiActiviteiten=bolderbast_sbi,
                datumAanvang="20170601",
                formeleRegistratiedatum="20170710",
                commercieel=False,
                voltijdWerkzamePersonen=0,
            ),
        ),
    )
    guus_sbi = (SbiActiviteit("4321", "Elektrotechnische bouwinstallatie", True),)
    guus = Inschrijving(
        kvkNummer="69599076",
        naam="Test VOF Guus",
        rsin="862901005",
        rechtsvorm="Vennootschap onder firma",
        uitgebreideRechtsvorm="Vennootschap onder firma",
        formeleRegistratiedatum="20170710",
        datumAanvang="20170515",
        handelsnamen=("Test VOF Guus", "Guus Geluk Installaties"),
        sbiActiviteiten=guus_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000038509512",
                eersteHandelsnaam="Test VOF Guus",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Almere",
                        straatnaam="Testplein",
                        huisnummer=1,
                        huisletter="B",
                        postcode="1315AB",
                    ),
                ),
                sbiActiviteiten=guus_sbi,
                datumAanvang="20170515",
                formeleRegistratiedatum="20170710",
                voltijdWerkzamePersonen=2,
                extraHandelsnamen=("Guus Geluk Installaties",),
            ),
        ),
    )
    kontex_sbi = (SbiActiviteit("6420", "Financiële holdings", True),)
    kontex = Inschrijving(
        kvkNummer="90001354",
        naam="Grand Kontex B.V.",
        statutaireNaam="Grand Kontex B.V.",
        rsin="863001002",
        rechtsvorm="Besloten Vennootschap",
        uitgebreideRechtsvorm="Besloten Vennootschap met gewone structuur",
        formeleRegistratiedatum="20180312",
        datumAanvang="20180301",
        handelsnamen=("Grand Kontex B.V.",),
        sbiActiviteiten=kontex_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000038976129",
                eersteHandelsnaam="Grand Kontex B.V.",
                hoofdvestiging=True,
                # a shielded address: the register gives only the place
                adressen=(Adres("bezoekadres", "Sterksel", afgeschermd=True),),
                sbiActiviteiten=kontex_sbi,
                datumAanvang="20180301",
                formeleRegistratiedatum="20180312",
            ),
        ),
    )
    opgeheven_sbi = (SbiActiviteit("0161", "Dienstverlening voor de teelt van gewassen", True),)
    opgeheven = Inschrijving(
        kvkNummer="96354429",
        naam="Test Coöperatie Opgeheven U.A.",
        statutaireNaam="Test Coöperatie Opgeheven U.A.",
        rsin="869701009",
        rechtsvorm="Coöperatie",
        uitgebreideRechtsvorm="Coöperatie met uitgesloten aansprakelijkheid",
        formeleRegistratiedatum="20190114",
        datumAanvang="20190101",
        datumEinde="20231231",
        handelsnamen=("Test Coöperatie Opgeheven U.A.",),
        sbiActiviteiten=opgeheven_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000045361118",
                eersteHandelsnaam="Test Coöperatie Opgeheven U.A.",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Dronten",
                        straatnaam="Testdijk",
                        huisnummer=21,
                        postcode="8251AB",
                    ),
                ),
                sbiActiviteiten=opgeheven_sbi,
                datumAanvang="20190101",
                datumEinde="20231231",
                formeleRegistratiedatum="20190114",
            ),
        ),
    )
    return [dagobert, donald, katrien, bolderbast, guus, kontex, _many_vestigingen(), opgeheven]


#: places (and one postcode each) the 1000 generated vestigingen of 90006577 are spread over
_FILIAAL_PLAATSEN: tuple[tuple[str, str], ...] = (
    ("Utrecht", "3511AB"),
    ("Rotterdam", "3011AB"),
    ("Groningen", "9711AB"),
    ("Eindhoven", "5611AB"),
    ("Zwolle", "8011AB"),
    ("Arnhem", "6811AB"),
    ("Leeuwarden", "8911AB"),
    ("Middelburg", "4331AB"),
)


def _many_vestigingen() -> Inschrijving:
    """90006577: a BV with 1000 vestigingen (generated, deliberately test-like)."""
    sbi = (SbiActiviteit("4711", "Supermarkten en dergelijke winkels", True),)
    vestigingen = []
    for i in range(1000):
        plaats, postcode = _FILIAAL_PLAATSEN[i % len(_FILIAAL_PLAATSEN)]
        vestigingen.append(
            Vestiging(
                vestigingsnummer=f"{900065770000 + i:012d}",
                eersteHandelsnaam="Test BV Vestigingenreus"
                if i == 0
                else f"Test Vestigingenreus Filiaal {i:04d}",
                hoofdvestiging=i == 0,
                adressen=(
                    Adres(
                        "bezoekadres",
                        plaats,
                        straatnaam="Filiaalstraat",
                        huisnummer=i // len(_FILIAAL_PLAATSEN) + 1,
                        postcode=postcode,
                    ),
                ),
                sbiActiviteiten=sbi,
                datumAanvang="20190601",
                formeleRegistratiedatum="20190603",
            )
        )
    return Inschrijving(
        kvkNummer="90006577",
        naam="Test BV Vestigingenreus",
        statutaireNaam="Test BV Vestigingenreus",
        rsin="863541008",
        rechtsvorm="Besloten Vennootschap",
        uitgebreideRechtsvorm="Besloten Vennootschap met gewone structuur",
        formeleRegistratiedatum="20190603",
        datumAanvang="20190601",
        handelsnamen=("Test BV Vestigingenreus",),
        sbiActiviteiten=sbi,
        vestigingen=tuple(vestigingen),
    )


def _demo_world(today: date) -> list[Inschrijving]:
    """The KvK part of docs/demo-world.md."""
    kleine_noord_88 = Adres(
        "bezoekadres",
        "Hoorn",
        straatnaam="Kleine Noord",
        huisnummer=88,
        postcode="1621JH",
        addresseerbaarObjectId="0405010000170088",
        nummerAanduidingId="0405200000170088",
    )
    flex_start = _ymd(today - timedelta(days=70))
    flex = Inschrijving(
        kvkNummer="97000011",
        naam="Flex West-Friesland Uitzendbureau B.V.",
        statutaireNaam="Flex West-Friesland Uitzendbureau B.V.",
        rsin="865001005",
        rechtsvorm="Besloten Vennootschap",
        uitgebreideRechtsvorm="Besloten Vennootschap met gewone structuur",
        formeleRegistratiedatum=flex_start,
        datumAanvang=flex_start,
        handelsnamen=("Flex West-Friesland Uitzendbureau B.V.", "Flex West-Friesland"),
        sbiActiviteiten=(_SBI_UITZEND,),
        vestigingen=(
            Vestiging(
                vestigingsnummer="000097000011",
                eersteHandelsnaam="Flex West-Friesland Uitzendbureau B.V.",
                hoofdvestiging=True,
                adressen=(kleine_noord_88,),
                sbiActiviteiten=(_SBI_UITZEND,),
                datumAanvang=flex_start,
                formeleRegistratiedatum=flex_start,
                extraHandelsnamen=("Flex West-Friesland",),
            ),
        ),
    )
    klus_start = _ymd(today - timedelta(days=150))
    klus = Inschrijving(
        kvkNummer="97000023",
        naam="Noord Klusbedrijf",
        rechtsvorm="Eenmanszaak",
        uitgebreideRechtsvorm="Eenmanszaak",
        formeleRegistratiedatum=klus_start,
        datumAanvang=klus_start,
        handelsnamen=("Noord Klusbedrijf",),
        sbiActiviteiten=(_SBI_KLUS,),
        vestigingen=(
            Vestiging(
                vestigingsnummer="000097000023",
                eersteHandelsnaam="Noord Klusbedrijf",
                hoofdvestiging=True,
                adressen=(kleine_noord_88,),
                sbiActiviteiten=(_SBI_KLUS,),
                datumAanvang=klus_start,
                formeleRegistratiedatum=klus_start,
            ),
        ),
    )
    lotus_sbi = (_SBI_SCHOONHEID, _SBI_SAUNA)
    lotus = Inschrijving(
        kvkNummer="97000035",
        naam="Lotus Massage & Wellness",
        rechtsvorm="Eenmanszaak",
        uitgebreideRechtsvorm="Eenmanszaak",
        formeleRegistratiedatum="20250303",
        datumAanvang="20250301",
        handelsnamen=("Lotus Massage & Wellness",),
        sbiActiviteiten=lotus_sbi,
        vestigingen=(
            Vestiging(
                vestigingsnummer="000097000035",
                eersteHandelsnaam="Lotus Massage & Wellness",
                hoofdvestiging=True,
                adressen=(
                    Adres(
                        "bezoekadres",
                        "Enkhuizen",
                        straatnaam="Westerstraat",
                        huisnummer=201,
                        postcode="1601AM",
                        addresseerbaarObjectId="0388010000120201",
                        nummerAanduidingId="0388200000120201",
                    ),
                ),
                sbiActiviteiten=lotus_sbi,
                datumAanvang="20250301",
                formeleRegistratiedatum="20250303",
                voltijdWerkzamePersonen=1,
                deeltijdWerkzamePersonen=1,
            ),
        ),
    )
    return [flex, klus, lotus]


def build_registry(today: date) -> Registry:
    """All records, with the demo world's recent dates computed from ``today``."""
    registry = Registry()
    for inschrijving in [*_public_test_records(), *_demo_world(today)]:
        registry.add(inschrijving)
    return registry
