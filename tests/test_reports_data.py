"""Raw data and tallies downloads (CSV, labels, XLSX, SPSS, JSON), each read back with its own
library and compared with the SurveyResult of the Yining survey (50 answers via /s/<code>)."""
import csv
import io
import json
import re
from collections import Counter
from urllib.parse import quote

import openpyxl
import pyreadstat
import pytest

from survey_app import reports
from survey_app.questionnaires import catalogue
from survey_app.admin.auth import hash_password
from survey_app.reports import summary
from tests.admin_helpers import login
from tests.reports_helpers import by_id, download, exclude_one_q5_c, filled, result_of  # noqa: F401

YINING = {"age": [11, 19, 17, 3], "gender": [22, 28], "q1": [28, 11, 6, 3, 2], "q2": [41, 4, 3, 2, 0],
          "q3": [38, 6, 4, 2, 0], "q4": [33, 12, 3, 2, 0], "q5": [46, 2, 2, 0, 0]}


def _csv(response):
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    return [by_id(row) for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]


def test_csv_has_one_row_per_response_with_codes_that_add_up_to_the_tallies(app, database, admin_client, filled):
    response = download(admin_client, filled, "csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once
    # the data's time in the name: a download after a 剔除 is told apart from one before it
    disposition = response.headers["Content-Disposition"]
    stamp = re.search(r"-(20\d{6}-\d{4})\.csv\"", disposition).group(1)
    name = f"2024年伊宁市医疗保障局部门整体绩效满意度调查-原始数据-{stamp}.csv"
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="manyi-{filled}-csv-{stamp}.csv"' in disposition  # an old browser's name
    rows = _csv(response)
    result = result_of(app, database, filled)
    assert len(rows) == result.returned == 50
    assert [int(r["编号"]) for r in rows] == sorted(int(r["编号"]) for r in rows)
    assert Counter(r["采集点"] for r in rows) == {"业务大厅": 30, "1号窗口": 20}
    for qr in result.questions:
        counted = Counter(r[qr.question.id] for r in rows)
        assert [counted[row.code] for row in qr.table.rows] == [row.count for row in qr.table.rows]
        assert [row.count for row in qr.table.rows] == YINING[qr.question.id]
    assert {r["状态"] for r in rows} == {"有效"} and all(int(r["答题用时（秒）"]) >= 60 for r in rows)
    assert all(len(r["提交时间"]) == 19 for r in rows)  # local time, 2024-08-13 10:42:07


def test_labels_file_names_every_column_and_code(admin_client, filled):
    rows = _csv(download(admin_client, filled, "labels"))
    labels = {(r["变量"], r["代码"]): r["标签"] for r in rows}  # 变量: the raw data's column header
    q5, age = "第 7 题 伊宁市医疗保障局整体工作（q5）", "第 1 题 年龄（age）"
    assert labels[(q5, "")].startswith("您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？")
    assert labels[(q5, "A")] == "非常满意（100 分）" and labels[(age, "D")] == "60 岁以上"  # points where scored
    assert labels[("状态", "")] == "问卷状态：有效 / 已剔除" and ("采集点", "") in labels  # the cells are the words


def _pairs(ws):
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True)}


def _tallies(ws):
    """{question id: [(code, label, count, percent)]} from the 汇总 sheet."""
    out, current, in_options = {}, None, False
    for row in ws.iter_rows(values_only=True):
        if row[0] and re.fullmatch(r"第 \d+ 题（\w+）", str(row[0])):  # 第 7 题（q5）
            current, in_options = str(row[0]).split("（")[1].rstrip("）"), False
            out[current] = []
        elif row[0] == "代码":
            in_options = True
        elif row[0] in ("合计", "指标"):
            in_options = False
        elif in_options and row[0]:
            out[current].append(row[:4])
    return out


def test_xlsx_sheets_agree_with_the_result(app, database, admin_client, filled):
    wb = openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))
    assert wb.sheetnames == ["概况", "汇总", "交叉-按采集点", "交叉-按年龄", "交叉-按采集点×年龄", "交叉-按性别",
                             "交叉-按采集点×性别", "数据", "标签"]
    result = result_of(app, database, filled)
    overview = _pairs(wb["概况"])
    assert (overview["回收（份）"], overview["有效问卷（份）"], overview["有效率"]) == (50, 50, 1.0)  # shown 100.0%
    assert "发放（份）" not in overview and overview["办件量（件）"] is None  # no "发放 = 回收"
    assert overview["C51 得分"] == 5 and overview["C51 满分"] == 5 and overview["估计值（分）"] == pytest.approx(97.6)
    assert "结果显示受访者满意度得分为 97.6 分" in overview["评价结果"]
    assert overview["判定说明"] == result.headline.verdict_text and overview["目标判定"] == "按当前样本量尚不能判定是否达到目标"
    tallies = _tallies(wb["汇总"])
    for qr in result.questions:  # 占比 a fraction, shown in percent with one decimal
        got = tallies[qr.question.id]
        assert [(c, n) for c, _, n, _ in got] == [(row.code, row.count) for row in qr.table.rows]
        assert [p for *_, p in got] == pytest.approx([row.percent / 100 for row in qr.table.rows], abs=1e-12)
    assert tallies["gender"] == [("A", "男", 22, 0.44), ("B", "女", 28, 0.56)]
    assert [p for *_, p in tallies["age"]] == [0.22, 0.38, 0.34, 0.06]
    data = list(wb["数据"].iter_rows(values_only=True))
    assert len(data) == 51 and data[0][:2] == ("编号", "采集点") and data[1][2].year >= 2024
    assert Counter(r[data[0].index("第 7 题 伊宁市医疗保障局整体工作（q5）")] for r in data[1:]) == {"A": 46, "B": 2, "C": 2}


def test_sav_has_numeric_codes_with_value_and_variable_labels(tmp_path, database, admin_client, filled):
    response = download(admin_client, filled, "sav")
    path = tmp_path / "test.sav"
    with open(path, "wb") as f:
        f.write(response.get_data())
    df, meta = pyreadstat.read_sav(path)
    assert len(df) == 50 and df["submitted_at"].iloc[0].year >= 2024  # a date-time, local time
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["q5"].startswith("第 7 题 您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？") and "1–5" in labels["q5"]
    assert meta.variable_value_labels["q5"] == {1: "A. 非常满意（100 分）", 2: "B. 比较满意（80 分）", 3: "C. 一般满意（60 分）",
                                                4: "D. 不太满意（40 分）", 5: "E. 不满意（20 分）"}
    assert df["q5"].value_counts().to_dict() == {1.0: 46, 2.0: 2, 3.0: 2}
    assert df["gender"].value_counts().sort_index().tolist() == [22, 28]
    assert meta.variable_value_labels["status"] == {1: "有效", 2: "已剔除"} and set(df["status"]) == {1.0}
    assert {meta.variable_value_labels["point"][k]: n for k, n in df["point"].value_counts().items()} == {
        "业务大厅": 30, "1号窗口": 20}
    assert all(meta.original_variable_types[name] == "F8.0" for name in meta.variable_value_labels)  # 1, not 1.00


def test_json_summary_is_the_survey_result(app, database, admin_client, filled):
    got = json.loads(download(admin_client, filled, "json").get_data())
    expected = summary.as_dict(result_of(app, database, filled))
    got.pop("computed_at"), expected.pop("computed_at")
    assert got == json.loads(json.dumps(expected))
    q5 = next(q for q in got["questions"] if q["id"] == "q5")
    assert [o["count"] for o in q5["options"]] == [46, 2, 2, 0, 0] and q5["score"]["score"] == pytest.approx(97.6)
    assert got["headline"]["value"] == pytest.approx(97.6) and got["headline"]["c51"]["points"] == 5
    assert got["headline"]["low"] < 97.6 < got["headline"]["high"] + 1e-9
    # a score is in 分 and says so; no key of the headline or its C51 block calls it a percentage
    assert got["headline"]["unit"] == got["headline"]["c51"]["unit"] == "分" and got["headline"]["target"] == 95
    assert not [k for k in (*got["headline"], *got["headline"]["c51"], *got["headline"]["deciding_bound"]) if "pct" in k]
    assert got["counts"] == {"returned": 50, "valid": 50, "excluded": 0, "valid_rate_pct": 100.0}
    # no "发放 = 回收": page opens (each answer's form was opened once) and no response rate until 办件量 is entered
    assert got["fieldwork"]["total"]["returned"] == 50 and got["fieldwork"]["total"]["response_rate_pct"] is None


def test_excluding_a_response_changes_the_data_downloads_consistently(app, database, admin_client, filled):
    rid = exclude_one_q5_c(database)
    rows = _csv(download(admin_client, filled, "csv"))
    assert len(rows) == 49 and {r["状态"] for r in rows} == {"有效"}  # raw data: valid responses only
    asked = download(admin_client, filled, "csv?include_excluded=1")
    assert quote("原始数据（含已剔除）-") in asked.headers["Content-Disposition"]
    everything = _csv(asked)
    assert len(everything) == 50  # excluded, never deleted: asked for, the raw data has it with its reason
    [excluded] = [r for r in everything if r["状态"] == "已剔除"]
    assert int(excluded["编号"]) == database.response_numbers(filled, [rid])[rid] and excluded["剔除原因"] == "答题过快"
    assert int(excluded["编号"]) not in {int(r["编号"]) for r in rows}
    assert [r["编号"] for r in everything] == [str(n) for n in range(1, 51)]  # numbered within the survey
    got = json.loads(download(admin_client, filled, "json").get_data())
    assert got["counts"]["valid"] == 49 and got["counts"]["valid_rate_pct"] == 98.0
    q5 = next(q for q in got["questions"] if q["id"] == "q5")
    assert [o["count"] for o in q5["options"]] == [46, 2, 1, 0, 0]
    assert got["headline"]["value"] == pytest.approx((46 * 100 + 2 * 80 + 60) / 49)
    overview = _pairs(openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))["概况"])
    assert (overview["有效问卷（份）"], overview["已剔除（份）"], overview["有效率"]) == (49, 1, 0.98)
    valid_q5 = Counter(r["q5"] for r in rows if r["状态"] == "有效")
    assert [valid_q5[c] for c in "ABCDE"] == [o["count"] for o in q5["options"]]


def test_downloads_need_a_login_and_access_to_the_survey(app, database, client, filled):
    for fmt in reports.FORMATS:
        response = client.get(f"/admin/surveys/{filled}/export/{fmt}", buffered=True)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.get(f"/admin/surveys/{filled}/c51").status_code == 302
    database.create_user("other", hash_password("other-password-1"))  # granted nothing
    assert login(client, "other", "other-password-1").status_code == 302
    assert client.get(f"/admin/surveys/{filled}/export/csv", buffered=True).status_code == 404
    assert client.get(f"/admin/surveys/{filled}/c51").status_code == 404


def test_unknown_format_is_404(admin_client, filled):
    assert admin_client.get(f"/admin/surveys/{filled}/export/pdf", buffered=True).status_code == 404


def test_cli_export_writes_the_same_file(app, runner, database, filled, tmp_path):
    out = tmp_path / "summary.json"
    result = runner.invoke(args=["export", str(filled), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["valid"] == 50
    missing = runner.invoke(args=["export", "999", "--format", "csv", "--out", str(tmp_path / "x.csv")])
    assert missing.exit_code != 0 and "no survey with id 999" in missing.output
    from survey_app.cli.export import export_command

    assert set(export_command.params[1].type.choices) == set(reports.FORMATS)


def test_cli_export_adds_the_breakdowns_by_the_questions_asked_as_the_pages_links_do(runner, admin_client, filled,
                                                                                   tmp_path):
    def sheets(body: bytes) -> list[str]:
        return [n for n in openpyxl.load_workbook(io.BytesIO(body)).sheetnames if n.startswith("交叉-")]

    out = tmp_path / "by.xlsx"
    result = runner.invoke(args=["export", str(filled), "--format", "xlsx", "--by", "q1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    web = admin_client.get(f"/admin/surveys/{filled}/export/xlsx?by=q1", buffered=True).get_data()
    assert sheets(out.read_bytes()) == sheets(web) and "交叉-按了解医保政策" in sheets(web)
    assert "交叉-按了解医保政策" not in sheets(download(admin_client, filled, "xlsx").get_data())
    for args, said in ((["--by", "no-such"], "问卷中没有题目“no-such”"), (["--by", "q5"], "不能按其自身分组"),
                       ([a for q in ("q1", "q2", "q3", "q4") for a in ("--by", q)], "at most 3 questions")):
        refused = tmp_path / "refused.xlsx"
        result = runner.invoke(args=["export", str(filled), "--format", "xlsx", *args, "--out", str(refused)])
        assert result.exit_code != 0 and said in result.output and not refused.exists(), result.output


def test_multiple_choice_and_text_answers_in_csv_and_sav(app, database, tmp_path):
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口服务")
    point = database.add_point(survey_id, "1号窗口")["id"]
    answers = [("age", "A"), ("gender", "B"), ("business", "C"), ("business", "A"), ("efficiency", "A"),
               ("attitude", "A"), ("informing", "B"), ("waiting", "C"), ("channels", "A"), ("overall", "A"),
               ("suggestion", '希望增加"自助机",\n延长午间服务')]
    database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key="k1",
                     answers=answers, seconds_on_page=75, language="zh-CN", device_hash=None)
    with reports.open_export(app.extensions["manyi.store"], survey_id, catalogue(app)) as export:
        out = io.BytesIO()
        reports.write("csv", export, out)
        sav = tmp_path / "n.sav"
        with open(sav, "wb") as f:
            reports.write("sav", export, f)
    [row] = [by_id(r) for r in csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))]
    assert row["business"] == "A;C" and row["payout"] == "" and row["suggestion"] == '希望增加"自助机",\n延长午间服务'
    df, meta = pyreadstat.read_sav(str(sav))
    assert (df["business_A"][0], df["business_B"][0], df["business_C"][0]) == (1, 0, 1)
    assert df["suggestion"][0].startswith("希望增加") and df["payout"].isna()[0]


@pytest.mark.parametrize("title", ["伊宁市满意度调查（演示）", "2024年度伊宁市医疗保障局部门整体绩效群众满意度调查（演示）"])
def test_raw_status_reads_in_chinese_and_the_sav_keeps_the_title(title, tmp_path, database, admin_client, filled):
    """状态 reads 有效/已剔除 in the CSV and the XLSX as in the SAV's value labels; the SAV's file label is the
    whole title when it fits the header's 64 bytes, else cut visibly with “…”, the whole title in the note."""
    exclude_one_q5_c(database)
    database.update_survey(filled, title=title)
    rows = _csv(download(admin_client, filled, "csv?include_excluded=1"))
    assert Counter(r["状态"] for r in rows) == {"有效": 49, "已剔除": 1}
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx?include_excluded=1").get_data()))
    cells = {c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert {"有效", "已剔除"} <= cells and not {"valid", "excluded"} & cells
    path = tmp_path / "t.sav"
    path.write_bytes(download(admin_client, filled, "sav?include_excluded=1").get_data())
    df, meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert Counter(df["status"]) == {"有效": 49, "已剔除": 1}
    if len(title.encode("utf-8")) <= 64:
        assert meta.file_label == title
    else:
        assert meta.file_label.endswith("…") and title.startswith(meta.file_label[:-1])
        assert len(meta.file_label.encode("utf-8")) <= 64 and "".join(meta.notes) == title


def test_the_xlsx_overview_gives_a_reviewer_the_dates_exclusions_receipt_and_rule_the_annex_gives(
        admin_client, database, filled):
    """概况 holds what a 财政局 reviewer checks against the annex: the survey's first and last day, each 剔除 reason
    with its count, the receipt's 回执摘要 (key fingerprint, time) and the scoring rule by its Chinese title,
    never its internal id; each the very value the annex prints."""
    import docx

    import analysis
    from survey_app.store.receipts import digest, fingerprint
    exclude_one_q5_c(database)
    cells = _pairs(openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))["概况"])
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, filled, "docx-annex")
                                                                .get_data())).paragraphs)
    receipt = json.loads(download(admin_client, filled, "receipt").get_data())
    first, last = cells["调查开始日期（首份有效问卷）"], cells["调查结束日期（末份有效问卷）"]
    assert first.year >= 2024 and first <= last  # dates Excel can compute with
    said = re.search(r"有效问卷均?提交于 (\d+) 年 (\d+) 月 (\d+) 日(?:至(\d+) 年 (\d+) 月 (\d+) 日)?", annex).groups()
    assert (first.year, first.month, first.day) == tuple(map(int, said[:3]))
    assert (last.year, last.month, last.day) == tuple(map(int, said[3:] if said[3] else said[:3]))
    assert cells["已剔除（份）"] == 1 and cells["剔除原因：答题过快（份）"] == 1 and "剔除原因：答题过快 1 份" in annex
    assert cells["数据回执摘要"] == digest(receipt)[:16] and f"回执摘要 {cells['数据回执摘要']}" in annex
    assert cells["评价机构签名公钥指纹"] == fingerprint(receipt["public_key"]) and cells["评价机构签名公钥指纹"] in annex
    assert f"截至 {cells['回执数据截至']}的数据" in annex
    assert cells["评分规则"] == analysis.RULES["xinjiang-c51"].title == "新疆部门整体绩效评价 C51 服务对象满意度"
    assert "xinjiang-c51" not in [str(v) for v in cells.values()]
