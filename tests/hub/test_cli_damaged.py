"""A damaged record met by a command that does not name it itself is a Dutch message
and exit status 1, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hub.cli.main import main
from hub.store import StoreTampered
from hub.usecases.cases import Cases


def test_a_damaged_record_is_exit_1_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def damaged(*args: object, **kwargs: object) -> None:
        raise StoreTampered("dossier d-x: authentication failed")

    monkeypatch.setenv("OPPLUS_HOME", str(tmp_path))
    monkeypatch.setattr(Cases, "signals", damaged)  # what `dossier list` asks
    monkeypatch.setattr(sys, "argv", ["opplus", "dossier", "list"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "opgeslagen gegevens beschadigd of buiten opplus gewijzigd" in err and "d-x" in err
