"""The committed JSON Schema is the model's, and dossiers validate against it."""

from __future__ import annotations

import json

import jsonschema

from hub.dossier import SCHEMA_PATH, dossier_json_schema


def test_committed_schema_matches_model():
    committed = json.loads(SCHEMA_PATH.read_text())
    assert committed == dossier_json_schema(), (
        "run: uv run python -c 'from hub.dossier import write_schema; write_schema()'"
    )


def test_schema_rejects_a_dossier_without_outcomes():
    schema = dossier_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors({"schema_version": "1.0", "id": "x"}))
    assert any("outcomes" in e.message for e in errors)
