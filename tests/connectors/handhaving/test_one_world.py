"""One demo world: an address has the same BAG nummeraanduiding in every fake.

An officer's dossier joins facts by these ids (a BRP verblijfplaats feeds the BAG and
the enforcement-case lookups of round 2), so a fake that numbers an address its own way
would make a real link look like "nothing found".
"""

from __future__ import annotations

from collections import defaultdict

from connectors.bag.fake import data as bag_data
from connectors.brp.fake import data as brp_data
from connectors.handhaving.fake import data as handhaving_data


def test_every_fake_numbers_an_address_the_same_way() -> None:
    sources = {
        "brp": {
            (p.verblijfplaats.postcode, p.verblijfplaats.huisnummer): (
                p.verblijfplaats.nummeraanduidingIdentificatie
            )
            for p in brp_data.PERSONS.values()
            if isinstance(p.verblijfplaats, brp_data.Adres)
        },
        "bag": {
            (a.postcode, a.huisnummer): a.nummeraanduidingIdentificatie for a in bag_data.ADRESSEN
        },
        "handhaving": {
            (a.postcode, a.huisnummer): a.identificatie for a in handhaving_data.ADRESSEN
        },
    }
    assert all(sources.values()), "a source contributed no addresses: the test would be idle"
    seen: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for source, ids in sources.items():
        for address, nummeraanduiding in ids.items():
            seen[address][source] = nummeraanduiding
    shared = {address: ids for address, ids in seen.items() if len(ids) > 1}
    assert shared, "no address is known to two fakes: the test would be idle"
    differing = {address: ids for address, ids in shared.items() if len(set(ids.values())) > 1}
    assert differing == {}
