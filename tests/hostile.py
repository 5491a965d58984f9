"""Hostile stored text: what old data (stored before the input cleaning, or copied in from elsewhere) may
hold, written straight into the database, past every form. PostgreSQL's text holds neither U+0000 nor a
lone surrogate, and Python's sqlite3 writes no lone surrogate either: the writers meet those in
tests/test_hostile_text.py::test_writers_survive_any_code_point_a_str_can_hold."""
import csv
import io
import json

import docx
import openpyxl
import pyreadstat

from survey_app import questionnaires, reports

# noncharacters, a vertical tab and other C0/C1 controls, a bidi override, CR/LF (a header break), a
# formula, markup, a quoted file name with a path: each of them once broke a download or could
HOSTILE = ('=HYPERLINK("http://evil.example","点此")\ufffe\uffff\x0b\x01\x1f\x7f\x85\u202e'
           '\r\n<script>alert(1)</script>; filename="a.exe"/../\\名称')
HEADER_BREAK = "业务大厅\r\nSet-Cookie: evil=1"


def store_hostile_survey(app, database, evaluator) -> dict:
    """A Nanchang window survey whose title, department, evaluator, annex texts, two point names, free-text
    answers and exclusion reason are hostile; four responses (the first excluded), granted to ``evaluator``.
    Returns the ids: {"survey_id", "point_ids", "response_ids"}."""
    q = questionnaires.catalogue(app).get("nanchang-window", 1)
    survey_id = database.create_survey(
        questionnaire_id=q.id, questionnaire_version=q.version, title=HOSTILE, department=HOSTILE, year=2024,
        evaluator_org=HOSTILE, background=HOSTILE, subjects=HOSTILE, target=95.0, target_n=4)
    points = [database.add_point(survey_id, name)["id"] for name in (HOSTILE, HEADER_BREAK)]
    answers = [(x.id, x.codes[0]) for x in q.questions if x.options and x.required] + [("suggestion", HOSTILE)]
    responses = [database.save_response(
        survey_id=survey_id, point_id=points[i % 2], questionnaire_version=q.version, submission_key=f"hostile-{i}",
        answers=answers, seconds_on_page=75, language="zh-CN", device_hash=None).response_id for i in range(4)]
    assert database.set_response_status(responses[0], status="excluded", reason=HOSTILE, user="wang")
    database.grant(evaluator, survey_id)
    return {"survey_id": survey_id, "point_ids": points, "response_ids": responses}


def read_back(fmt: str, body: bytes, tmp_path) -> str:
    """The download opened with its own library (openpyxl, python-docx, pyreadstat, csv, json): its text."""
    extension = reports.FORMATS[fmt].extension
    if extension == "csv":
        return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if extension == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if extension == "docx":
        doc = docx.Document(io.BytesIO(body))
        return "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    if extension == "sav":
        path = tmp_path / f"{fmt}.sav"
        path.write_bytes(body)
        df, meta = pyreadstat.read_sav(str(path))
        return df.to_csv() + meta.file_label + str(meta.variable_value_labels)
    return json.dumps(json.loads(body), ensure_ascii=False)


def assert_safe_header(response):
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in response.headers
    assert disposition.startswith("attachment; filename=") and disposition.isascii()
