"""The signal form of the officer's page: its fields, and the signal it makes.

Rows of persons, addresses and businesses left empty are skipped. A problem that
:func:`hub.signal.parse_signal` names is shown next to the form field it concerns,
under the field path of the form's own row (``persons[1].burgerservicenummer`` is the
second person row on the page, also when the first was left empty).

Form fields arrive as text; the signal model takes no text for a number, so this
adapter converts ``huisnummer`` itself — only when it is ASCII digits. Anything else
is passed on as typed, and the signal refuses it naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from plugins import is_ascii_digits

from ..signal import MAX_SUBJECTS, SignalError, parse_signal

__all__ = ["MAX_ROWS", "ROW_FIELDS", "SignalForm"]

MAX_ROWS = MAX_SUBJECTS  # a row per subject, as many as a signal may hold
ROW_FIELDS = {
    "persons": ("burgerservicenummer",),
    "addresses": ("postcode", "huisnummer", "huisletter", "huisnummertoevoeging"),
    "businesses": ("kvkNummer", "vestigingsnummer"),
}
_KIND_LABELS = {"persons": "Persoon", "addresses": "Adres", "businesses": "Bedrijf"}
FIELD_LABELS = {
    "municipality": "Gemeente",
    "forms": "Vorm van uitbuiting",
    "purpose": "Doel (verwerkingsactiviteit)",
    "description": "Omschrijving",
    "reporter.name": "Melder: naam",
    "reporter.department": "Melder: afdeling",
    "reporter.email": "Melder: e-mailadres",
    "burgerservicenummer": "BSN",
    "postcode": "postcode",
    "huisnummer": "huisnummer",
    "huisletter": "huisletter",
    "huisnummertoevoeging": "toevoeging",
    "kvkNummer": "KvK-nummer",
    "vestigingsnummer": "vestigingsnummer",
}
_ROW_PATH = re.compile(r"^(persons|addresses|businesses)\[([0-9]+)\](?:\.(\w+))?", re.ASCII)
_INTEGER_FIELDS = frozenset({"huisnummer"})
_DEFAULT_ROWS = 2


def _text(form: FormData, name: str, limit: int = 20_000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _typed(name: str, value: str) -> str | int:
    return int(value) if name in _INTEGER_FIELDS and is_ascii_digits(value) else value


@dataclass
class SignalForm:
    """What the officer typed, the rows shown, and the problems per field."""

    values: dict[str, str] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(
        default_factory=lambda: {kind: _DEFAULT_ROWS for kind in ROW_FIELDS}
    )
    #: form field id -> message
    errors: dict[str, str] = field(default_factory=dict)
    #: (field id, the field's label as the form shows it, message), in form order
    summary: list[tuple[str, str, str]] = field(default_factory=list)
    #: the field that gets focus when the page loads (a row just added), or ""
    focus: str = ""

    @classmethod
    def empty(cls, municipality: str = "", purpose: str = "") -> SignalForm:
        return cls(values={"municipality": municipality, "purpose": purpose})

    @classmethod
    def from_form(cls, form: FormData) -> SignalForm:
        values = {
            name: _text(form, name)
            for name in (
                "municipality",
                "purpose",
                "description",
                "reporter.name",
                "reporter.department",
                "reporter.email",
            )
        }
        rows = {}
        for kind, names in ROW_FIELDS.items():
            text = _text(form, f"{kind}-rows")
            count = int(text) if is_ascii_digits(text) and len(text) < 4 else _DEFAULT_ROWS
            count = max(1, min(MAX_ROWS, count))
            rows[kind] = count
            for i in range(count):
                for name in names:
                    values[f"{kind}-{i}-{name}"] = _text(form, f"{kind}-{i}-{name}", 200)
        forms = [f for f in form.getlist("forms") if isinstance(f, str) and f][:10]
        return cls(values=values, forms=forms, rows=rows)

    def add_row(self, kind: str) -> None:
        """One more row of ``kind``, its first field focused (the officer types on)."""
        if kind in self.rows and self.rows[kind] < MAX_ROWS:
            self.focus = f"{kind}-{self.rows[kind]}-{ROW_FIELDS[kind][0]}"
            self.rows[kind] += 1

    def remove_row(self, kind: str, index: int) -> None:
        """Row ``index`` of ``kind`` removed, the rows after it move up (one row always
        stays); focus goes to the row that took its place, or the one before it."""
        count = self.rows.get(kind, 0)
        if not 0 <= index < count or count <= 1:
            return
        for i in range(index, count - 1):
            for name in ROW_FIELDS[kind]:
                self.values[f"{kind}-{i}-{name}"] = self.values.get(f"{kind}-{i + 1}-{name}", "")
        for name in ROW_FIELDS[kind]:
            self.values.pop(f"{kind}-{count - 1}-{name}", None)
        self.rows[kind] = count - 1
        self.focus = f"{kind}-{min(index, count - 2)}-{ROW_FIELDS[kind][0]}"

    def signal_data(self) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
        """The signal as JSON data, and per kind which form row each item came from."""
        v = self.values
        data: dict[str, Any] = {
            "municipality": v.get("municipality", ""),
            "forms": list(self.forms),
            "purpose": v.get("purpose", ""),
            "description": v.get("description", ""),
        }
        reporter = {
            key: v.get(f"reporter.{key}", "")
            for key in ("name", "department", "email")
            if v.get(f"reporter.{key}", "")
        }
        if reporter:
            data["reporter"] = reporter
        origin: dict[str, dict[int, int]] = {}
        for kind, names in ROW_FIELDS.items():
            items: list[dict[str, Any]] = []
            origin[kind] = {}
            for i in range(self.rows[kind]):
                item = {n: _typed(n, v.get(f"{kind}-{i}-{n}", "")) for n in names}
                item = {k: val for k, val in item.items() if val != ""}
                if not item:
                    continue
                origin[kind][len(items)] = i
                items.append(item)
            data[kind] = items
        return data, origin

    def parse(self) -> Any:
        """The signal, or None with ``errors``/``summary`` filled in."""
        data, origin = self.signal_data()
        try:
            return parse_signal(data)
        except SignalError as exc:
            for path, message in exc.problems:
                self.problem(path, message, origin)
            return None

    def problem(
        self, path: str, message: str, origin: Mapping[str, Mapping[int, int]] | None = None
    ) -> None:
        """Attach a problem named by its signal field path to its form field."""
        field_id, shown = self._locate(path, origin or {})
        self.errors.setdefault(field_id, message)
        self.summary.append((field_id, shown, message))
        self.summary.sort(key=lambda problem: _form_order(problem[0]))

    def _locate(self, path: str, origin: Mapping[str, Mapping[int, int]]) -> tuple[str, str]:
        """The form field a signal path concerns, and its label as the form shows it."""
        match = _ROW_PATH.match(path)
        if match:
            kind, index, name = match.group(1), int(match.group(2)), match.group(3)
            row = origin.get(kind, {}).get(index, index)
            name = name or ROW_FIELDS[kind][0]
            label = f"{_KIND_LABELS[kind]} {row + 1}, {FIELD_LABELS.get(name, name)}"
            return f"{kind}-{row}-{name}", label
        if path in ROW_FIELDS:  # no subject at all
            return f"{path}-0-{ROW_FIELDS[path][0]}", "Personen, adressen, bedrijven"
        base = path.split("[")[0]
        if base == "forms":
            return "forms", FIELD_LABELS["forms"]
        if base in ("reporter", "reporter.name", "reporter.department", "reporter.email"):
            key = base if base != "reporter" else "reporter.name"
            return key.replace(".", "-"), FIELD_LABELS.get(key, key)
        if base in FIELD_LABELS:
            return base, FIELD_LABELS[base]
        return "signaal", "Het signaal"


#: the fields before the rows and after them, as the page shows them
_TOP = ("municipality", "forms", "purpose", "description")
_BOTTOM = ("reporter-name", "reporter-department", "reporter-email", "signaal")
_KINDS = tuple(ROW_FIELDS)


def _form_order(field_id: str) -> tuple[int, int, int]:
    """Where a field stands on the page, so the summary reads top to bottom."""
    if field_id in _TOP:
        return (0, _TOP.index(field_id), 0)
    parts = field_id.split("-")
    if len(parts) == 3 and parts[0] in ROW_FIELDS and parts[1].isdigit():
        kind, row, name = parts[0], int(parts[1]), parts[2]
        names = ROW_FIELDS[kind]
        return (1 + _KINDS.index(kind), row, names.index(name) if name in names else 0)
    return (9, _BOTTOM.index(field_id) if field_id in _BOTTOM else len(_BOTTOM), 0)
