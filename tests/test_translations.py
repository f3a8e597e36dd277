"""The Norwegian catalogue is complete: every translatable string in the code has a translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("talent/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def messages_in_source() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_norwegian_catalogue_translates_every_message():
    with open(ROOT / "talent/translations/nb/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = read_po(po)
    missing = sorted(
        message
        for message in messages_in_source()
        if not (entry := catalogue.get(message)) or not entry.string or entry.fuzzy
    )
    assert missing == [], f"{len(missing)} messages lack a Norwegian translation: {missing[:20]}"
