"""Lab sites: the places at member organisations that receive classes."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event, snapshot
from talent.errors import Conflict, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, OrganizationKind, User
from talent.text import require_single_line
from talent.visits.models import MAX_MINIMUM_AGE, MAX_SITE_CAPACITY, TEXT_MAX, LabSite
from talent.visits.services.common import clean_text

log = logging.getLogger(__name__)

SITE_FIELDS = (
    "name",
    "address",
    "capacity",
    "minimum_age",
    "pupils_per_adult",
    "safety_rules",
    "photo_rules",
    "accessibility",
    "is_active",
)


def _check_numbers(capacity, minimum_age, pupils_per_adult) -> None:
    if capacity is None or not 1 <= capacity <= MAX_SITE_CAPACITY:
        raise ValidationFailed(
            _l("Give how many people fit, from 1 to %(max)d.", max=MAX_SITE_CAPACITY),
            field="capacity",
        )
    if minimum_age is None or not 0 <= minimum_age <= MAX_MINIMUM_AGE:
        raise ValidationFailed(
            _l("Give a minimum age from 0 (none) to %(max)d.", max=MAX_MINIMUM_AGE),
            field="minimum_age",
        )
    if pupils_per_adult is None or not 1 <= pupils_per_adult <= 50:
        raise ValidationFailed(
            _l("Give how many pupils one adult may look after, from 1 to 50."),
            field="pupils_per_adult",
        )


def save_site(
    actor: User,
    site: LabSite | None,
    *,
    organization: Organization | None,
    name: str,
    address: str = "",
    capacity: int | None,
    minimum_age: int | None = 0,
    pupils_per_adult: int | None = 10,
    safety_rules: str = "",
    photo_rules: str = "",
    accessibility: str = "",
    is_active: bool = True,
    now: datetime,
) -> LabSite:
    """Create a site, or change one; the host organisation of a site never changes."""
    require_single_line(name=name, address=address)
    if site is not None:
        lock(site)
    if site is None:
        if organization is None:
            raise ValidationFailed(_l("Choose the host organisation."), field="organization_id")
        if organization.kind is OrganizationKind.SCHOOL:
            raise ValidationFailed(
                _l("A school cannot host lab visits. Choose a company, hospital or university."),
                field="organization_id",
            )
    name = clean_text(
        name, limit=200, field="name", required=_l('Give the site a name, like "Cell lab 2".')
    )
    address = clean_text(address, limit=300, field="address")
    texts = {
        key: clean_text(value, limit=TEXT_MAX, field=key)
        for key, value in (
            ("safety_rules", safety_rules),
            ("photo_rules", photo_rules),
            ("accessibility", accessibility),
        )
    }
    _check_numbers(capacity, minimum_age, pupils_per_adult)
    organization_id = site.organization_id if site is not None else organization.id
    taken = db.session.scalar(
        sa.select(LabSite.id).where(
            LabSite.organization_id == organization_id,
            sa.func.lower(LabSite.name) == name.lower(),
            LabSite.id != (site.id if site is not None else -1),
        )
    )
    if taken is not None:
        raise Conflict(
            _l(
                "Your organisation already has a site called %(name)s. Pick another name.",
                name=name,
            ),
            field="name",
        )
    before = snapshot(site, SITE_FIELDS) if site is not None else None
    if site is None:
        site = LabSite(organization_id=organization_id, created_at=now)
        db.session.add(site)
    site.name, site.address = name, address
    site.capacity, site.minimum_age, site.pupils_per_adult = capacity, minimum_age, pupils_per_adult
    site.safety_rules = texts["safety_rules"]
    site.photo_rules = texts["photo_rules"]
    site.accessibility = texts["accessibility"]
    site.is_active = bool(is_active)
    db.session.flush()
    record_event(
        actor,
        "lab_site.save" if before else "lab_site.create",
        site,
        now=now,
        before=before,
        after=snapshot(site, SITE_FIELDS),
    )
    log.info("user %s saved lab site %s", actor.id, site.id)
    return site


def sites_query(*, organization_id: int | None = None, active_only: bool = False) -> sa.Select:
    """Sites by organisation and name, with their organisation loaded."""
    query = (
        sa.select(LabSite)
        .join(LabSite.organization)
        .options(sa.orm.contains_eager(LabSite.organization))
        .order_by(sa.func.lower(Organization.name), sa.func.lower(LabSite.name), LabSite.id)
    )
    if organization_id is not None:
        query = query.where(LabSite.organization_id == organization_id)
    if active_only:
        query = query.where(LabSite.is_active.is_(True))
    return query
