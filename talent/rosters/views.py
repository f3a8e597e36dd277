"""The school's roster, its CSV export, and importing a roster file with a preview first."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import local_date
from talent.consents.models import ConsentKind
from talent.consents.services import consents_by_pupil, latest_of_kind
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind
from talent.rosters import commands, messages, services
from talent.rosters.forms import RosterFilterForm, UploadForm
from talent.rosters.models import ImportState, RosterImport, RowAction
from talent.rosters.parsing import FIELD_HEADERS
from talent.schools.models import SchoolClass, Student
from talent.settings import int_setting
from talent.web.actions import act
from talent.web.csv_export import csv_response
from talent.web.loading import load
from talent.web.options import SCHOOLS, organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)

bp = Blueprint("rosters", __name__, url_prefix="/rosters")
commands.register(bp)

PERMISSION = "rosters.import"
PER_PAGE = 50
ROWS_PER_PAGE = 100
#: The consent kinds shown as columns of the roster.
ROSTER_KINDS = (ConsentKind.PROGRAMME, ConsentKind.LAB_VISITS, ConsentKind.PHOTO_MEDIA)


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "can": policy.can,
        "row_problem": messages.row_problem,
        "change_text": messages.change,
        "RowAction": RowAction,
        "ImportState": ImportState,
    }


def _school_options() -> list[tuple[int, str]] | None:
    """Schools to choose among, or None for a teacher, who works in their own school only."""
    if policy.school_scope(current_user) is not None:
        return None
    return organization_options(SCHOOLS)


def _school(school_id: int | None) -> Organization | None:
    """The school the page is about: the teacher's own, or the one a coordinator chose."""
    scope = policy.school_scope(current_user)
    school = db.session.get(Organization, scope if scope is not None else school_id or 0)
    if school is None or school.kind is not OrganizationKind.SCHOOL:
        return None
    policy.authorize(current_user, PERMISSION, school)
    return school


def _school_years(today: date) -> list[int]:
    current = today.year if today.month >= 8 else today.year - 1
    return [current + 1, current, current - 1]


def _current_school_year(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


# The roster -----------------------------------------------------------------------------------


def _roster_query(school: Organization, class_id: int | None, search: str) -> sa.Select:
    query = (
        sa.select(Student)
        .outerjoin(Student.school_class)
        .where(Student.school_id == school.id, Student.erased_at.is_(None))
        .options(joinedload(Student.school_class), selectinload(Student.guardians))
        .order_by(SchoolClass.school_year.desc(), SchoolClass.name, Student.name, Student.id)
    )
    if class_id is not None:
        query = query.where(Student.school_class_id == class_id)
    if search:
        query = query.where(sa.func.lower(Student.name).contains(search.lower(), autoescape=True))
    return query


def _class_options(school: Organization | None) -> list[tuple[int, str]]:
    if school is None:
        return []
    classes = db.session.scalars(
        sa.select(SchoolClass)
        .where(SchoolClass.school_id == school.id)
        .order_by(SchoolClass.school_year.desc(), SchoolClass.name)
    )
    return [(group.id, group.label) for group in classes]


def _filters():
    schools = _school_options()
    chosen = request.args.get("school", type=int)
    school = _school(chosen)
    form = RosterFilterForm(request.args, schools=schools, classes=_class_options(school))
    form.validate()
    return form, school


@bp.route("/")
@permission_required(PERMISSION)
def index():
    """The pupils of a school with their class, guardians and consents, a page at a time."""
    form, school = _filters()
    page = statuses = None
    if school is not None:
        query = _roster_query(school, form.value("school_class"), form.value("q") or "")
        page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
        consents = consents_by_pupil([s.id for s in page.items], ROSTER_KINDS)
        today = local_date(utcnow())
        statuses = {
            student.id: {
                kind: _status(latest_of_kind(consents[student.id], kind), today)
                for kind in ROSTER_KINDS
            }
            for student in page.items
        }
    return render_template(
        "rosters/index.html",
        form=form,
        school=school,
        page=page,
        statuses=statuses,
        kinds=ROSTER_KINDS,
        today=local_date(utcnow()),
        recent=_recent_imports(school),
    )


def _status(consent, today) -> str:
    if consent is None:
        return "missing"
    if consent.is_valid_on(today):
        return "given"
    return "withdrawn" if consent.withdrawn_at else "expired"


def _recent_imports(school: Organization | None) -> list[RosterImport]:
    if school is None:
        return []
    return db.session.scalars(services.imports_query(school.id).limit(5)).all()


def _export_headers() -> tuple[str, ...]:
    """Column titles in the reader's language, as the import reads them."""
    norwegian = str(get_locale()) == "nb"
    fields = ("name", "birth_date", "class", "guardian_name", "guardian_email", "guardian_phone")
    return tuple(FIELD_HEADERS[name][1 if norwegian else 0] for name in fields)


@bp.route("/export.csv")
@permission_required(PERMISSION)
def export():
    """The roster as a CSV file that imports back unchanged; one line per guardian."""
    form, school = _filters()
    if school is None:
        abort(404)
    query = _roster_query(school, form.value("school_class"), form.value("q") or "")
    students = db.session.scalars(query).all()
    norwegian = str(get_locale()) == "nb"

    def rows():
        for student in students:
            birth = student.birth_date.strftime("%d.%m.%Y" if norwegian else "%Y-%m-%d")
            pupil = [student.name, birth, student.school_class.name if student.school_class else ""]
            guardians = student.guardians or [None]
            for guardian in guardians:
                contact = [guardian.name, guardian.email, guardian.phone] if guardian else [""] * 3
                yield pupil + contact

    log.info("user %s exported the roster of school %s", current_user.id, school.id)
    return csv_response(_export_headers(), rows(), filename="roster.csv")


# Import ---------------------------------------------------------------------------------------


def _upload_form(**kwargs) -> UploadForm:
    today = local_date(utcnow())
    form = UploadForm(
        schools=_school_options(),
        years=_school_years(today),
        max_mb=int_setting("ROSTER_MAX_MB"),
        **kwargs,
    )
    if not form.is_submitted():
        form.school_year.data = _current_school_year(today)
        if form.school_id is not None:
            form.school_id.data = request.args.get("school", type=int)
    return form


@bp.route("/import", methods=["GET", "POST"])
@permission_required(PERMISSION)
def upload():
    """Upload a roster file; nothing is saved before the preview is confirmed."""
    form = _upload_form()
    if form.validate_on_submit():
        school = _school(form.school_id.data if form.school_id is not None else None)
        if school is None:
            form.file.errors.append(
                gettext("Your account is not linked to a school. Ask a coordinator to link it.")
            )
        else:
            done = _start(form, school)
            if done:
                return done
    return render_template("rosters/upload.html", form=form)


def _start(form: UploadForm, school: Organization):
    max_bytes = int_setting("ROSTER_MAX_MB") * 1024 * 1024
    upload = form.file.data
    data = upload.stream.read(max_bytes + 1)
    now = utcnow()

    def start() -> RosterImport:
        roster_import = services.start_import(
            current_user,
            school,
            school_year=form.school_year.data,
            filename=upload.filename or "",
            data=data,
            max_bytes=max_bytes,
            now=now,
        )
        if roster_import.total_rows <= services.CHECK_CHUNK_ROWS:
            services.check_all(roster_import, now=now)
        return roster_import

    return act(
        start,
        success=None,
        then=lambda roster_import: url_for("rosters.preview", import_id=roster_import.id),
        form=form,
    )


@bp.route("/imports/<int:import_id>")
@permission_required(PERMISSION)
def preview(import_id: int):
    """Progress while the file is checked, then every line with what saving would do."""
    roster_import = load(RosterImport, import_id, PERMISSION)
    only_problems = request.args.get("show") == "problems" or (
        roster_import.error_rows > 0 and request.args.get("show") != "all"
    )
    page = None
    if roster_import.state is ImportState.READY:
        query = services.rows_query(roster_import, only_problems=only_problems)
        page = db.paginate(query, page=page_number(), per_page=ROWS_PER_PAGE, error_out=False)
    form = _upload_form(formdata=None)
    if form.school_id is not None:
        form.school_id.data = roster_import.school_id
    form.school_year.data = roster_import.school_year
    return render_template(
        "rosters/preview.html",
        roster_import=roster_import,
        page=page,
        only_problems=only_problems,
        form=form,
    )


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


@bp.route("/imports/<int:import_id>/check", methods=["POST"])
@permission_required(PERMISSION)
def check(import_id: int):
    """Check the next rows of a large file (the preview page calls this until done)."""
    roster_import = load(RosterImport, import_id, PERMISSION)
    services.check_next_chunk(roster_import, now=utcnow())
    db.session.commit()
    target = url_for("rosters.preview", import_id=roster_import.id)
    if _wants_json():
        return jsonify(
            checked=roster_import.checked_rows,
            total=roster_import.total_rows,
            percent=roster_import.progress_percent,
            done=roster_import.state is not ImportState.CHECKING,
            url=target,
        )
    return redirect(target)


@bp.route("/imports/<int:import_id>/save", methods=["POST"])
@permission_required(PERMISSION)
def save(import_id: int):
    """Save every line of a checked file at once."""
    roster_import = load(RosterImport, import_id, PERMISSION)
    then = url_for("rosters.index", school=roster_import.school_id)
    saved: list[dict[str, int]] = []
    done = act(
        lambda: saved.append(services.save_import(current_user, roster_import, now=utcnow())),
        success=None,
        then=then,
    )
    if saved:
        counts = saved[0]
        flash(
            gettext(
                "The roster is saved: %(created)d new pupils, %(updated)d updated, "
                "%(guardians)d guardians added.",
                created=counts["pupils_created"],
                updated=counts["pupils_updated"],
                guardians=counts["guardians_added"],
            ),
            "success",
        )
    return done or redirect(url_for("rosters.preview", import_id=import_id))


@bp.route("/imports/<int:import_id>/discard", methods=["POST"])
@permission_required(PERMISSION)
def discard(import_id: int):
    """Throw away an unsaved import."""
    roster_import = load(RosterImport, import_id, PERMISSION)
    then = url_for("rosters.index", school=roster_import.school_id)
    return act(
        lambda: services.discard_import(current_user, roster_import, now=utcnow()),
        success=gettext("The upload is discarded; nothing was saved."),
        then=then,
    ) or redirect(url_for("rosters.preview", import_id=import_id))


@bp.route("/imports/<int:import_id>/problems.csv")
@permission_required(PERMISSION)
def problems(import_id: int):
    """The lines with problems and what is wrong with each, to fix the file by."""
    roster_import = load(RosterImport, import_id, PERMISSION)
    rows = db.session.scalars(services.rows_query(roster_import, only_problems=True)).all()
    header = (
        gettext("Line"),
        gettext("Name"),
        gettext("Birth date"),
        gettext("Class"),
        gettext("Problem"),
    )

    def lines():
        for row in rows:
            text = " ".join(messages.row_problem(code, params) for code, params in row.problems)
            cells = row.cells
            yield (
                row.line_no,
                cells.get("name", ""),
                cells.get("birth_date", ""),
                cells.get("class", ""),
                text,
            )

    return csv_response(header, lines(), filename="roster-problems.csv")


@bp.errorhandler(413)
def too_large(error):
    """A file above the server's upload limit: say so on the form instead of a bare error."""
    form = _upload_form(formdata=None)
    form.file.errors = [messages.file_problem("too_large", {"max": int_setting("ROSTER_MAX_MB")})]
    return render_template("rosters/upload.html", form=form), 413
