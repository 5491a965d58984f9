"""The SPSS file as an evaluator uses it (read back with pyreadstat): a score variable per scored item whose
mean is Manyi's 满意度得分, whole numbers printed as whole numbers, a readable date, and a filter variable
for the file with the excluded responses."""
import pyreadstat
import pytest

from survey_app.reports.wording import question_title
from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of  # noqa: F401


def _sav(tmp_path, client, survey_id, fmt="sav"):
    path = tmp_path / "data.sav"
    path.write_bytes(download(client, survey_id, fmt).get_data())
    return pyreadstat.read_sav(str(path))


def test_the_mean_of_each_score_variable_is_the_items_score(app, database, admin_client, filled, tmp_path):
    df, meta = _sav(tmp_path, admin_client, filled)
    result = result_of(app, database, filled)
    scored = [qr for qr in result.questions if qr.score is not None]
    assert {qr.question.id for qr in scored} == {"q1", "q2", "q3", "q4", "q5"}
    labels = dict(zip(meta.column_names, meta.column_labels))
    for qr in scored:
        name = f"{qr.question.id}_score"
        assert df[name].mean() == pytest.approx(qr.score.score, abs=1e-9), name  # not the mean of codes 1..5
        assert df[name].count() == qr.score.n and labels[name] == f"{question_title(result.questionnaire, qr.question)} 得分（分）"
        assert meta.variable_measure[name] == "scale" and meta.original_variable_types[name] == "F8.0"
    assert df["q5_score"].mean() == pytest.approx(97.6) and df["q5"].mean() == pytest.approx(1.12)
    assert meta.variable_value_labels["q5_score"] == {100: "A. 非常满意", 80: "B. 比较满意", 60: "C. 一般满意",
                                                      40: "D. 不太满意", 20: "E. 不满意"}


def test_whole_numbers_and_the_date_print_as_such(admin_client, filled, tmp_path):
    _, meta = _sav(tmp_path, admin_client, filled)
    types = meta.original_variable_types
    assert types["id"] == types["seconds_on_page"] == types["valid"] == "F8.0"  # 7, not 7.00
    assert types["submitted_at"] == "DATETIME20" and meta.variable_display_width["submitted_at"] >= 20


def test_the_file_with_the_excluded_has_a_filter_variable(app, database, admin_client, filled, tmp_path):
    exclude_one_q5_c(database)
    df, meta = _sav(tmp_path, admin_client, filled, "sav?include_excluded=1")
    assert len(df) == 50 and meta.variable_value_labels["valid"] == {1: "有效", 0: "已剔除"}
    assert df["valid"].value_counts().to_dict() == {1.0: 49, 0.0: 1}
    assert ((df["valid"] == 1) == (df["status"] == 1)).all()
    # FILTER BY valid: the mean of the valid responses' q5 score is the app's score
    score = result_of(app, database, filled).question("q5").score.score
    assert df.loc[df["valid"] == 1, "q5_score"].mean() == pytest.approx(score, abs=1e-9)
    assert df["q5_score"].mean() != pytest.approx(score, abs=1e-9)  # unfiltered it would not be
