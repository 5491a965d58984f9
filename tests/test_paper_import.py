"""导入纸质问卷录入表 (survey_app/paper_import.py, admin/paper.py, reports/paper_sheet.py): the evaluator downloads
the XLSX, types a stack of paper forms into it in Excel, imports it; all or nothing, every problem named by line and
column, an import repeated stores nothing twice. On both databases, with real XLSX files read back."""
import io

import openpyxl
import pytest

from tests.admin_helpers import csrf
from tests.reports_helpers import download

FORM = {"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A"}


def _template(client, survey_id):
    return openpyxl.load_workbook(io.BytesIO(download(client, survey_id, "xlsx-paper").get_data()))


def _filled(client, survey_id, rows) -> bytes:
    """The downloaded 录入表 with ``rows`` (dicts: 问卷编号, 采集点, question id -> cell) typed in, as Excel saves it."""
    book = _template(client, survey_id)
    sheet = book["录入"]
    header = [c.value for c in sheet[1]]
    for values in rows:
        sheet.append([values.get(h, values.get(h.rsplit("（", 1)[-1].rstrip("）"), "")) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(client, survey_id, data: bytes, name="录入表.xlsx", **kwargs):
    token = csrf(client.get(f"/admin/surveys/{survey_id}/paper").get_data(as_text=True).split('id="import"')[1])
    return client.post(f"/admin/surveys/{survey_id}/paper/import", data={"csrf_token": token,
                       "table": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kwargs)


def _paper(database, survey_id):
    return database.query("select submission_key, point_id, status, exclude_reason from responses"
                          " where survey_id = ? and channel = '纸质' order by id", [survey_id])


def test_the_template_offers_the_points_and_the_codes(admin_client, yining):
    survey_id, _ = yining
    book = _template(admin_client, survey_id)
    header = [c.value for c in book["录入"][1]]
    assert header[:3] == ["问卷编号", "采集点", "第 1 题 年龄（age）"] and header[-1].endswith("（q5）")
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in book["录入"].data_validations.dataValidation}
    assert lists["B2"] == '"业务大厅,1号窗口"' and lists["C2"] == '"A,B,C,D"'
    guide = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    assert any("同一编号只录入一次" in (line or "") for line in guide)


def test_a_typed_table_is_imported_once(admin_client, database, yining):
    survey_id, _ = yining
    rows = [{"问卷编号": "001", "采集点": "业务大厅", **FORM},
            {"问卷编号": "2", "采集点": "1号窗口", **FORM, "q2": "非常满意", "q5": "a"},  # a label, a lower-case code
            {"问卷编号": "3", "采集点": "业务大厅", **FORM, "q4": ""}]  # 第 6 题 left blank
    data = _filled(admin_client, survey_id, rows)
    reply = _import(admin_client, survey_id, data, follow_redirects=True)
    text = reply.get_data(as_text=True)
    assert "共 3 份：2 份已导入，1 份已导入并因漏答必答题按无效问卷剔除" in text
    stored = _paper(database, survey_id)
    assert [r["submission_key"] for r in stored] == [f"paper:{survey_id}:1", f"paper:{survey_id}:2", f"paper:{survey_id}:3"]
    assert [r["status"] for r in stored] == ["valid", "valid", "excluded"]
    assert stored[2]["exclude_reason"] == "纸质问卷漏答必答题：第 6 题"
    answers = dict(database.get_response(database.response_for_key(f"paper:{survey_id}:2"))["answers"])
    assert (answers["q2"], answers["q5"]) == ("A", "A")
    again = _import(admin_client, survey_id, data, follow_redirects=True).get_data(as_text=True)
    assert "共 3 份：3 份此前已录入、内容相同，未重复保存" in again
    assert len(_paper(database, survey_id)) == 3 and database.verify().ok
    assert sum(1 for e in database.audit_entries(survey_id) if e["action"] == "paper") == 3


def test_a_table_with_problems_stores_nothing_and_names_each(admin_client, database, yining):
    survey_id, _ = yining
    rows = [{"问卷编号": "1", "采集点": "业务大厅", **FORM},
            {"问卷编号": "1", "采集点": "业务大厅", **FORM},  # the same number twice
            {"问卷编号": "x y", "采集点": "二楼", **FORM, "q2": "F", "gender": "男女"},
            {"问卷编号": "9", "采集点": "业务大厅"}]  # nothing ticked
    reply = _import(admin_client, survey_id, _filled(admin_client, survey_id, rows))
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "未导入（没有保存任何一份）" in text
    for said in ("第 3 行：问卷编号 1 与第 2 行重复", "第 4 行：问卷编号“x y”应为", "第 4 行：采集点“二楼”不是本项目的采集点",
                 "第 4 行：第 4 题“F”不是选项（可填 A、B、C、D、E）", "第 4 行：第 2 题“男女”不是选项", "第 5 行：一题也没有填写"):
        assert said in text
    assert _paper(database, survey_id) == []


def test_a_number_stored_with_other_answers_stops_the_import(admin_client, database, yining):
    survey_id, _ = yining
    assert _import(admin_client, survey_id, _filled(admin_client, survey_id, [
        {"问卷编号": "5", "采集点": "业务大厅", **FORM}])).status_code == 302
    reply = _import(admin_client, survey_id, _filled(admin_client, survey_id, [
        {"问卷编号": "6", "采集点": "业务大厅", **FORM}, {"问卷编号": "5", "采集点": "业务大厅", **FORM, "q5": "E"}]))
    assert reply.status_code == 400 and "第 3 行：问卷编号 5 此前已录入，答案与本行不同" in reply.get_data(as_text=True)
    moved = _import(admin_client, survey_id, _filled(admin_client, survey_id, [  # the same ticks, another point
        {"问卷编号": "5", "采集点": "1号窗口", **FORM}]))
    assert moved.status_code == 400 and "第 2 行：问卷编号 5 此前已录入，采集点与本行不同" in moved.get_data(as_text=True)
    assert len(_paper(database, survey_id)) == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_saved_from_excel_is_read(admin_client, database, yining, encoding):
    survey_id, _ = yining
    header = "问卷编号,采集点,age,gender,q1,q2,q3,q4,q5"
    text = f"{header}\r\n7,1号窗口,B,A,A,B,A,C,A\r\n,,,,,,,,\r\n8,1号窗口,B,A,A,B,A,C,E\r\n"
    reply = _import(admin_client, survey_id, text.encode(encoding), "录入表.csv", follow_redirects=True)
    assert "共 2 份：2 份已导入" in reply.get_data(as_text=True)
    assert len(_paper(database, survey_id)) == 2


@pytest.mark.parametrize("data, name, said", [
    (b"PK\x03\x04 not a workbook", "a.xlsx", "无法读取这个 XLSX 文件"),
    (b"\xff\xfe\x00\x00garbage\x81", "a.csv", "无法读取这个 CSV 文件"),
    (b"", "a.csv", "文件是空的"),
    ("编号,采集点\r\n1,业务大厅\r\n".encode(), "a.csv", "无法识别的列“编号”"),
])
def test_a_file_that_is_no_table_is_refused_plainly(admin_client, database, yining, data, name, said):
    survey_id, _ = yining
    reply = _import(admin_client, survey_id, data, name)
    assert reply.status_code == 400 and said in reply.get_data(as_text=True)
    assert _paper(database, survey_id) == []


def test_a_long_table_is_stored_in_batches_and_verifies(admin_client, database, yining):
    survey_id, _ = yining
    rows = [{"问卷编号": str(n), "采集点": "业务大厅" if n % 3 else "1号窗口", **FORM, "q5": "ABCDE"[n % 5]}
            for n in range(1, 451)]
    reply = _import(admin_client, survey_id, _filled(admin_client, survey_id, rows), follow_redirects=True)
    assert "共 450 份：450 份已导入" in reply.get_data(as_text=True)
    assert database.paper_counts(survey_id) == {p["id"]: n for p, n in zip(database.list_points(survey_id), (300, 150))}
    assert database.verify().ok


def test_manyi_import_paper_imports_a_table_from_the_command_line(admin_client, database, yining, app, tmp_path):
    from tests.helpers import manyi

    survey_id, _ = yining
    table = tmp_path / "录入表.xlsx"
    table.write_bytes(_filled(admin_client, survey_id, [{"问卷编号": "31", "采集点": "业务大厅", **FORM},
                                                         {"问卷编号": "32", "采集点": "业务大厅", **FORM, "q5": ""}]))
    done = manyi("import-paper", str(survey_id), str(table), database=app.config["DATABASE"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "“录入表.xlsx”共 2 份：1 份已导入，1 份已导入并因漏答必答题按无效问卷剔除。"
    assert {e["user"] for e in database.audit_entries(survey_id) if e["action"] == "paper"} == {"cli:" + __import__("getpass").getuser()}
    table.write_bytes(_filled(admin_client, survey_id, [{"问卷编号": "33", "采集点": "三楼", **FORM}]))
    refused = manyi("import-paper", str(survey_id), str(table), database=app.config["DATABASE"])
    assert refused.returncode == 1 and "nothing stored" in refused.stderr and "第 2 行：采集点“三楼”" in refused.stderr
    assert "Traceback" not in refused.stderr and len(_paper(database, survey_id)) == 2
