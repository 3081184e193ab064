"""What an officer must not read: registry names, raw codes, ISO dates, a decimal point.

:func:`problems` checks text (``opplus enrich``'s output, or a page's :func:`visible`
text) against every field, key and code the loaded connectors declare.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

from hub.config import load_config
from hub.runtime import load_plugins
from plugins import FieldSpec

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DECIMAL_POINT = re.compile(r"\b\d+\.\d+\s*m²")
#: a registry's camelCase name (naam.volledigeNaam, aantalOpenZaken) anywhere in the text
CAMEL_CASE = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")
#: a dotted or snake_case name (indicator.m2_per_bewoner, geboorte.datum)
DOTTED = re.compile(r"\b[a-z][a-z0-9]*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z]+[A-Z]\w*")


@cache
def _declared() -> list[tuple[str, FieldSpec]]:
    specs = load_plugins(load_config()).connectors().values()
    return [(name, field) for spec in specs for name, field in spec.fields.items()]


def _raw_names() -> set[str]:
    """Declared field names and keys that are no Dutch word: dotted, camelCase, snake_case."""
    names = {name for name, _ in _declared()} | {
        part for _, field in _declared() for part in field.parts
    }
    return {n for n in names if "." in n or "_" in n or n != n.lower()}


def _raw_codes() -> set[str]:
    """Declared codes that are no Dutch text (mindere_mate, VerblijfplaatsBuitenland)."""
    codes = {code for _, field in _declared() for codes in field.codes.values() for code in codes}
    return {c for c in codes if "_" in c or c[1:] != c[1:].lower()}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(text: str) -> list[str]:
    found = [f"ISO-datum {m}" for m in ISO_DATE.findall(text)]
    found += [f"decimale punt {m}" for m in DECIMAL_POINT.findall(text)]
    found += [f"registernaam {m}" for m in CAMEL_CASE.findall(text)]
    found += [f"veldnaam {m}" for m in DOTTED.findall(text)]
    words = set(re.findall(r"[\w.]+", text))
    found += [f"veldnaam {n}" for n in _raw_names() if n in words]
    found += [f"code {c}" for c in _raw_codes() if c in words]
    return sorted(set(found))
