"""The BRP fake's records: public GBA-V proefomgeving identities and the demo world.

Two kinds of persons live here, both as :class:`PersonRecord`:

* persons of RvIG's public test set (``brp-testset-proefomgeving-gba-v.csv``), curated
  by hand from their row in that file (category 01 name/birth, 04 nationality, 06
  death, 07 secrecy/suspension, 08 residence); the CSV itself is not shipped;
* every person of the West-Friesland demo world (``docs/demo-world.md``), whose
  recent dates are relative to the fake's current date (:class:`Ago`).

Dates are kept as the GBA stores them (``"YYYYMMDD"``, unknown parts as ``00``) so the
fake can turn them into the API's polymorphic date objects. Coded values are kept as
codes; :data:`GEMEENTEN`, :data:`LANDEN`, :data:`NATIONALITEITEN` hold the table
descriptions the fake knows (a code missing there is answered with its code only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ADELLIJKE_TITELS",
    "GEMEENTEN",
    "GESLACHTEN",
    "LANDEN",
    "NATIONALITEITEN",
    "PERSONS",
    "REDENEN_OPSCHORTING",
    "Adres",
    "Ago",
    "DateSpec",
    "PersonRecord",
    "VerblijfplaatsBuitenland",
    "VerblijfplaatsOnbekend",
]


@dataclass(frozen=True, slots=True)
class Ago:
    """A date relative to the fake's today: ``years`` and then ``days`` earlier."""

    years: int = 0
    days: int = 0


#: a GBA date ``"YYYYMMDD"`` (``00`` for unknown parts) or a relative one
DateSpec = str | Ago


@dataclass(frozen=True, slots=True)
class Adres:
    """A Dutch address (BRP category 08, 11.xx) with its BAG identifiers."""

    korteStraatnaam: str  # 11.10 straatnaam
    huisnummer: int
    postcode: str
    woonplaats: str
    adresseerbaarObjectIdentificatie: str
    nummeraanduidingIdentificatie: str
    officieleStraatnaam: str | None = None  # 11.15 naam openbare ruimte, when it differs
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True, slots=True)
class VerblijfplaatsBuitenland:
    """A residence abroad (category 08, 13.xx)."""

    land: str
    regel1: str | None = None
    regel2: str | None = None
    regel3: str | None = None


@dataclass(frozen=True, slots=True)
class VerblijfplaatsOnbekend:
    """Left for an unknown destination."""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person list, reduced to what the fake answers."""

    burgerservicenummer: str
    voornamen: str | None
    voorvoegsel: str | None
    geslachtsnaam: str
    geboortedatum: DateSpec
    geboorteplaats: str  # a gemeente code (4 digits) or a foreign place name
    geboorteland: str
    geslacht: Literal["M", "V", "O"] | None
    nationaliteiten: tuple[str, ...]
    gemeenteVanInschrijving: str
    datumInschrijvingInGemeente: DateSpec
    verblijfplaats: Adres | VerblijfplaatsBuitenland | VerblijfplaatsOnbekend
    datumVan: DateSpec
    datumEersteInschrijvingGBA: DateSpec | None = None
    #: (landVanwaarIngeschreven, datumVestigingInNederland)
    immigratie: tuple[str, DateSpec] | None = None
    #: (datum, plaats, land)
    overlijden: tuple[DateSpec, str, str] | None = None
    #: 07.70.10 indicatie geheim, 0 = none
    geheim: int = 0
    #: (datum, reden) of the suspension of maintenance (07.67.10 / 07.67.20)
    opschorting: tuple[DateSpec, str] | None = None
    adellijkeTitelPredicaat: str | None = None


# --- coded values (LO BRP tables 32, 33, 34 and friends), only those used below ---

GEMEENTEN: Mapping[str, str] = {
    "0000": "Onbekend",
    "0014": "Groningen",
    "0193": "Zwolle",
    "0344": "Utrecht",
    "0363": "Amsterdam",
    "0388": "Enkhuizen",
    "0405": "Hoorn",
    "0420": "Medemblik",
    "0518": "'s-Gravenhage",
    "0599": "Rotterdam",
    "1904": "Stichtse Vecht",
    "1999": "Registratie Niet Ingezetenen (RNI)",
}

LANDEN: Mapping[str, str] = {
    "0000": "Onbekend",
    "5001": "Canada",
    "5002": "Frankrijk",
    "5010": "België",
    "6022": "China",
    "6030": "Nederland",
    "7028": "Polen",
    "7047": "Roemenië",
    "7048": "Slowakije",
    "9089": "Duitsland",
}

NATIONALITEITEN: Mapping[str, str] = {
    "0001": "Nederlandse",
    "0042": "Kroatische",
    "0057": "Franse",
    "0072": "Poolse",
    "0074": "Roemeense",
    "0252": "Braziliaanse",  # code not verified against table 32
    "0307": "Chinese",
    "0345": "Vietnamese",  # code not verified against table 32
}

GESLACHTEN: Mapping[str, str] = {"M": "man", "V": "vrouw", "O": "onbekend"}

REDENEN_OPSCHORTING: Mapping[str, str] = {
    "E": "emigratie",
    "M": "ministerieel besluit",
    "O": "overlijden",
    "R": "pl is aangelegd in de rni",
}

ADELLIJKE_TITELS: Mapping[str, tuple[str, str]] = {"GI": ("gravin", "titel")}


# --- addresses ---------------------------------------------------------------

KLEINE_NOORD_88 = Adres(
    "Kleine Noord", 88, "1621JH", "Hoorn", "0405010000170088", "0405200000170088"
)
WESTERSTRAAT_201 = Adres(
    "Westerstraat", 201, "1601AM", "Enkhuizen", "0388010000120201", "0388200000120201"
)
DIJK_12 = Adres("Dijk", 12, "1601GJ", "Enkhuizen", "0388010000110012", "0388200000110012")
DORPSSTRAAT_5 = Adres("Dorpsstraat", 5, "1687AB", "Wognum", "0420010000150005", "0420200000150005")
# 21 persons of the public test set are registered at this address (a tooManyResults case)
VAN_WIJNGAERDENSTRAAT_1 = Adres(
    "Van Wijngaerdenstraat", 1, "2596TW", "Toetsoog", "1810010010001001", "1810200010001001"
)


def _rvig(
    bsn: str,
    voornamen: str | None,
    voorvoegsel: str | None,
    geslachtsnaam: str,
    geboortedatum: str,
    geboorteplaats: str,
    geslacht: Literal["M", "V", "O"] | None,
    gemeente: str,
    inschrijving: str,
    adres: Adres,
    *,
    geboorteland: str = "6030",
    nationaliteit: str = "0001",
    datum_van: str | None = None,
    **extra: object,
) -> PersonRecord:
    return PersonRecord(
        burgerservicenummer=bsn,
        voornamen=voornamen,
        voorvoegsel=voorvoegsel,
        geslachtsnaam=geslachtsnaam,
        geboortedatum=geboortedatum,
        geboorteplaats=geboorteplaats,
        geboorteland=geboorteland,
        geslacht=geslacht,
        nationaliteiten=(nationaliteit,) if nationaliteit else (),
        gemeenteVanInschrijving=gemeente,
        datumInschrijvingInGemeente=inschrijving,
        verblijfplaats=adres,
        datumVan=datum_van or inschrijving,
        **extra,  # type: ignore[arg-type]
    )


# --- RvIG GBA-V proefomgeving test set ------------------------------------------

_RVIG: tuple[PersonRecord, ...] = (
    _rvig(
        "999993653",
        "Suzanne",
        None,
        "Moulin",
        "19851201",
        "Thann",
        "V",
        "0599",
        "20131102",
        Adres("Boterdiep", 31, "3077AW", "Rotterdam", "0599010000208579", "0599200000219678"),
        geboorteland="5001",
        nationaliteit="0057",
        datum_van="20150808",
        datumEersteInschrijvingGBA="20131102",
        immigratie=("5002", "20131102"),
    ),
    _rvig(
        "999990676",
        "Cornelia Francisca",
        None,
        "Wiegman",
        "19070203",
        "1157",
        "V",
        "0518",
        "19950515",
        Adres(
            "Nieuwe Parklaan", 58, "2597LD", "'s-Gravenhage", "0518013530058001", "0518203530058001"
        ),
        datum_van="20010728",
    ),
    _rvig(
        "999991978",
        "Adrianus",
        None,
        "Holthuizen",
        "19270203",
        "0363",
        "M",
        "0518",
        "19840316",
        Adres(
            "Keizerstraat",
            7,
            "2584BA",
            "'s-Gravenhage",
            "0518014040007001",
            "0518204040007001",
            huisletter="A",
        ),
    ),
    PersonRecord(
        burgerservicenummer="999993483",
        voornamen="Jacoba Magdalena",
        voorvoegsel="te",
        geslachtsnaam="Schaars",
        adellijkeTitelPredicaat="GI",
        geboortedatum="19650522",
        geboorteplaats="0012",
        geboorteland="6030",
        geslacht="V",
        nationaliteiten=("0001",),
        gemeenteVanInschrijving="1999",
        datumInschrijvingInGemeente="20140702",
        verblijfplaats=VerblijfplaatsBuitenland(
            "5010", "Rue du pomme 25", "Bruxelles", "postcode 1000"
        ),
        datumVan="20140702",
        geheim=2,
        opschorting=("20140702", "E"),
    ),
    _rvig(
        "999993872",
        "Peter-Jan",
        "van der",
        "Meijden",
        "19590417",
        "0947",
        "M",
        "0599",
        "19910201",
        Adres("Goudsesingel", 72, "3011KD", "Rotterdam", "0599010000228162", "0599200001012572"),
        datum_van="19980401",
        geheim=3,
    ),
    _rvig(
        "999992740",
        "Jael",
        "de",
        "Jager",
        "20000101",
        "0518",
        "V",
        "0518",
        "20000101",
        Adres("Leyweg", 1485, "2584AE", "'s-Gravenhage", "0518010000817227", "0518200000617226"),
    ),
    _rvig(
        "999995017",
        "Wladyslaw",
        None,
        "Kwasniewski",
        "19500713",
        "Włocławek",
        "M",
        "0518",
        "19880115",
        Adres(
            "Fluitenbergstraat",
            182,
            "2545NN",
            "'s-Gravenhage",
            "0518010000670297",
            "0518200000670296",
        ),
        geboorteland="7028",
        nationaliteit="0072",
        immigratie=("7028", "19880115"),
    ),
    _rvig(
        "999994542",
        "Gerrit",
        "den",
        "Braber",
        "19680318",
        "0518",
        "M",
        "0363",
        "19970302",
        Adres(
            "Schakelstraat",
            14,
            "1014AW",
            "Amsterdam",
            "0363010000805805",
            "0363200000264601",
            huisnummertoevoeging="H",
        ),
    ),
    _rvig(
        "999991930",
        "Aad",
        None,
        "Holthuizen",
        "19580706",
        "0363",
        "M",
        "0599",
        "19910824",
        Adres(
            "Anna van Westrienenstr",
            1,
            "3038SX",
            "Rotterdam",
            "0599010400020921",
            "0599200100021686",
            huisletter="A",
        ),
        datum_van="20011121",
    ),
    _rvig(
        "999990147",
        "Margriet",
        None,
        "Buidel",
        "19480117",
        "0344",
        "V",
        "0599",
        "19680401",
        Adres(
            "François Nivardstraat",
            51,
            "3065PE",
            "Rotterdam",
            "0599010051001501",
            "0599200051001501",
        ),
        overlijden=("20180526", "0599", "6030"),
        opschorting=("20180526", "O"),
    ),
    # the test set swaps first and family name of this person; kept as published
    _rvig(
        "999992351",
        "Lohstroh",
        None,
        "Denise",
        "19780300",
        "Peking",
        "V",
        "0518",
        "20051002",
        Adres(
            "Aalbessenstraat", 31, "2564TS", "'s-Gravenhage", "0518010000389662", "0518200000389661"
        ),
        geboorteland="6022",
        nationaliteit="0307",
        immigratie=("6022", "20051002"),
    ),
    _rvig(
        "999994220",
        "Mĩkaăŀ",
        None,
        "Vĸovāųl",
        "00000000",
        "0000",
        "V",
        "0518",
        "20160816",
        Adres(
            "Obrechtstraat", 452, "2517VK", "'s-Gravenhage", "0518010000410621", "0518200000410620"
        ),
        geboorteland="0000",
        nationaliteit="0042",
        immigratie=("7048", "19891119"),
    ),
    # left for an unknown destination (08.13.10 land 0000), suspended by ministerieel besluit
    PersonRecord(
        burgerservicenummer="999993586",
        voornamen="Angélique",
        voorvoegsel="la",
        geslachtsnaam="Vache",
        geboortedatum="19870410",
        geboorteplaats="Toulouse",
        geboorteland="5002",
        geslacht="V",
        nationaliteiten=("0057",),
        gemeenteVanInschrijving="0518",
        datumInschrijvingInGemeente="19900601",
        verblijfplaats=VerblijfplaatsOnbekend(),
        datumVan="20080402",
        opschorting=("20080402", "M"),
    ),
    # the test set lacks the leading zero of both BAG identifiers; restored here
    _rvig(
        "999995844",
        "Bernhard",
        "de",
        "Boer",
        "19710000",
        "0344",
        "V",
        "0363",
        "19800225",
        Adres(
            "Fokke Simonszstraat",
            35,
            "1017TE",
            "Amsterdam",
            "0363010012067062",
            "0363200012067242",
            huisletter="B",
        ),
    ),
)

# residents of Van Wijngaerdenstraat 1, Toetsoog (gemeente 1810) in the test set
_TOETSOOG: tuple[tuple[str, str, str | None, str, str, str, Literal["M", "V"], str], ...] = (
    ("999991723", "Lukas", None, "Klamer", "19950515", "1904", "M", "20000610"),
    ("999992788", "Pietje", None, "Puk", "19990418", "1904", "M", "20000610"),
    ("999993082", "Vera", None, "Galjoen", "19990518", "1904", "V", "20000610"),
    ("999995054", "Pelle", None, "Mug", "19690313", "0193", "M", "19980502"),
    ("999994207", "Peter", "het", "Hart", "19980502", "1904", "M", "19980502"),
    ("999994165", "Alex", None, "Oever", "19700206", "1810", "M", "19980502"),
    ("999990573", "Martine", None, "Span", "19760626", "0626", "V", "20000610"),
    ("999993999", "Klaas", "de", "Groot", "19981115", "1904", "M", "20000610"),
    ("999993094", "Sunshine", None, "Zonneveld", "19990303", "1904", "V", "20000610"),
    ("999992259", "Dennis", None, "Schieland", "19990131", "1904", "M", "20000610"),
    ("999994189", "Erik", "van", "Maastricht", "19991225", "1904", "M", "20000610"),
    ("999992430", "Cornelia", None, "Prul", "19800326", "0968", "V", "19980502"),
    ("999995042", "Rudolf Johannes", None, "Schievent", "19750717", "1810", "M", "19980502"),
    ("999996460", "Veronique", None, "Galjoen", "20190817", "0014", "V", "20190817"),
)

_RVIG_TOETSOOG = (
    *(
        _rvig(bsn, vn, vv, gn, gd, gp, gs, "1810", ins, VAN_WIJNGAERDENSTRAAT_1)
        for bsn, vn, vv, gn, gd, gp, gs, ins in _TOETSOOG
    ),
    _rvig(
        "999991772",
        "Frouke",
        None,
        "Jansen",
        "20000324",
        "Luik",
        "V",
        "1810",
        "20000610",
        VAN_WIJNGAERDENSTRAAT_1,
        geboorteland="5010",
    ),
)


# --- the West-Friesland demo world (docs/demo-world.md) ---------------------------


def _migrant(
    bsn: str,
    voornamen: str,
    geslachtsnaam: str,
    geboortedatum: str,
    geboorteplaats: str,
    geslacht: Literal["M", "V"],
    nationaliteit: str,
    land: str,
    registered: DateSpec,
    adres: Adres,
    gemeente: str,
    *,
    vanuit: str | None = None,
) -> PersonRecord:
    return PersonRecord(
        burgerservicenummer=bsn,
        voornamen=voornamen,
        voorvoegsel=None,
        geslachtsnaam=geslachtsnaam,
        geboortedatum=geboortedatum,
        geboorteplaats=geboorteplaats,
        geboorteland=land,
        geslacht=geslacht,
        nationaliteiten=(nationaliteit,),
        gemeenteVanInschrijving=gemeente,
        datumInschrijvingInGemeente=registered,
        verblijfplaats=adres,
        datumVan=registered,
        datumEersteInschrijvingGBA=registered,
        immigratie=(vanuit or land, registered),
    )


_POOLSE, _ROEMEENSE = "0072", "0074"
_POLEN, _ROEMENIE = "7028", "7047"

# Story 1 - Kleine Noord 88, Hoorn: nine registered, four of them recently
_STORY_1: tuple[PersonRecord, ...] = (
    _migrant(
        "999970008",
        "Piotr",
        "Nowak",
        "19900412",
        "Lublin",
        "M",
        _POOLSE,
        _POLEN,
        "20210315",
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970021",
        "Andrei",
        "Popescu",
        "19970930",
        "Craiova",
        "M",
        _ROEMEENSE,
        _ROEMENIE,
        Ago(days=52),
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970033",
        "Marta",
        "Kowalska",
        "20010115",
        "Opole",
        "V",
        _POOLSE,
        _POLEN,
        Ago(days=75),
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970045",
        "Ionut",
        "Dumitru",
        "19850602",
        # the BRP character set has s and t with cedilla (ş, ţ), not the Romanian comma
        # below (ș, ț): the official pattern for place names admits only the former
        "Iaşi",
        "M",
        _ROEMEENSE,
        _ROEMENIE,
        "20220601",
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970057",
        "Katarzyna",
        "Wiśniewska",
        "20041123",
        "Tychy",
        "V",
        _POOLSE,
        _POLEN,
        Ago(days=20),
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970069",
        "Mihai",
        "Ionescu",
        "19930308",
        "Constanţa",
        "M",
        _ROEMEENSE,
        _ROEMENIE,
        "20230912",
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970070",
        "Tomasz",
        "Zieliński",
        "19880719",
        "Sosnowiec",
        "M",
        _POOLSE,
        _POLEN,
        "20240205",
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970082",
        "Elena",
        "Stan",
        "20001201",
        "Cluj-Napoca",
        "V",
        _ROEMEENSE,
        _ROEMENIE,
        Ago(days=35),
        KLEINE_NOORD_88,
        "0405",
    ),
    _migrant(
        "999970094",
        "Pawel",
        "Lewandowski",
        "19820227",
        "Płock",
        "M",
        _POOLSE,
        _POLEN,
        "20240819",
        KLEINE_NOORD_88,
        "0405",
    ),
    # the two "mogelijke bewoners" of the Bewoning story: registered here, but the date
    # they came to live here (datum aanvang adreshouding) is wholly unknown; with them,
    # eleven persons live here, so a Personen search on this address is tooManyResults
    PersonRecord(
        burgerservicenummer="999970100",
        voornamen="Adam",
        voorvoegsel=None,
        geslachtsnaam="Wójcik",
        geboortedatum="19910514",
        geboorteplaats="Gdańsk",
        geboorteland=_POLEN,
        geslacht="M",
        nationaliteiten=(_POOLSE,),
        gemeenteVanInschrijving="0405",
        datumInschrijvingInGemeente="00000000",
        verblijfplaats=KLEINE_NOORD_88,
        datumVan="00000000",
        datumEersteInschrijvingGBA="20230403",
        immigratie=(_POLEN, "20230403"),
    ),
    PersonRecord(
        burgerservicenummer="999970112",
        voornamen="Radu",
        voorvoegsel=None,
        geslachtsnaam="Marin",
        geboortedatum="19891002",
        geboorteplaats="Craiova",
        geboorteland=_ROEMENIE,
        geslacht="M",
        nationaliteiten=(_ROEMEENSE,),
        gemeenteVanInschrijving="0405",
        datumInschrijvingInGemeente="00000000",
        verblijfplaats=KLEINE_NOORD_88,
        datumVan="00000000",
        datumEersteInschrijvingGBA="20230917",
        immigratie=(_ROEMENIE, "20230917"),
    ),
)

# Story 2 - Westerstraat 201, Enkhuizen
_STORY_2: tuple[PersonRecord, ...] = (
    _migrant(
        "999970124",
        "Mai",
        "Nguyen",
        "20030505",
        "Hanoi",
        "V",
        "0345",
        "0000",
        "20250410",
        WESTERSTRAAT_201,
        "0388",
        vanuit="9089",
    ),
    _migrant(
        "999970136",
        "Ana",
        "Costa",
        "19990814",
        "São Paulo",
        "V",
        "0252",
        "0000",
        "20250612",
        WESTERSTRAAT_201,
        "0388",
        vanuit="5010",
    ),
    _migrant(
        "999970148",
        "Lin",
        "Wei",
        "20050210",
        "Wenzhou",
        "V",
        "0307",
        "6022",
        Ago(days=30),
        WESTERSTRAAT_201,
        "0388",
    ),
    PersonRecord(
        burgerservicenummer="999970161",
        voornamen="Johan",
        voorvoegsel="de",
        geslachtsnaam="Vries",
        geboortedatum="19711003",
        geboorteplaats="0388",
        geboorteland="6030",
        geslacht="M",
        nationaliteiten=("0001",),
        gemeenteVanInschrijving="0388",
        datumInschrijvingInGemeente="19711003",
        verblijfplaats=DIJK_12,
        datumVan="20060901",
        datumEersteInschrijvingGBA="19711003",
    ),
)

# Story 3 - Dorpsstraat 5, Wognum (Medemblik); Daan is always 16
_STORY_3: tuple[PersonRecord, ...] = (
    PersonRecord(
        burgerservicenummer="999970173",
        voornamen="Daan",
        voorvoegsel=None,
        geslachtsnaam="Bakker",
        geboortedatum=Ago(years=16, days=120),
        geboorteplaats="0405",
        geboorteland="6030",
        geslacht="M",
        nationaliteiten=("0001",),
        gemeenteVanInschrijving="0420",
        datumInschrijvingInGemeente=Ago(years=16, days=120),
        verblijfplaats=DORPSSTRAAT_5,
        datumVan="20150801",
        datumEersteInschrijvingGBA=Ago(years=16, days=120),
    ),
    PersonRecord(
        burgerservicenummer="999970185",
        voornamen="Kevin",
        voorvoegsel=None,
        geslachtsnaam="Smit",
        geboortedatum="19940120",
        geboorteplaats="0405",
        geboorteland="6030",
        geslacht="M",
        nationaliteiten=("0001",),
        gemeenteVanInschrijving="0420",
        datumInschrijvingInGemeente="20190301",
        verblijfplaats=DORPSSTRAAT_5,
        datumVan="20190301",
        datumEersteInschrijvingGBA="19940120",
    ),
    PersonRecord(
        burgerservicenummer="999970197",
        voornamen="Sandra",
        voorvoegsel=None,
        geslachtsnaam="Bakker",
        geboortedatum="19780411",
        geboorteplaats="0420",
        geboorteland="6030",
        geslacht="V",
        nationaliteiten=("0001",),
        gemeenteVanInschrijving="0420",
        datumInschrijvingInGemeente="19780411",
        verblijfplaats=DORPSSTRAAT_5,
        datumVan="20150801",
        datumEersteInschrijvingGBA="19780411",
    ),
)

#: every person the fake knows, by burgerservicenummer
PERSONS: Mapping[str, PersonRecord] = {
    p.burgerservicenummer: p for p in (*_RVIG, *_RVIG_TOETSOOG, *_STORY_1, *_STORY_2, *_STORY_3)
}
