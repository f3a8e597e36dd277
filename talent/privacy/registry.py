"""What other features hold about a pupil: sections of the export and steps of the erasure.

A feature that stores data about pupils registers, at import time of its services::

    from talent.privacy.registry import register_erasure_step, register_export_section

    @register_export_section("lab_visits")
    def visits_of(student) -> list[dict]:       # JSON-ready values
        ...

    @register_erasure_step
    def forget_visits(student, now) -> None:    # anonymise free text, keep counts
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from talent.schools.models import Student

ExportSection = Callable[[Student], Any]
ErasureStep = Callable[[Student, datetime], None]

_SECTIONS: dict[str, ExportSection] = {}
_STEPS: dict[str, ErasureStep] = {}


def register_export_section(name: str) -> Callable[[ExportSection], ExportSection]:
    """Add a named section to every pupil's export."""

    def register(section: ExportSection) -> ExportSection:
        _SECTIONS[name] = section
        return section

    return register


def register_erasure_step(step: ErasureStep) -> ErasureStep:
    """Run ``step(student, now)`` when a pupil is erased, inside the same transaction."""
    _STEPS[f"{step.__module__}.{step.__qualname__}"] = step
    return step


def export_sections() -> dict[str, ExportSection]:
    return dict(_SECTIONS)


def erasure_steps() -> list[ErasureStep]:
    return list(_STEPS.values())
