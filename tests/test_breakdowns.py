"""Breakdowns on the dashboard (issue #14 item 1): every figure equals the one computed from the raw CSV
download; small groups are 样本不足; a grouping a question cannot give is refused in Chinese; one point
has no point breakdown."""
from __future__ import annotations

import csv
import html
import io
import re

import analysis
from analysis.formatting import num, pct
from survey_app import breakdowns, questionnaires, results
from tests.reports_helpers import by_id
from tests.yining import submit_all, yining_rows


def _submit(client, codes, rows):
    for i, code in enumerate(codes):
        submit_all(client, code, rows[i::len(codes)])


def _csv_rows(admin_client, survey_id):
    response = admin_client.get(f"/admin/surveys/{survey_id}/export/csv")
    body = response.data.decode("utf-8-sig")
    response.close()
    return [by_id(row) for row in csv.DictReader(io.StringIO(body))]


def test_every_breakdown_figure_equals_the_raw_csv(app, admin_client, client, yining, database):
    survey_id, codes = yining
    rows = yining_rows()
    _submit(client, codes, rows)
    raw = _csv_rows(admin_client, survey_id)
    assert len(raw) == 50
    with app.app_context():
        q = questionnaires.catalogue().for_survey(database.get_survey(survey_id))
        got = results.compute(database, survey_id, q).breakdowns
    item = q.question("q5")
    satisfied = set(item.satisfied)
    age_labels = {o.code: str(o.label) for o in q.question("age").options}
    by_key = {t.key: t.result for t in got.tables}
    assert set(by_key) == {"point", "age", "point×age", "gender", "point×gender"}

    def from_csv(group_of):
        groups: dict = {}
        for row in raw:
            if row["q5"]:
                counts = groups.setdefault(group_of(row), {})
                counts[row["q5"]] = counts.get(row["q5"], 0) + 1
        return groups

    def same(expected, table):
        assert [r.label for r in table.rows] == list(expected.rows and [r.label for r in expected.rows])
        for mine, theirs in zip(table.rows, expected.rows):
            assert (mine.n, mine.satisfied, mine.rate, mine.rate_low, mine.rate_high, mine.small) == \
                (theirs.n, theirs.satisfied, theirs.rate, theirs.rate_low, theirs.rate_high, theirs.small)
            assert mine.score == theirs.score and mine.score_low == theirs.score_low
            assert mine.adjusted_p == theirs.adjusted_p and mine.marked == theirs.marked

    point_groups = from_csv(lambda row: row["采集点"])
    same(analysis.breakdown({name: point_groups[name] for name in ("业务大厅", "1号窗口")}, satisfied=satisfied,
                            points=item.points), by_key["point"])
    age_groups = from_csv(lambda row: age_labels.get(row["age"], "未作答"))
    same(analysis.breakdown({g: age_groups[g] for g in age_labels.values() if g in age_groups},
                            satisfied=satisfied, points=item.points), by_key["age"])
    two = from_csv(lambda row: f"{row['采集点']} · {age_labels.get(row['age'], '未作答')}")
    order = [f"{p} · {g}" for p in ("业务大厅", "1号窗口") for g in age_labels.values()]
    same(analysis.breakdown({k: two[k] for k in order if k in two}, satisfied=satisfied, points=item.points),
         by_key["point×age"])
    # the page prints them: 60 岁以上 (3 answers) is 样本不足 with its n and no percentage
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    section = page[page.index('id="breakdowns"'):page.index('id="tallies"')]
    over_60 = re.search(r'<tr data-group="60 岁以上">(.*?)</tr>', section, re.S).group(1)
    assert "样本不足" in over_60 and "n = 3" in over_60 and "%" not in over_60
    hall = by_key["point"].rows[0]
    assert f"{100 * hall.rate:.1f}%" in section and "<svg class=\"forest\"" in section
    # Yining's headline is the score: the forest plots draw scores (in 分), as the annex's charts do
    plots = re.findall(r'<svg class="forest"[^>]*data-figure="(\w+)"', section)
    assert plots and set(plots) == {"score"} and "各组满意度得分及其 95% 置信区间" in section
    first = section[section.index('<svg class="forest"'):section.index("</svg>")]
    assert "100分</text>" in first and "%</text>" not in first
    assert "高于其余样本" not in section and "低于其余样本" not in section  # nothing differs in Yining's 50
    # the 合计 row is the item over all answers, with its intervals, as the XLSX sheet has them
    total = by_key["point"].total
    row = re.sub(r"<[^>]+>", "", re.search(r'<tr data-group="合计">(.*?)</tr>', section, re.S).group(1))  # text
    assert f"{pct(100 * total.rate)}（{pct(100 * total.rate_low)}–{pct(100 * total.rate_high)}）" in row
    assert f"{num(total.score)} 分（{num(total.score_low)}–{num(total.score_high)}）" in row


def test_a_marked_group_is_called_lower_and_only_it(app, admin_client, client, yining, database):
    survey_id, codes = yining
    good = [dict(r, q5="A") for r in yining_rows()[:40]]
    bad = [dict(r, q5="D") for r in yining_rows()[:20]]
    submit_all(client, codes[0], good)
    submit_all(client, codes[1], bad)
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    section = page[page.index('id="breakdowns"'):page.index('id="tallies"')]
    window = re.search(r'<tr data-group="1号窗口"[^>]*>(.*?)</tr>', section, re.S).group(1)
    assert "低于其余样本" in window
    hall = re.search(r'<tr data-group="业务大厅"[^>]*>(.*?)</tr>', section, re.S).group(1)
    assert "高于其余样本" in hall
    plot = re.search(r'<svg class="forest"[^>]*data-figure="score".*?</svg>', section, re.S).group(0)
    assert '<g class="marked">' in plot  # the marked groups are marked in the plot of the figure they differ in
    database.update_survey(survey_id, c51_figure="top2")  # C51 from the rate: the plots draw rates, in %
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    section = page[page.index('id="breakdowns"'):page.index('id="tallies"')]
    assert set(re.findall(r'<svg class="forest"[^>]*data-figure="(\w+)"', section)) == {"rate"}
    assert "100%</text>" in section and "各组满意率及其 95% 置信区间" in section


def test_a_question_that_cannot_group_is_refused_in_chinese(admin_client, client, yining, app, database):
    survey_id, codes = yining
    _submit(client, codes, yining_rows()[:20])
    page = admin_client.get(f"/admin/surveys/{survey_id}?by=q5")  # the analysed item itself
    assert page.status_code == 200 and "不能按其自身分组" in page.get_data(as_text=True)
    page = admin_client.get(f"/admin/surveys/{survey_id}?by=no-such&adjust=evil")
    assert page.status_code == 200 and "问卷中没有题目" in page.get_data(as_text=True)
    with app.app_context():
        q = questionnaires.catalogue().get("nanchang-window", 1)
    for qtype, words in (("text", "文字题"), ("multiple", "多选题")):
        question = next(question for question in q.questions if question.type == qtype)
        try:
            breakdowns.check_group_question(q, question.id, "overall")
        except ValueError as error:
            assert words in str(error) and "不能作为分组依据" in str(error)
        else:
            raise AssertionError(f"a {qtype} question was accepted as a grouping")


def test_a_survey_with_one_point_says_it_has_no_point_breakdown(admin_client, client, yining):
    survey_id, codes = yining
    submit_all(client, codes[0], yining_rows()[:15])
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "只有一个采集点" in page and 'data-breakdown="point"' not in page
    assert 'data-breakdown="age"' in page


def test_bh_is_offered_and_chosen_on_the_page(admin_client, client, yining):
    survey_id, codes = yining
    _submit(client, codes, yining_rows()[:30])
    page = admin_client.get(f"/admin/surveys/{survey_id}?adjust=bh").get_data(as_text=True)
    assert "Benjamini–Hochberg" in page and '<option value="bh" selected>' in page


def test_a_download_folds_what_it_reads_before_its_snapshot(admin_client, client, yining, database):
    """A download's snapshot cannot fold; the export folds the pairs first, so it reads a few folded rows
    instead of counting every response on each download."""
    survey_id, codes = yining
    _submit(client, codes, yining_rows()[:20])
    database.execute("delete from group_folds")  # nothing folded yet (as after an import)
    response = admin_client.get(f"/admin/surveys/{survey_id}/export/json")
    response.close()
    folded = {(r["group_id"], r["question_id"]) for r in database.query("select group_id, question_id from group_folds")}
    assert {("age", "q5"), ("gender", "q5"), ("q2", "q3"), ("q2", "q5"), ("q3", "q5")} <= folded


def test_with_a_population_every_total_row_equals_the_survey_figure(app, admin_client, client, yining, database):
    """An outside review found the 合计 row's interval without the N correction beside the same figure with it:
    with N set, every table's total equals the item's own rate and score, and the method says so."""
    survey_id, codes = yining
    _submit(client, codes, yining_rows())
    database.update_survey(survey_id, population=120)
    with app.app_context():
        q = questionnaires.catalogue().for_survey(database.get_survey(survey_id))
        got = results.compute(database, survey_id, q)
    own = got.question("q5")
    assert own.rate.population == 120
    for table in got.breakdowns.tables:
        total = table.result.total
        assert (total.rate_low, total.rate_high) == (own.rate.ci.low, own.rate.ci.high), table.key
        assert (total.score_low, total.score_high) == (own.score.ci.low, own.score.ci.high), table.key
    assert ("合计行的满意率为精确超几何区间（有限总体，N = 120）、得分为 Gaffke 区间（有限总体校正，N = 120，抽样比 41.7%），"
            "与全样本结果一致"
            in got.breakdowns.method_text)
    assert got.breakdowns.rate_method == "精确超几何区间（有限总体，N = 120）"
    page = html.unescape(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert "合计行的满意率为精确超几何区间（有限总体，N = 120）" in page
