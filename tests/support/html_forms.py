"""Read the forms of a rendered page and fill them as a browser and a hurried user would.

What the browser sends: hidden fields and prefilled values as they are, checked boxes and
radios, the selected options, and the name of the button pressed. What the user adds: a
plausible value in every empty text field, the first real option of a select still on its
placeholder, the first radio of a group left unchosen. A test gives the few values a route
needs exactly (a date in the right range, another class) as overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.support.clock import platform_today

#: What a user types into an empty field, by input type; text fields get the default.
TYPED = {
    "email": "double.submit@example.org",
    "number": "2",
    "tel": "+47 912 34 567",
    "url": "https://example.org/",
    "time": "10:00",
    "password": "Another correct horse 42",
}
TYPED_TEXT = "Sent twice by accident"
IGNORED_TYPES = {"file", "image", "reset"}


@dataclass
class Control:
    tag: str
    kind: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    #: Of a select: (value, selected, disabled) of each option.
    options: list[tuple[str, bool, bool]] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    @property
    def path(self) -> str:
        parts = urlsplit(self.action)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.name}

    def fill(self, overrides: dict[str, str | list[str]] | None = None) -> list[tuple[str, str]]:
        """The (name, value) pairs the browser sends once the user has filled the form."""
        overrides = dict(overrides or {})
        pairs: list[tuple[str, str]] = []
        radios_done: set[str] = set()
        button_pressed = False
        for control in self.controls:
            if control.disabled or not control.name or control.kind in IGNORED_TYPES:
                continue
            if control.name in overrides:
                value = overrides.pop(control.name)
                values = value if isinstance(value, list) else [value]
                pairs.extend((control.name, v) for v in values)
                radios_done.add(control.name)
                continue
            if control.kind == "submit":
                if not button_pressed:
                    pairs.append((control.name, control.value))
                    button_pressed = True
            elif control.kind == "checkbox":
                if control.checked:
                    pairs.append((control.name, control.value or "on"))
            elif control.kind == "radio":
                if control.name not in radios_done:
                    pairs.append((control.name, self._chosen_radio(control.name)))
                    radios_done.add(control.name)
            elif control.tag == "select":
                pairs.extend((control.name, v) for v in _chosen_options(control))
            elif control.kind == "hidden":
                pairs.append((control.name, control.value))
            else:
                pairs.append((control.name, control.value or _typed(control)))
        for name, value in overrides.items():  # fields the page does not show, e.g. a button
            values = value if isinstance(value, list) else [value]
            pairs.extend((name, v) for v in values)
        return pairs

    def _chosen_radio(self, name: str) -> str:
        group = [c for c in self.controls if c.kind == "radio" and c.name == name]
        chosen = next((c for c in group if c.checked), group[0])
        return chosen.value or "on"


def _chosen_options(control: Control) -> list[str]:
    enabled = [(value, selected) for value, selected, disabled in control.options if not disabled]
    chosen = [value for value, selected in enabled if selected]
    if chosen and any(chosen):
        return chosen
    real = [value for value, _ in enabled if value]
    if real:
        return real[:1]
    return [enabled[0][0]] if enabled and not control.multiple else []


def _typed(control: Control) -> str:
    if control.kind == "date":
        return (platform_today() + timedelta(days=30)).isoformat()
    if control.kind == "datetime-local":
        return f"{(platform_today() + timedelta(days=30)).isoformat()}T10:00"
    return TYPED.get(control.kind, TYPED_TEXT)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: dict | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        disabled = "disabled" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            self._form.controls.append(
                Control(
                    "input",
                    kind,
                    a.get("name", ""),
                    a.get("value", ""),
                    checked="checked" in a,
                    disabled=disabled,
                )
            )
        elif tag == "button":
            kind = (a.get("type") or "submit").lower()
            if kind == "submit" and a.get("name"):
                self._form.controls.append(
                    Control("button", "submit", a["name"], a.get("value", ""), disabled=disabled)
                )
        elif tag == "select":
            self._select = Control(
                "select", "select", a.get("name", ""), disabled=disabled, multiple="multiple" in a
            )
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()  # the end tag of an option may be left out
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._option["disabled"] = disabled
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a.get("name", ""), disabled=disabled)
            self._form.controls.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._textarea.value.replace("\r\n", "\n").removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_option(self):
        if self._option is None or self._select is None:
            return
        option = self._option
        value = option["value"] if option["value"] is not None else option["text"].strip()
        self._select.options.append((value, option["selected"], option["disabled"]))
        self._option = None


def parse_forms(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(forms: list[Form], target: str) -> Form | None:
    """The first POST form that submits to ``target`` (a path, maybe with a query)."""
    posting = [f for f in forms if f.method == "post"]
    exact = [f for f in posting if f.path == target]
    if exact:
        return exact[0]
    path = urlsplit(target).path
    return next((f for f in posting if urlsplit(f.action).path == path), None)
