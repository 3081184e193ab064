"""The plugin author's guide: every hook documented with its exact signature, every hook
tested, and the worked example executed — including the contract kit run on it."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

from plugins import _hookspecs

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "writing-a-connector.md"


def hookspecs() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in vars(_hookspecs).items()
        if callable(fn) and getattr(fn, "opplus_spec", None) is not None
    }


def test_there_are_hookspecs():
    assert set(hookspecs()) >= {"register_connectors", "register_fakes"}


def test_every_hook_is_documented_with_its_exact_signature():
    text = GUIDE.read_text()
    for name, sig in hookspecs().items():
        params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
        documented = f"{name}({params}) -> {sig.return_annotation}"
        assert documented in text, f"document the hook as: {documented}"
        assert f"### `{name}(" in text, f"the guide needs a section for {name}"


def test_every_hook_is_tested():
    tests = "\n".join(
        p.read_text() for p in (ROOT / "tests").rglob("test_*.py") if p.name != "test_guide.py"
    )
    for name in hookspecs():
        assert re.search(rf"\b{name}\b", tests), f"no test exercises the hook {name}"


def test_worked_example_runs_with_the_contract_kit(tmp_path):
    text = GUIDE.read_text()
    section = text[text.index("## 8. A complete example") :]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    module = tmp_path / "test_guide_example.py"
    module.write_text("\n\n".join(blocks))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b1[5-9] passed|\b[2-9][0-9] passed", proc.stdout), proc.stdout[-500:]


def test_every_fault_of_the_matrix_is_in_the_guide_table():
    from plugins.testing import FAULTS

    text = GUIDE.read_text()
    for fault in FAULTS:
        assert f"| {fault.name} |" in text, f"the fault matrix table lacks {fault.name!r}"


def test_the_kit_and_the_answer_helpers_are_documented():
    import plugins
    from plugins import testing

    text = GUIDE.read_text()
    helpers = {"DEFAULT_MAX_RESPONSE_BYTES", "hal_items", "json_body", "problem_detail"}
    helpers |= {"raise_for_status", "registry_client", "send", "BadResponse"}
    helpers |= {"PurposeHeaders", "PurposeCode", "header_value", "missing_headers"}
    helpers |= {"tls_context", "OAuth2Settings", "TokenSource"}
    helpers |= {"ZgwClientSettings", "ZgwJwt", "ZgwJwtError", "verify_zgw_jwt"}
    helpers |= {"unverified_zgw_claims", "GatewayAuth", "GatewayAuthSettings"}
    helpers |= {"HalApi", "HalApiSettings", "address_params", "parse_model", "hal_models"}
    helpers |= {"house_number", "Probe"}
    assert helpers <= set(plugins.__all__)
    for name in sorted(helpers | set(testing.__all__)):
        assert re.search(rf"`[^`]*\b{name}\b[^`]*`", text), f"the guide does not mention {name}"


def test_the_fake_helpers_are_documented():
    from plugins import fakes

    text = GUIDE.read_text()
    for name in sorted(fakes.__all__):
        assert re.search(rf"`[^`]*\b{name}\b[^`]*`", text), f"the guide does not mention {name}"
    for method in ("serving", "answer_http_errors", "api_key_gate", "unknown", "patterns"):
        assert f".{method}(" in text, f"the guide does not mention {method}"
