"""Helpers for the download tests: the Yining survey filled through the real respondent route,
fetching a download, the SurveyResult to compare with, and excluding a response.
(The logged-in evaluator is conftest's ``admin_client``.)"""
import re

import pytest

from survey_app import questionnaires, results
from tests.yining import submit_all, yining_rows


@pytest.fixture
def filled(app, client, yining):
    """The Yining survey with the report's 50 answers (30 at 业务大厅, 20 at 1号窗口): its id."""
    survey_id, (hall, window) = yining
    rows = yining_rows()
    submit_all(client, hall, rows[:30])
    submit_all(client, window, rows[30:])
    return survey_id


def result_of(app, database, survey_id):
    """The SurveyResult every download must agree with."""
    survey = database.get_survey(survey_id)
    q = questionnaires.catalogue(app).get(survey["questionnaire_id"], survey["questionnaire_version"])
    return results.compute(database, survey_id, q)


def download(client, survey_id, fmt):
    response = client.get(f"/admin/surveys/{survey_id}/export/{fmt}", buffered=True)  # closes the file
    assert response.status_code == 200, (fmt, response.status_code)
    return response


def exclude_one_q5_c(database) -> int:
    """Exclude one response that answered q5 = C (一般满意); returns its id."""
    rid = database.execute("select r.id from responses r join answers a on a.response_id = r.id"
                           " where a.question_id = 'q5' and a.value = 'C' order by r.id limit 1").fetchone()[0]
    assert database.set_response_status(rid, status="excluded", reason="答题过快", user="pingjia")
    return rid


def by_id(row: dict) -> dict:
    """A raw-data row (csv.DictReader) keyed by question id: '第 7 题 伊宁市医疗保障局整体工作（q5）' -> 'q5'; the
    other columns (编号, 答题用时（秒）...) keep their headers."""
    out = {}
    for header, value in row.items():
        found = re.fullmatch(r"第 \d+ 题 .*（(\w+)）", header or "")
        out[found.group(1) if found else header] = value
    return out


def shown(cell) -> str:
    """An XLSX cell as Excel shows it, by its number format ('0.0%', '0.00', '0.0" 个百分点"', '0'): 97.6 with
    '0.0' reads '97.6', 0.96 with '0.0%' reads '96.0%', so it compares with what the page prints."""
    from analysis.formatting import fixed
    value, fmt = cell.value, cell.number_format
    if not isinstance(value, (int, float)) or isinstance(value, bool) or fmt == "General":
        return "" if value is None else str(value)
    if fmt.startswith('[<0.001]'):   # a p-value (sheet_style.p_format)
        return "<0.001" if value < 0.001 else fixed(value, len(fmt.rpartition(";")[2].partition(".")[2]))
    core, _, suffix = fmt.partition('"')
    percent = core.endswith("%")
    digits = len(core.rstrip("%").partition(".")[2])
    return fixed(100 * value if percent else value, digits) + ("%" if percent else "") + suffix.rstrip('"')
