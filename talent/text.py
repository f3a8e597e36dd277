"""One rule for text people type: single-line text holds no control characters, multi-line
text holds no control characters but line breaks and tabs.

A line break in a name, title or subject would end an e-mail header and start another, break a
calendar feed, or split a CSV line; the other control characters are invisible, and PostgreSQL
refuses NUL. Forms (``talent.web.forms.Form``), the services that store such text, the roster
import, the e-mail writer and the calendar feeds all use these functions.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from talent.errors import ValidationFailed

#: C0 controls (tab, line feed and carriage return among them), DEL, C1 controls (NEL among
#: them) and the Unicode line and paragraph separators: none belongs in one line of text.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_ANY_CONTROL = re.compile(f"[{_CONTROL}]")
_CONTROL_RUNS = re.compile(rf"\s*[{_CONTROL}][\s{_CONTROL}]*")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
#: What multi-line text may not hold once its line breaks are "\n": every control but tab and
#: line feed.
_NOT_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ONE_LINE = _l("Write this on one line, without line breaks, tabs or other control characters.")


def is_single_line(value: str) -> bool:
    """Whether ``value`` holds no control character (see ``_CONTROL``)."""
    return _ANY_CONTROL.search(value) is None


def as_single_line(value: str) -> str:
    """``value`` with each run of control characters (and the spaces around it) made one
    space, trimmed: for text stored before the rule, on its way into a header or a feed."""
    if is_single_line(value):
        return value
    return _CONTROL_RUNS.sub(" ", value).strip()


def clean_lines(value: str) -> str:
    """Multi-line text with its line breaks as "\\n" and no control character but tab."""
    return _NOT_IN_LINES.sub("", _LINE_BREAKS.sub("\n", value))


def require_single_line(**fields: object) -> None:
    """Refuse, beside its field, the first of ``fields`` (name=value) that is not one line."""
    for name, value in fields.items():
        if isinstance(value, str) and not is_single_line(value):
            raise ValidationFailed(ONE_LINE, field=name)


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Control characters (NUL, bell, …) that no name or note needs; PostgreSQL refuses NUL."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in text)
