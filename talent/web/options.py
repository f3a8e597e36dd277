"""The organisations a form lets the user choose among, and their names for a list."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Organization, OrganizationKind

#: Only schools, or only the organisations that are not schools (hosts, partners).
SCHOOLS = Organization.kind == OrganizationKind.SCHOOL
NOT_SCHOOLS = Organization.kind != OrganizationKind.SCHOOL


def organization_options(
    *where: sa.ColumnElement[bool], include_id: int | None = None, include_inactive: bool = False
) -> list[tuple[int, str]]:
    """(id, name) of the active organisations meeting ``where``, by name; ``include_id`` (the
    value a form already holds) is listed even when inactive."""
    query = (
        sa.select(Organization.id, Organization.name)
        .where(*where)
        .order_by(sa.func.lower(Organization.name), Organization.id)
    )
    if not include_inactive:
        query = query.where(sa.or_(Organization.is_active, Organization.id == include_id))
    return [(row.id, row.name) for row in db.session.execute(query)]


def organization_names(ids: Iterable[int]) -> dict[int, str]:
    """Names of the organisations with these ids, in one query."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name).where(Organization.id.in_(ids))
    )
    return {row.id: row.name for row in rows}
