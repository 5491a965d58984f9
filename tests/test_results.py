"""The one computation: stored responses -> SurveyResult, and exclusion moving every figure."""
import hashlib

import pytest

from survey_app import questionnaires, results

Q5 = ["A"] * 46 + ["B"] * 2 + ["C"] * 2
AGES = ["A"] * 11 + ["B"] * 19 + ["C"] * 17 + ["D"] * 3


def _fill(database, survey_id, point_ids):
    for i in range(50):
        database.save_response(survey_id=survey_id, point_id=point_ids[i % len(point_ids)],
                         questionnaire_version=1, submission_key=f"key-{i}",
                         answers=[("age", AGES[i]), ("q5", Q5[i])], seconds_on_page=40,
                         language="zh-CN", device_hash=None)


@pytest.fixture
def filled(app, database, yining):
    survey_id, codes = yining
    _fill(database, survey_id, [database.point_by_code(c)[0]["id"] for c in codes])
    questionnaire = questionnaires.catalogue(app).get("yining-2024-public", 1)
    return survey_id, questionnaire


def test_yining_headline_is_the_q5_score_with_c51_full_marks(database, filled):
    survey_id, questionnaire = filled
    r = results.compute(database, survey_id, questionnaire)
    assert (r.returned, r.valid, r.excluded, r.valid_rate_pct) == (50, 50, 0, 100.0)
    assert r.headline.value == pytest.approx(97.6, abs=1e-9)  # annex counts 46/2/2/0/0 of 50
    assert r.headline.points.points == 5.0 and r.headline.points.at_estimate.maximum == 5.0
    assert [row.percent for row in r.question("age").table.rows] == [22.0, 38.0, 34.0, 6.0]
    assert r.question("q5").top2.rate == pytest.approx(0.96) and r.question("q5").top3.rate == 1.0
    assert sum(p.valid for p in r.points) == 50 and sum(n for _, _, n in r.daily) == 50


def test_excluding_and_restoring_a_response_moves_every_figure(database, filled):
    survey_id, questionnaire = filled
    a_response = database.execute("select r.id from responses r join answers a on a.response_id = r.id"
                                  " where a.question_id = 'q5' and a.value = 'C' limit 1").fetchone()[0]
    assert database.set_response_status(a_response, status="excluded", reason="答题过快", user="ev")
    r = results.compute(database, survey_id, questionnaire)
    assert (r.returned, r.valid, r.excluded) == (50, 49, 1)
    assert r.question("q5").count("C") == 1 and r.question("q5").n == 49
    assert r.headline.value == pytest.approx((46 * 100 + 2 * 80 + 60) / 49)
    assert sum(p.valid for p in r.points) == 49
    with pytest.raises(ValueError):
        database.set_response_status(a_response, status="excluded", reason=" ", user="ev")
    assert database.set_response_status(a_response, status="valid", reason="复核无误", user="ev")
    r = results.compute(database, survey_id, questionnaire)
    assert r.valid == 50 and r.headline.value == pytest.approx(97.6)
    assert [e["action"] for e in database.audit_entries(survey_id) if e["action"] != "add_point"] == ["create", "exclude", "restore"]  # chain opens


def _survey_with(database, app, answers_q5, **settings):
    survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                 title="设置检查", **settings)
    point = database.add_point(survey_id, "大厅")["id"]
    for i, code in enumerate(answers_q5):
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1,
                         submission_key=f"s{survey_id}-{i}", answers=[("q5", code)], seconds_on_page=40,
                         language="zh-CN", device_hash=None)
    questionnaire = questionnaires.catalogue(app).get("yining-2024-public", 1)
    return results.compute(database, survey_id, questionnaire)


def test_the_survey_target_is_the_one_in_the_verdict_and_the_points_sentence(app, database):
    r = _survey_with(database, app, Q5, target=90.0, rule="xinjiang-c51")
    assert r.headline.target == 90.0 and r.headline.points.at_estimate.target_pct == 90.0
    assert "预期目标为≥90%" in r.headline.points.at_estimate.sentence


def test_settings_that_cannot_hold_give_figures_not_errors(app, database):
    small_population = _survey_with(database, app, Q5[:10], population=3)  # N below the 10 answers in
    assert small_population.headline.n == 10 and small_population.question("q5").score.population is None
    full_target = _survey_with(database, app, Q5, target=100.0, c51_figure="top2")
    assert full_target.headline.figure == "rate" and full_target.headline.verdict == "missed"  # 2 said 一般


def test_two_identical_answers_are_no_proof_that_the_target_is_met(app, database):
    r = _survey_with(database, app, ["A", "A"], target=95.0)
    assert r.headline.value == 100.0 and r.headline.verdict == "unresolved"


def test_the_result_carries_the_digest_of_its_chain_heads_to_write_down(database, filled):
    survey_id, questionnaire = filled
    heads = database.execute("select h.point_id, h.hash from chain_heads h join points p on p.id = h.point_id"
                             " where p.survey_id = ? order by h.point_id", [survey_id]).fetchall()
    expected = hashlib.sha256("\n".join(f"{p}:{h}" for p, h in heads).encode()).hexdigest()
    assert results.compute(database, survey_id, questionnaire).digest == (database.response_count(survey_id), expected)
    assert all(h != "" for _, h in heads)  # every point of the survey has answers, so a head of its own
