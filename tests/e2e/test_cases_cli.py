"""Issue 12 at the command line: ``dossier list`` is a table of signals with a header,
searched and filtered; ``dossier show`` takes a unique id prefix (an ambiguous one is
exit 2 naming how many); ``case status`` / ``case note`` change the case, bad input is
exit 2 in Dutch naming the option, nothing written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from .conftest import ROOT, clean_env, run_opplus

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str, str]:
    """A home with the Hoorn and the Enkhuizen example enriched: (env, Hoorn's id,
    Enkhuizen's id)."""
    env = clean_env(OPPLUS_HOME=str(tmp_path_factory.mktemp("cases") / "home"))
    ids = []
    for name in ("1-arbeidsuitbuiting-hoorn.json", "2-seksuele-uitbuiting-enkhuizen.json"):
        result = run_opplus("enrich", str(ROOT / "examples" / name), "--format", "json", env=env)
        assert result.code in (0, 3), result.err
        ids.append(str(json.loads(result.out)["id"]))
    return env, ids[0], ids[1]


def _notes(env: dict[str, str]) -> int:
    with sqlite3.connect(Path(env["OPPLUS_HOME"]) / "opplus.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM case_notes").fetchone()[0])


def test_dossier_list_is_a_table_with_a_header(home: tuple[dict[str, str], str, str]) -> None:
    env, hoorn, enkhuizen = home
    listed = run_opplus("dossier", "list", env=env)
    assert listed.code == 0, listed.err
    header, *rows, total = listed.out.splitlines()
    assert header.split()[:4] == ["DOSSIER", "DATUM", "GEMEENTE", "STATUS"]
    assert [row.split()[0] for row in rows] == [enkhuizen, hoorn]
    assert "seksuele uitbuiting" in rows[0] and "nieuw" in rows[0] and "Enkhuizen" in rows[0]
    assert total == "2 signalen, pagina 1 van 1"
    only_hoorn = run_opplus("dossier", "list", "--gemeente", "0405", env=env)
    assert [row.split()[0] for row in only_hoorn.out.splitlines()[1:-1]] == [hoorn]
    searched = run_opplus("dossier", "list", "--zoek", "ARBEIDS", env=env)
    assert [row.split()[0] for row in searched.out.splitlines()[1:-1]] == [hoorn]
    wrong = run_opplus("dossier", "list", "--gemeente", "9999", env=env)
    assert wrong.code == 2 and "--gemeente: kies een gemeente waarvoor u werkt" in wrong.err


def test_dossier_show_takes_a_unique_prefix(home: tuple[dict[str, str], str, str]) -> None:
    env, hoorn, enkhuizen = home
    common = next(
        (hoorn[:n] for n, (a, b) in enumerate(zip(hoorn, enkhuizen, strict=False)) if a != b),
        hoorn,
    )
    unique = hoorn[: len(common) + 1]
    shown = run_opplus("dossier", "show", unique, "--format", "json", env=env)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["id"] == hoorn
    ambiguous = run_opplus("dossier", "show", common, env=env)
    assert ambiguous.code == 2 and "Traceback" not in ambiguous.err
    assert f"DOSSIER_ID: {common} past bij 2 dossiers; geef meer tekens" in ambiguous.err
    assert ambiguous.out == ""


def test_the_case_status_and_a_note_from_the_command_line(
    home: tuple[dict[str, str], str, str],
) -> None:
    env, hoorn, _ = home
    before = _notes(env)
    refused = run_opplus("case", "status", hoorn, "afgesloten", env=env)
    assert refused.code == 2 and "--reden: vul dit veld in" in refused.err
    assert _notes(env) == before
    closed = run_opplus("case", "status", hoorn, "afgesloten", "--reden", "dubbel", env=env)
    assert closed.code == 0, closed.err
    assert "afgesloten, toegewezen aan niemand" in closed.out
    noted = run_opplus("case", "note", hoorn, "gebeld met wijkteam", env=env)
    assert noted.code == 0 and "gebeld met wijkteam" in noted.out
    assert "aandachtsfunctionaris demo-af-westfriesland" in noted.out
    assert _notes(env) == before + 2
    listed = run_opplus("dossier", "list", "--status", "afgesloten", env=env)
    assert [row.split()[0] for row in listed.out.splitlines()[1:-1]] == [hoorn]
