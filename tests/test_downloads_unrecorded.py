"""Every download that prints a figure says so when the survey's settings were changed behind Manyi's back.

The dashboard and the C51 page warned when a setting (a target, a 办件量) differed from what the audit chain
recorded; the files did not: the 附件3 and C51 DOCX, the XLSX, the JSON and the SPSS file, and `manyi export`,
computed from the forged target silently, and the evaluator pasted the Word file into the report. Each now
names the settings at its top (reports/unrecorded_text.py), and a survey as recorded gets files as before.
The raw CSV (and the labels CSV) stays data only: a line above the header would break every program that
reads it; the XLSX, JSON and SPSS files beside it carry the warning.
"""
import io
import json

import docx
import openpyxl
import pyreadstat
import pytest

from survey_app.reports import unrecorded_text
from survey_app.store.audit import survey_state
from tests.reports_helpers import download, filled  # noqa: F401

FORGE_TARGET = "update surveys set target = 80 where id = ?"
WARNING = "在 Manyi 之外被改动、未记入审计链：目标值；请先运行 manyi verify 核实"


def _docx_paragraphs(response) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(response.get_data())).paragraphs]


def _first_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return workbook[workbook.sheetnames[0]]


def _sav_notes(response, tmp_path) -> str:
    path = tmp_path / "data.sav"
    path.write_bytes(response.get_data())
    return "".join(pyreadstat.read_sav(str(path), metadataonly=True)[1].notes)


def test_each_download_names_a_target_changed_with_sql(admin_client, database, filled, tmp_path):
    csv_before = download(admin_client, filled, "csv").get_data()
    database.execute(FORGE_TARGET, [filled])
    assert database.unrecorded_settings(filled) == ["target"]
    for fmt in ("docx-annex", "docx-c51"):  # under the title, in a paragraph of its own
        paragraphs = _docx_paragraphs(download(admin_client, filled, fmt))
        assert paragraphs[1].startswith("注意：本项目的以下设置") and WARNING in paragraphs[1], (fmt, paragraphs[:3])
    sheet = _first_sheet(download(admin_client, filled, "xlsx"))
    assert sheet.title == "概况" and WARNING in sheet["A1"].value and sheet["A1"].alignment.wrap_text
    assert sheet["A1"].font.bold and sheet["A2"].value == "项目"  # the table under it, its header frozen
    assert sheet.freeze_panes == "A3"
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert list(summary)[:2] == ["unrecorded_settings", "warning"]
    assert summary["unrecorded_settings"] == ["target"] and WARNING in summary["warning"]
    assert summary["survey"]["target"] == 80  # the figures the warning is about
    assert WARNING in _sav_notes(download(admin_client, filled, "sav"), tmp_path)
    assert download(admin_client, filled, "csv").get_data() == csv_before  # raw data: no line above the header


def test_an_untampered_survey_s_files_carry_no_warning(admin_client, database, filled, tmp_path):
    assert database.unrecorded_settings(filled) == []
    for fmt in ("docx-annex", "docx-c51"):
        paragraphs = _docx_paragraphs(download(admin_client, filled, fmt))
        assert not any("注意：" in p or "manyi verify" in p for p in paragraphs), fmt
    sheet = _first_sheet(download(admin_client, filled, "xlsx"))
    assert sheet["A1"].value == "项目" and sheet.freeze_panes == "A2"
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert list(summary)[0] == "survey" and "warning" not in summary and "unrecorded_settings" not in summary
    assert _sav_notes(download(admin_client, filled, "sav"), tmp_path) == "2024年伊宁市医疗保障局部门整体绩效满意度调查"


def test_a_changed_served_count_is_named_in_the_files_and_on_the_pages(admin_client, database, filled):
    database.execute("update points set served = 5000 where survey_id = ? and name = '业务大厅'", [filled])
    named = unrecorded_text.SETTING_NAMES["fieldwork"]
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert summary["unrecorded_settings"] == ["fieldwork"] and named in summary["warning"]
    for page in (f"/admin/surveys/{filled}", f"/admin/surveys/{filled}/c51"):  # the pages name it as the files do
        text = admin_client.get(page).get_data(as_text=True)
        assert f"可能在 Manyi 之外被修改过：{named}。" in text, page


def test_manyi_export_and_analyse_say_so_on_stderr_and_still_succeed(app, runner, database, filled, tmp_path):
    clean = tmp_path / "clean.json"
    done = runner.invoke(args=["export", str(filled), "--format", "json", "--out", str(clean)])
    assert done.exit_code == 0 and done.stderr == "", done.output
    analysed = runner.invoke(args=["analyse", str(clean)])
    assert analysed.exit_code == 0 and analysed.stderr == ""
    database.execute(FORGE_TARGET, [filled])
    forged = tmp_path / "forged.json"
    for fmt, out in (("docx-c51", tmp_path / "c51.docx"), ("json", forged)):
        done = runner.invoke(args=["export", str(filled), "--format", fmt, "--out", str(out)])
        assert done.exit_code == 0 and out.exists(), done.output
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Warning: survey {filled}: ") and WARNING in lines[0]
    analysed = runner.invoke(args=["analyse", str(forged)])
    assert analysed.exit_code == 0, analysed.output
    lines = analysed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("manyi analyse: warning: ") and WARNING in lines[0]


@pytest.mark.parametrize("keys, said", [
    ((), ""),
    (("target", "fieldwork"), "以下设置在 Manyi 之外被改动、未记入审计链：目标值、各采集点的发放份数与办件量；"),
    (("chain",), "审计链的最新记录无法用密钥核验"),
])
def test_the_warning_names_what_the_store_names(keys, said):
    text = unrecorded_text.warning(keys)
    assert (said in text and "manyi verify" in text) if keys else text == ""


def test_every_part_of_a_survey_s_recorded_state_has_a_name(database, yining):
    """Whatever the store may name (every key of the state a line records, and "survey"/"chain") reads as a setting's
    name, never as a bare key, in the files and on the pages."""
    keys = set(json.loads(survey_state(database._read(), yining[0]))) | {"survey", "chain"}
    assert keys <= set(unrecorded_text.SETTING_NAMES), keys - set(unrecorded_text.SETTING_NAMES)


def test_a_newest_audit_line_forged_to_match_is_said_by_manyi_export(runner, database, filled, tmp_path):
    """The web shows such a survey to no one (409); the command line, which sees every survey, writes the file and
    says the chain's newest line does not check, so nothing it records can be trusted."""
    database.execute(FORGE_TARGET, [filled])
    database.execute("update audit_log set state = replace(state, '\"target\":95.0', '\"target\":80.0')"
                     " where id = (select audit_id from survey_heads where survey_id = ?)", [filled])
    out = tmp_path / "forged.json"
    done = runner.invoke(args=["export", str(filled), "--format", "json", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "审计链的最新记录无法用密钥核验" in done.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["unrecorded_settings"] == ["chain"] and "manyi verify" in summary["warning"]
