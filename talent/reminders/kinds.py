"""The registry of notification kinds: each kind's category, wording and link.

A feature defines its kinds in a module-level ``KINDS`` list and registers them from its
``register(app)`` (talent/<feature>/feature.py) with ``register_kinds(module.KINDS)``:

    KINDS.append(Kind(
        "mentoring.session_soon", Category.MENTORING, label=_l("Mentoring session soon"),
        subject=_l("Mentoring session %(starts_at)s"),
        body=_l("You meet %(other)s at %(place)s, %(starts_at)s."),
        link=lambda n: ("mentoring.pairing", {"pairing_id": n.context["pairing_id"]}),
        subject_model=PlannedSession,
        is_relevant=lambda planned: planned.cancelled_at is None,
    ))

``subject`` and ``body`` are translatable strings formatted with the notification's context;
context values whose key ends in ``_at`` are times, shown in the recipient's zone and language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from talent.reminders.models import Category

#: Where a notification leads: an endpoint and its arguments, or None for nowhere.
LinkTarget = tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class Kind:
    name: str
    category: Category
    #: Short name for the ledger's filter.
    label: Any
    #: E-mail subject and inbox title: a (lazy) string with %(key)s placeholders, or a function
    #: of the formatted values.
    subject: Any
    #: The message itself, as plain text paragraphs separated by blank lines.
    body: Any
    #: Where the message leads, from the notification: use only its ``context``,
    #: ``subject_type``, ``subject_id`` and ``recipient_id`` (delivery passes a snapshot).
    link: Callable[[Any], LinkTarget] | None = None
    #: The model the notification is about; a row whose object is gone is skipped.
    subject_model: type | None = None
    #: Whether the object still wants this message (e.g. the visit is not cancelled).
    is_relevant: Callable[[Any], bool] | None = None
    #: For a message that carries a signed token (an invitation, a password reset, a consent
    #: link): where it leads, made at delivery from the row and the current state of its
    #: subject, so that no token is ever stored and its validity counts from delivery. None
    #: when the link can no longer be made (the row is then skipped). Such a message goes by
    #: e-mail only: a token in an inbox would outlive its use.
    signed_link: Callable[[Any, Any], LinkTarget] | None = None

    def render_subject(self, values: dict[str, Any]) -> str:
        return _fill(self.subject, values)

    def render_body(self, values: dict[str, Any]) -> str:
        return _fill(self.body, values)

    def link_for(self, notification) -> LinkTarget:
        return self.link(notification) if self.link is not None else None


class _Missing(dict):
    """Formatting values that leave an unknown placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return f"%({key})s"


def _fill(template: Any, values: dict[str, Any]) -> str:
    if callable(template):
        return str(template(values))
    return str(template) % _Missing(values)


_KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Add a kind to the registry; registering the same name twice is a programming error."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    return kind


def register_kinds(kinds: Iterable[Kind]) -> None:
    """Add a feature's kinds (its ``register(app)`` calls this); again changes nothing."""
    for kind in kinds:
        register_kind(kind)


def unregister_kind(name: str) -> None:
    """Remove a kind (tests register throwaway kinds)."""
    _KINDS.pop(name, None)


def get_kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)
