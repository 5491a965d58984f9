"""The submit hot path (forms.clean_answers) accepts only what the WTForms form accepts, with the
same answers: anything it is unsure of goes to WTForms, which renders the messages."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from survey_app import REPO_QUESTIONNAIRES, questionnaires
from survey_app.respondent import forms

ALL = sorted(questionnaires.Catalogue(REPO_QUESTIONNAIRES).load_all().values(), key=lambda q: q.key)


def _values(question):
    """Mostly a clean answer (so whole sheets are often clean), sometimes something odd."""
    codes = list(question.codes) or ["A"]
    if question.type == "text":
        ok = st.text(max_size=40).map(lambda t: [t])
        odd = st.sampled_from([["字" * (question.max_length + 1)], ["x", "y"], []])
    elif question.type == "multiple":
        ok = st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes))
        odd = st.sampled_from([[], [""], ["Z"], ["", codes[0]], ["a"]])
    else:
        ok = st.sampled_from(codes).map(lambda c: [c])
        odd = st.sampled_from([[], [""], ["Z"], [" A"], ["a"], codes[:1] * 2, codes[:2]])
    return st.sampled_from([ok] * 12 + [odd]).flatmap(lambda strategy: strategy)


@st.composite
def sheets(draw):
    questionnaire = draw(st.sampled_from(ALL))
    data = MultiDict()
    for q in questionnaire.questions:
        for value in draw(_values(q)):
            data.add(q.id, value)
    return questionnaire, data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=sheets())
def test_the_hot_path_agrees_with_wtforms(app, case):
    questionnaire, data = case
    with app.test_request_context(method="POST"):
        fast = forms.clean_answers(questionnaire, data)
        form = forms.form_class(questionnaire)(formdata=data)
        slow = form.validate()
        if fast is not None:
            assert slow, form.errors
            assert fast == form.answers(questionnaire)


def test_a_clean_yining_sheet_takes_the_hot_path(app):
    questionnaire = questionnaires.catalogue(app).get("yining-2024-public", 1)
    with app.test_request_context(method="POST"):
        data = MultiDict({"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A",
                          "x": "ignored"})
        assert forms.clean_answers(questionnaire, data) == [
            ("age", "B"), ("gender", "A"), ("q1", "A"), ("q2", "B"), ("q3", "A"), ("q4", "C"), ("q5", "A")]


@pytest.mark.parametrize("change", [{"q5": "F"}, {"q5": ""}, {"q3": None}])
def test_an_unclean_sheet_leaves_the_hot_path(app, change):
    questionnaire = questionnaires.catalogue(app).get("yining-2024-public", 1)
    with app.test_request_context(method="POST"):
        data = {"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A", **change}
        assert forms.clean_answers(questionnaire, MultiDict({k: v for k, v in data.items() if v is not None})) is None


def test_a_file_edited_in_place_gets_a_new_form_class(app, tmp_path):
    """The catalogue reloads an edited file as a new Questionnaire, and the form follows: else the WTForms
    path would refuse a code the file now has while the hot path accepts it."""
    source = (REPO_QUESTIONNAIRES / "yining-2024-public.toml").read_text(encoding="utf-8")
    path = tmp_path / "yining-2024-public.toml"
    path.write_text(source, encoding="utf-8")
    now = [0.0]
    catalogue = questionnaires.Catalogue(tmp_path, clock=lambda: now[0])
    before = catalogue.get("yining-2024-public", 1)
    old_option, new_option = '{ code = "E", label = { zh-CN = "不满意"', '{ code = "F", label = { zh-CN = "不满意"'
    path.write_text(source.replace(old_option, new_option), encoding="utf-8")
    stat = path.stat()  # a later save, whatever the file system's time resolution
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    now[0] += catalogue.RESCAN_SECONDS + 1
    after = catalogue.get("yining-2024-public", 1)
    sheet = MultiDict({"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "F"})
    with app.test_request_context(method="POST"):
        assert forms.form_class(before) is forms.form_class(before)  # built once
        assert not forms.form_class(before)(formdata=sheet).validate()
        assert forms.clean_answers(after, sheet) is not None
        assert forms.form_class(after)(formdata=sheet).validate()
