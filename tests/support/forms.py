"""Reading a rendered form as a browser would: the values it would send, what a field shows,
and the error beside it (``_macros.html`` writes it as ``<div id="FIELD-error">``)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values, self.names = action, False, {}, set()
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.inside = attrs.get("action", "") in ("", self.action)
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        if tag in ("input", "select", "textarea"):
            self.names.add(attrs["name"])
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs["name"]
            self.values.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            # As browsers do, drop the one line break that follows the opening tag.
            text = self.values[self._textarea][0]
            self.values[self._textarea][0] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def filled(page: str, action: str, **typed) -> dict[str, list[str]]:
    """What the form posting to ``action`` sends, with the fields in ``typed`` filled in; a
    field the page does not have fails the test."""
    reader = _FormReader(action)
    reader.feed(page)
    missing = set(typed) - reader.names
    assert not missing, f"the form has no field {sorted(missing)}"
    values = dict(reader.values)
    for name, value in typed.items():
        values[name] = value if isinstance(value, list) else [value]
    return values


def error_beside(page: str, field: str) -> str:
    """The error message shown beside the field, or '' when there is none."""
    found = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def shown_value(page: str, field: str) -> str:
    """The value an input shows (what the user typed, after a refused submit)."""
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert tag, f"no input {field}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""
