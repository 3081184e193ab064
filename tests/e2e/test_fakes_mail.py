"""The fakes' local mail server never takes a port that is not its own: in-process it
listens on a free port (so port 8925 in use elsewhere changes nothing), beside
`opplus fakes serve --port` it moves along with that port (and the hub finds it from
the fakes' URL), and a port that is taken is a clear refusal, not mail delivered to
whatever listens there ("certificate not trusted")."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import ROOT, clean_env, run_opplus, spawn_opplus, start_fakes, violations

pytestmark = pytest.mark.e2e

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
CONVENTIONAL_MAIL_PORT = 8925  # beside the HTTP fakes on 8900
MAIL_OFFSET = CONVENTIONAL_MAIL_PORT - 8900


def _occupy(port: int) -> socket.socket | None:
    """Listen on ``port`` without ever answering; None when something else already
    listens there (which occupies it just as well)."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        return None
    sock.listen()
    return sock


@pytest.fixture
def mail_port_taken() -> Iterator[None]:
    held = _occupy(CONVENTIONAL_MAIL_PORT)
    yield
    if held is not None:
        held.close()


def _http_port_with_mail_port(*, mail_free: bool) -> tuple[int, socket.socket | None]:
    """A free HTTP port whose mail port beside it is free (or held by us, when not
    ``mail_free``)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            http_port = int(probe.getsockname()[1])
        if http_port + MAIL_OFFSET > 65535:
            continue
        held = _occupy(http_port + MAIL_OFFSET)
        if held is None:
            continue
        if mail_free:
            held.close()
            return http_port, None
        return http_port, held
    raise RuntimeError("no pair of free ports found")


def _forward_to_pct(env: dict[str, str], *prefix: str) -> str:
    enriched = run_opplus(*prefix, "enrich", str(EXAMPLE_1), "--format", "json", env=env)
    assert enriched.code == 0, enriched.err
    dossier = json.loads(enriched.out)
    sent = run_opplus(
        *prefix, "forward", dossier["id"], "--table", "pct", "--yes", "--deliver", env=env
    )
    assert sent.code == 0, sent.err
    return sent.out


def test_in_process_mail_goes_to_its_own_server_while_8925_is_taken(tmp_path, mail_port_taken):
    home = clean_env(OPPLUS_HOME=str(tmp_path / "home"))
    started = time.monotonic()
    out = _forward_to_pct(home)
    assert "delivered" in out, out
    assert time.monotonic() - started < 30  # not a connect that waits on a mute port
    [mail] = (tmp_path / "home" / "fake-smtp" / "inbox").glob("*.eml")
    assert "To: pct@politie.example" in mail.read_text()


def test_fakes_serve_moves_the_mail_port_along_and_the_hub_finds_it(tmp_path):
    home = clean_env(OPPLUS_HOME=str(tmp_path / "home"))
    http_port, _ = _http_port_with_mail_port(mail_free=True)
    fakes = start_fakes(http_port, env=home)
    url = f"http://127.0.0.1:{http_port}"
    try:
        out = _forward_to_pct(home, "--fakes-url", url)
        assert "delivered" in out, out
        # the fakes' mail server wrote it into the shared data directory's inbox
        assert list((tmp_path / "home" / "fake-smtp" / "inbox").glob("*.eml"))
        assert violations(url) == {}  # and the enrichment stayed within the documents
    finally:
        fakes.terminate()
        _, err = fakes.communicate(timeout=15)
    assert f"127.0.0.1:{http_port + MAIL_OFFSET}" in err


def test_fakes_serve_refuses_a_mail_port_in_use(tmp_path):
    home = clean_env(OPPLUS_HOME=str(tmp_path / "home"))
    http_port, held = _http_port_with_mail_port(mail_free=False)
    try:
        result = spawn_opplus("fakes", "serve", "--port", str(http_port), env=home, timeout=30)
    finally:
        assert held is not None
        held.close()
    assert result.code == 2, result.err
    mail_port = http_port + MAIL_OFFSET
    assert f"poort {mail_port} voor de nep-server smtp is al in gebruik" in result.err
    assert "--port" in result.err and "Traceback" not in result.err
    with pytest.raises(httpx.TransportError):  # and nothing was left serving
        httpx.get(f"http://127.0.0.1:{http_port}/_fakes", timeout=1)
