"""The quick select widget renders exactly what WTForms' own select renders."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.widgets import Select

from talent.web.forms import select_choices
from talent.web.widgets import QuickSelect


class _Form(FlaskForm):
    class Meta:
        csrf = False

    plain = SelectField(choices=[], widget=Select())
    quick = SelectField(choices=[], widget=QuickSelect())


def test_the_same_html_as_wtforms(app):
    pairs = [("", "All organisations"), (1, "Ullern & <Co>"), (2, 'Say "hi"'), (3, "")]
    with app.test_request_context("/?plain=2&quick=2"):
        form = _Form()
        for field in (form.plain, form.quick):
            field.choices = select_choices(pairs)
        form.process(formdata=None, plain="2", quick="2")
        plain = form.plain(class_="form-select").replace('name="plain"', "").replace("plain", "x")
        quick = form.quick(class_="form-select").replace('name="quick"', "").replace("quick", "x")
    assert 'selected value="2"' in quick and "&lt;Co&gt;" in quick
    assert quick == plain


def test_options_with_their_own_attributes_take_the_wtforms_path(app):
    with app.test_request_context("/"):
        form = _Form()
        form.quick.choices = [("a", "A", {"disabled": True})]
        assert '<option disabled value="a">A</option>' in form.quick()


def test_required_and_disabled_flags_and_attributes_as_wtforms_writes_them(app):
    from wtforms.validators import InputRequired

    class Required(FlaskForm):
        class Meta:
            csrf = False

        plain = SelectField(choices=[], widget=Select(), validators=[InputRequired()])
        quick = SelectField(choices=[], widget=QuickSelect(), validators=[InputRequired()])

    pairs = [("", "Choose"), (1, "One")]
    with app.test_request_context("/"):
        form = Required()
        for field in (form.plain, form.quick):
            field.choices = select_choices(pairs)
        plain = form.plain(disabled=True, **{"aria-describedby": "help"}).replace("plain", "x")
        quick = form.quick(disabled=True, **{"aria-describedby": "help"}).replace("quick", "x")
    assert " required" in quick and " disabled" in quick
    assert quick == plain
