"""Group counts for breakdowns (store/groups.py), on both databases: folded on demand, equal to a count
from the raw answers after submits, exclusions and restores, and repaired when the fold is wrong."""
from __future__ import annotations

from collections import Counter

from survey_app.demo_data import yining_rows
from tests.helpers import at_once


def _save(database, survey_id, point_id, key, answers):
    return database.save_response(survey_id=survey_id, point_id=point_id, questionnaire_version=1,
                                  submission_key=key, answers=sorted(answers.items()), seconds_on_page=40,
                                  language="zh-CN", device_hash=None)


def _expected(database, survey_id, group, item):
    """The same counts straight from the stored responses (valid ones)."""
    counts = Counter()
    for r in database.stream_responses(survey_id):
        if r["status"] == "valid" and item in r["answers"]:
            point = database.query("select point_id from responses where id = ?", [r["id"]])[0]["point_id"]
            counts[(point, (r["answers"].get(group) or [""])[0], r["answers"][item][0])] += 1
    return sorted((p, g, v, n) for (p, g, v), n in counts.items())


def _got(database, survey_id, group, item):
    return [(r["point_id"], r["group_value"], r["value"], r["n"]) for r in database.group_counts(survey_id, group, item)]


def _points(database, codes):
    return [database.point_by_code(c)[0]["id"] for c in codes]


def test_group_counts_equal_the_raw_answers_through_submits_and_exclusions(database, yining):
    survey_id, codes = yining
    points = _points(database, codes)
    rows = yining_rows()
    saved = []
    for i, row in enumerate(rows[:30]):
        answers = {k: v for k, v in row.items() if not (k == "age" and i % 7 == 0)}  # some leave age blank
        saved.append(_save(database, survey_id, points[i % 2], f"k{i}", answers).response_id)
    assert _got(database, survey_id, "age", "q5") == _expected(database, survey_id, "age", "q5")
    assert any(g == "" for _, g, _, _ in _got(database, survey_id, "age", "q5"))  # 未作答 is its own group
    assert database.query("select response_id from group_folds where group_id = 'age'")[0]["response_id"] == max(saved)
    # an exclusion and a restore of folded responses move the folded counts in their own transaction
    database.set_response_status(saved[3], status="excluded", reason="重复", user="t")
    database.set_response_status(saved[4], status="excluded", reason="重复", user="t")
    database.set_response_status(saved[4], status="valid", reason="", user="t")
    stored = database.query("select point_id, group_value, value, n from group_tallies where group_id = 'age'"
                            " and n > 0 order by point_id, group_value, value")
    assert [tuple(r.values()) for r in stored] == _expected(database, survey_id, "age", "q5")  # no fold needed
    for i, row in enumerate(rows[30:], start=30):
        _save(database, survey_id, points[i % 2], f"k{i}", row)
    database.set_response_status(saved[5], status="excluded", reason="测试", user="t")
    assert _got(database, survey_id, "age", "q5") == _expected(database, survey_id, "age", "q5")
    assert _got(database, survey_id, "gender", "q5") == _expected(database, survey_id, "gender", "q5")
    with database.snapshot() as snap:  # a download's snapshot reads the same, without writing
        assert _got(snap, survey_id, "age", "q5") == _expected(database, survey_id, "age", "q5")


def test_a_wrong_fold_is_noticed_and_counted_again(database, yining):
    survey_id, codes = yining
    (hall, _) = _points(database, codes)
    for i, row in enumerate(yining_rows()[:12]):
        _save(database, survey_id, hall, f"k{i}", row)
    right = _got(database, survey_id, "age", "q5")
    database.execute("update group_tallies set n = n + 5 where group_id = 'age' and value = 'A'")
    assert sum(r["n"] for r in database.query("select n from group_tallies where group_id = 'age'")) > 12
    assert _got(database, survey_id, "age", "q5") == right
    # repaired in the store too, not only counted around (no new response needed)
    assert sum(r["n"] for r in database.query("select n from group_tallies where group_id = 'age'")) == 12
    # a response the mark already passed but the fold never counted (a late commit on PostgreSQL)
    database.execute("update group_folds set response_id = response_id + 1000")
    _save(database, survey_id, hall, "late", yining_rows()[20])
    assert _got(database, survey_id, "age", "q5") == _expected(database, survey_id, "age", "q5")


def test_folds_at_once_with_submits_count_every_answer(database, yining):
    survey_id, codes = yining
    points = _points(database, codes)
    rows = yining_rows()

    def work(i):
        if i % 4 == 0:
            return database.group_counts(survey_id, "age", "q5")
        return _save(database, survey_id, points[i % 2], f"c{i}", rows[i % len(rows)])
    at_once(24, work)
    assert _got(database, survey_id, "age", "q5") == _expected(database, survey_id, "age", "q5")
