"""Helpers for tests that read rendered pages: a small HTML tree, real form submission, checks
for inline code and translations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from babel.support import Translations
from flask import Flask

from tests.factories import PASSWORD

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """The element's text with runs of white space collapsed."""
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Descendants with this tag (any if None) whose attributes equal ``attrs``.

        ``class_`` matches one of the classes; other underscores stand for dashes.
        """
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(_attr_matches(element, name, value) for name, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element | None:
        matches = self.find_all(tag, **attrs)
        return matches[0] if matches else None

    def by_id(self, element_id: str) -> Element | None:
        return self.find(id=element_id)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


def _attr_matches(element: Element, name: str, value: str) -> bool:
    if name == "class_":
        return element.has_class(value)
    return element.attrs.get(name.replace("_", "-")) == value


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """Parse an HTML page into a tree of Elements."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page_of(response) -> Element:
    return parse(response.get_data(as_text=True))


def alerts(response) -> list[str]:
    """The texts of the flash messages and alerts on a page."""
    return [element.text() for element in page_of(response).find_all(class_="alert")]


def field_error(response, field_id: str) -> str | None:
    """The message shown beside a form field, or None when the field has none."""
    element = page_of(response).by_id(f"{field_id}-error")
    return element.text() if element is not None else None


def field_value(response, field_id: str) -> str | None:
    """What an input, select or textarea on the page holds."""
    element = page_of(response).by_id(field_id)
    if element is None:
        return None
    return _value_of(element)


def _value_of(element: Element) -> str | None:
    if element.tag == "select":
        options = element.find_all("option")
        chosen = [o for o in options if "selected" in o.attrs] or options[:1]
        return (chosen[0].attrs.get("value") or chosen[0].text()) if chosen else None
    if element.tag == "textarea":
        return "".join(c for c in element.children if isinstance(c, str))
    return element.attrs.get("value")


def form_fields(form: Element) -> dict[str, str]:
    """The values a browser would send for a form, before the user changes anything."""
    values: dict[str, str] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or "disabled" in element.attrs:
            continue
        if element.tag == "input":
            kind = (element.attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if "checked" in element.attrs:
                    values[name] = element.attrs.get("value") or "on"
                continue
            values[name] = element.attrs.get("value") or ""
        elif element.tag in {"select", "textarea"}:
            values[name] = _value_of(element) or ""
    return values


def find_form(response, action: str | None = None) -> Element:
    """The form posting to ``action``, or the first form with method=post in <main>."""
    page = page_of(response)
    main = page.find("main") or page
    forms = [f for f in main.find_all("form") if (f.attrs.get("method") or "").lower() == "post"]
    if action is not None:
        forms = [f for f in page.find_all("form") if f.attrs.get("action") == action]
    assert forms, f"no form {'to ' + action if action else ''} on the page"
    return forms[0]


def submit(client, response, data: dict | None = None, *, action: str | None = None, **kwargs):
    """Fill in a form from a rendered page like a user would, and post it.

    Keeps every field the page holds (hidden fields and the CSRF token included), replaces
    those in ``data``; the form posts to its action, or to the page's own address.
    """
    form = find_form(response, action)
    values = form_fields(form)
    values.update(data or {})
    target = form.attrs.get("action") or response.request.full_path.rstrip("?")
    return client.post(target, data=values, **kwargs)


def inline_code_problems(html: str) -> list[str]:
    """What in a page the Content-Security-Policy would block: inline script, style, handlers."""
    problems = []
    for element in parse(html).iter():
        if element.tag == "script":
            if not element.attrs.get("src"):
                problems.append("inline <script> without src")
            elif element.text():
                problems.append(f"<script src={element.attrs['src']}> with inline code")
        if element.tag == "style":
            problems.append("<style> element")
        for name, value in element.attrs.items():
            if name == "style":
                problems.append(f"style= attribute on <{element.tag}>")
            if name.startswith("on"):
                problems.append(f"{name}= handler on <{element.tag}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                problems.append(f"javascript: URL in {name}= on <{element.tag}>")
    return problems


def assert_no_inline_code(html: str, where: str = "page") -> None:
    problems = inline_code_problems(html)
    assert not problems, f"{where}: {problems}"


def translated(app: Flask, message: str, locale: str) -> str:
    """``message`` as the catalogue of ``locale`` has it (itself when not translated)."""
    catalogue = Translations.load(app.config["BABEL_TRANSLATION_DIRECTORIES"], [locale])
    return catalogue.gettext(message)


def html_lang(response) -> str | None:
    element = page_of(response).find("html")
    return element.attrs.get("lang") if element is not None else None


def check_every_page(app: Flask, seen: list[str]):
    """Fail any HTML response that carries inline code; record the paths checked in ``seen``."""

    def check(response):
        if response.mimetype == "text/html" and not response.direct_passthrough:
            from flask import request

            assert_no_inline_code(response.get_data(as_text=True), request.full_path)
            seen.append(request.path)
        return response

    app.after_request(check)


def log_in(client, email: str, password: str = PASSWORD, **kwargs):
    """Post the login form from its own page; return the response to the post."""
    page = client.get("/login", **kwargs)
    return submit(client, page, {"email": email, "password": password}, **kwargs)


def is_logged_in(client) -> bool:
    """True when the home page opens instead of sending the client to the login page."""
    return client.get("/").status_code == 200


def links_in(message) -> list[str]:
    """The web addresses in the text part of an e-mail."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+", text)
