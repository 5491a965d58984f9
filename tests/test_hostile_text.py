"""Text never breaks Manyi (issue #13 item 5): what a person types is cleaned where it comes in (evaluators'
forms, the CLI, citizens' answers: survey_app/safetext.py), and text stored before that cleaning (written
here straight into the database: tests/hostile.py) never breaks a page, a download or a header: a code
point a format cannot hold shows as U+FFFD. Raw data holds valid responses unless asked for all; 编号 is
a response's number within its survey."""
import csv
import io
import json
import re
from dataclasses import replace

import openpyxl
import pytest
from analysis import DEFAULT_RULE
from flask import render_template, send_file

from survey_app import qr, questionnaires, reports
from survey_app.reports import Export, c51
from survey_app.safetext import clean_line, clean_text, file_name, utf8_text, xml_text
from tests.admin_helpers import login, post_form
from tests.hostile import HEADER_BREAK, HOSTILE, assert_safe_header, read_back, store_hostile_survey

BAD = set("\ufffe\uffff\x0b\x01\x1f\x7f\x85\u202e\ud800\x00\r")  # what no cleaned one-line field keeps
WORST = HOSTILE + "\ud800\udfff\x00"  # lone surrogates and U+0000: no database here holds them
SHOW_STORED_TEXT = ("csv", "xlsx", "sav", "docx-annex", "docx-c51")  # the others open and hold no bad code point


@pytest.fixture
def hostile(app, database, evaluator, client):
    ids = store_hostile_survey(app, database, evaluator)
    assert login(client).status_code == 302
    return ids


# -- in: the cleaning -----------------------------------------------------------------------------

def test_cleaning_keeps_the_words_and_drops_what_breaks_files():
    line = clean_line(WORST + "\t尾")
    assert not BAD & set(line) and "\n" not in line and "\t" not in line
    assert line.startswith('=HYPERLINK("http://evil.example","点此")') and line.endswith("名称 尾")
    assert clean_line(HEADER_BREAK) == "业务大厅 Set-Cookie: evil=1" and clean_line("  ") == "" and clean_line(None) is None
    assert clean_text("第一行\r\n第二行\r第三行\x0b\u202e\ufffe") == "第一行\n第二行\n第三行"
    assert clean_text("维吾尔\u200f文") == "维吾尔\u200f文"  # a right-to-left mark stays


def test_evaluator_forms_store_clean_text(app, database, admin_client, yining):
    survey_id = yining[0]
    page = f"/admin/surveys/{survey_id}/edit"
    data = {"title": HOSTILE, "department": HEADER_BREAK, "evaluator_org": HOSTILE, "year": "2024",
            "rule": DEFAULT_RULE, "c51_figure": "headline", "target_n": "50", "background": HOSTILE + "\n第二段"}
    assert post_form(admin_client, page, page, data).status_code == 302
    survey = database.get_survey(survey_id)
    assert survey["title"] == clean_line(HOSTILE) and survey["department"] == "业务大厅 Set-Cookie: evil=1"
    assert not BAD & set(survey["evaluator_org"]) and survey["background"].endswith("名称\n第二段")
    dashboard = f"/admin/surveys/{survey_id}"
    post_form(admin_client, dashboard, f"{dashboard}/points", {"name": HEADER_BREAK + "\u202e"})
    assert "业务大厅 Set-Cookie: evil=1" in [p["name"] for p in database.list_points(survey_id)]


def test_a_file_posted_as_an_evaluator_field_is_an_empty_field(app, database, admin_client, yining):
    """A file part under a text field's name (no browser sends one to these forms) is no text: an empty title,
    which keeps the title as it was, and never a failure."""
    survey_id = yining[0]
    page = f"/admin/surveys/{survey_id}/edit"
    before = database.get_survey(survey_id)
    data = {"title": (io.BytesIO(b"x"), "a.txt"), "department": "伊宁市医疗保障局", "year": "2024",
            "rule": DEFAULT_RULE, "c51_figure": "headline", "target_n": "50"}
    response = post_form(admin_client, page, page, data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert database.get_survey(survey_id)["title"] == before["title"]


def test_the_cli_stores_clean_text(app, runner, database):
    made = runner.invoke(args=["create-survey", "yining-2024-public", "--title", HOSTILE, "--department", HEADER_BREAK])
    assert made.exit_code == 0, made.output
    [survey] = database.list_surveys()
    assert survey["title"] == clean_line(HOSTILE) and not BAD & set(survey["title"])
    assert runner.invoke(args=["add-point", str(survey["id"]), HEADER_BREAK]).exit_code == 0
    assert [p["name"] for p in database.list_points(survey["id"])] == ["业务大厅 Set-Cookie: evil=1"]
    assert runner.invoke(args=["add-point", str(survey["id"]), "\r\n\x0b"]).exit_code != 0  # nothing left


# -- out: stored text -----------------------------------------------------------------------------

@pytest.mark.parametrize("include_excluded", [False, True])
def test_every_download_of_hostile_stored_text_opens(client, hostile, tmp_path, include_excluded):
    for fmt in reports.FORMATS:
        query = "?include_excluded=1" if include_excluded else ""
        response = client.get(f"/admin/surveys/{hostile['survey_id']}/export/{fmt}{query}", buffered=True)
        assert response.status_code == 200, fmt
        assert_safe_header(response)
        text = read_back(fmt, response.get_data(), tmp_path)
        if fmt == "json":  # JSON holds any character: the stored text exactly
            assert json.loads(response.get_data())["survey"]["title"] == HOSTILE
        elif fmt in SHOW_STORED_TEXT:
            assert "\ufffd" in text and "\ufffe" not in text, fmt  # shown, not silently dropped


def test_qr_downloads_of_a_hostile_point_name(client, hostile):
    survey_id = hostile["survey_id"]
    for point_id in hostile["point_ids"]:
        for kind in ("png", "svg"):
            response = client.get(f"/admin/surveys/{survey_id}/points/{point_id}/{kind}")
            assert response.status_code == 200 and len(response.get_data()) > 100
            assert_safe_header(response)
        poster = client.get(f"/admin/surveys/{survey_id}/points/{point_id}/poster")
        assert poster.status_code == 200 and "<script>alert" not in poster.get_data(as_text=True)


def test_pages_show_hostile_stored_text_escaped(client, hostile):
    base = f"/admin/surveys/{hostile['survey_id']}"
    for url in ("/admin/", base, f"{base}/edit", f"{base}/points", f"{base}/responses",
                f"{base}/responses?status=excluded", f"{base}/c51"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html, url


class WorstRows:
    """A snapshot whose raw rows carry WORST in every stored text (point, reason, free text)."""

    def __init__(self, conn):
        self.conn = conn

    def __getattr__(self, name):
        return getattr(self.conn, name)

    def stream_responses(self, survey_id):
        for r in self.conn.stream_responses(survey_id):
            yield {**r, "point": WORST + "0", "exclude_reason": WORST, "answers": {**r["answers"], "suggestion": [WORST]}}


@pytest.mark.sqlite_only  # about the writers, not the database: the same on both
def test_writers_survive_any_code_point_a_str_can_hold(app, database, hostile, tmp_path):
    catalogue = questionnaires.catalogue(app)
    with reports.open_export(database, hostile["survey_id"], catalogue) as export:
        result = export.result
        survey = {**result.survey, **{k: WORST for k in ("title", "department", "evaluator_org", "background")}}
        result = replace(result, survey=survey, points=tuple(replace(p, name=WORST + str(i))
                                                             for i, p in enumerate(result.points)))
        worst = Export(result, WorstRows(export.database), export.timezone, include_excluded=True)
        for fmt in reports.FORMATS:
            out = io.BytesIO()
            reports.write(fmt, worst, out)
            text = read_back(fmt, out.getvalue(), tmp_path)
            assert "\ud800" not in text and (fmt not in SHOW_STORED_TEXT or "\ufffd" in text), fmt
    with app.test_request_context():
        page = render_template("reports/c51.html", paper=c51.paper(result), survey_id=1)
        assert "\ufffd" in page and page.encode("utf-8")
        response = send_file(io.BytesIO(b"x"), as_attachment=True, download_name=reports.filename("csv", survey))
        assert_safe_header(response)
        assert "\\" not in file_name(WORST) and "/" not in file_name(WORST)
    assert qr.poster_html(WORST, WORST, "abcd2345", "https://manyi.example.cn/s/abcd2345").encode("utf-8")
    assert xml_text("\x00\x0b\ufffe\ud800") == "\ufffd" * 4 and utf8_text("a\ud800") == "a\ufffd"


# -- raw data: valid responses by default; 编号 within the survey -------------------------------------

def test_raw_data_holds_valid_responses_unless_asked(client, hostile):
    base = f"/admin/surveys/{hostile['survey_id']}"
    dashboard = client.get(base).get_data(as_text=True)
    assert f'{base}/export/csv?include_excluded=1' in dashboard and f'{base}/export/docx-annex?' not in dashboard
    valid = list(csv.DictReader(io.StringIO(client.get(f"{base}/export/csv", buffered=True).get_data().decode("utf-8-sig"))))
    every = list(csv.DictReader(io.StringIO(
        client.get(f"{base}/export/csv?include_excluded=1", buffered=True).get_data().decode("utf-8-sig"))))
    assert [r["编号"] for r in valid] == ["2", "3", "4"] and {r["状态"] for r in valid} == {"有效"}
    assert [(r["编号"], r["状态"]) for r in every][:2] == [("1", "已剔除"), ("2", "有效")]
    assert every[0]["剔除原因"].startswith("'=HYPERLINK")  # never a formula
    for query, n in (("", 3), ("?include_excluded=1", 4)):
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/export/xlsx{query}", buffered=True).get_data()))
        assert book["数据"].max_row == 1 + n


def test_cli_export_includes_excluded_responses_when_asked(runner, hostile, tmp_path):
    for flag, rows in (([], 3), (["--include-excluded"], 4)):
        out = tmp_path / "raw.csv"
        result = runner.invoke(args=["export", str(hostile["survey_id"]), "--format", "csv", "--out", str(out), *flag])
        assert result.exit_code == 0, result.output
        assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == rows


def test_response_numbers_are_per_survey(app, database, admin_client, yining):
    """Another survey's submissions between this one's never move its numbers (编号 on the review page,
    in its flash messages and in the raw data)."""
    survey_id, (hall, _) = yining
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="别的项目")
    other_point = database.add_point(other, "大厅")["id"]
    hall_id = database.point_by_code(hall)[0]["id"]
    answers = [("q1", "A"), ("q2", "A"), ("q3", "A"), ("q4", "A"), ("q5", "A"), ("age", "A"), ("gender", "A")]
    ids = []
    for i in range(3):
        for sid, pid in ((other, other_point), (survey_id, hall_id)):
            saved = database.save_response(survey_id=sid, point_id=pid, questionnaire_version=1, submission_key=f"k{sid}-{i}",
                                           answers=answers, seconds_on_page=90, language="zh-CN", device_hash=None)
            if sid == survey_id:
                ids.append(saved.response_id)
    assert ids[1] - ids[0] == ids[2] - ids[1] == 2  # global ids: every other one is the other survey's
    page = f"/admin/surveys/{survey_id}/responses"
    shown = re.findall(r'<tr id="r(\d+)" class="\w+">\s*<td class="num">(\d+)</td>', admin_client.get(page).get_data(as_text=True))
    assert shown == [(str(ids[2]), "3"), (str(ids[1]), "2"), (str(ids[0]), "1")]  # newest first
    done = post_form(admin_client, page, f"{page}/{ids[1]}", {"action": "exclude", "reason": "测试"}, follow_redirects=True)
    assert "第 2 号问卷已剔除" in done.get_data(as_text=True)
    assert database.response_numbers(survey_id, ids) == {ids[0]: 1, ids[1]: 2, ids[2]: 3}
    rows = list(csv.DictReader(io.StringIO(admin_client.get(
        f"/admin/surveys/{survey_id}/export/csv?include_excluded=1", buffered=True).get_data().decode("utf-8-sig"))))
    assert [r["编号"] for r in rows] == ["1", "2", "3"]


@pytest.mark.sqlite_only  # PostgreSQL refuses text that is not UTF-8; a SQLite file holds any bytes
def test_bytes_that_are_not_utf8_never_break_a_page_and_verify_names_them(app, database, client, hostile, tmp_path):
    """Whoever holds the file can write bytes that are not UTF-8 into a text column (``cast(x'ff' as
    text)``); Python's sqlite3 refuses such a row. Every page and download still opens (the bytes shown
    as U+FFFD) and verify names each changed record rather than failing."""
    survey_id, point_id, response_id = hostile["survey_id"], hostile["point_ids"][1], hostile["response_ids"][1]
    assert database.verify().ok
    for sql, params in (("update surveys set title = cast(x'e4bda0ff' as text) where id = ?", [survey_id]),
                        ("update points set name = cast(x'c3' as text) where id = ?", [point_id]),
                        ("update answers set value = cast(x'fe41' as text) where response_id = ? and question_id = 'suggestion'",
                         [response_id]),
                        ("update responses set exclude_reason = cast(x'80' as text) where id = ?", [hostile["response_ids"][0]])):
        assert database.execute(sql, params).rowcount == 1
    base = f"/admin/surveys/{survey_id}"
    for url in ("/admin/", base, f"{base}/edit", f"{base}/points", f"{base}/responses", f"{base}/c51",
                f"{base}/points/{point_id}/png", f"{base}/points/{point_id}/poster",
                *(f"{base}/export/{fmt}?include_excluded=1" for fmt in reports.FORMATS)):
        response = client.get(url, buffered=True)
        assert response.status_code == 200, url
    assert "\ufffd" in client.get(base).get_data(as_text=True)  # the bad bytes show, as U+FFFD
    found = database.verify()
    assert not found.ok
    assert response_id in [r for r, _ in found.bad_responses]  # its free text changed
    assert any("settings" in p for p in found.count_problems)  # the title and the point's name
