"""与上年度比较 (issue #14 item 2): the differences on the dashboard and in the annex are analysis.compare_rates
and compare_scores on the two surveys' counts; the choice of the earlier survey answers 404 for a survey
the evaluator may not see, and saves nothing when the items differ; `manyi demo` adds the fictional 2023
survey once and links it."""
from __future__ import annotations

import io
import re
from collections import Counter

import docx
import pytest

import analysis
from survey_app import questionnaires, results, trend
from survey_app.cli import demo
from survey_app.demo_data import YINING_2023_COUNTS, yining_2023_rows
from survey_app.reports.trend_text import trend_blocks
from analysis.formatting import num, nums, span
from tests.admin_helpers import login, post_form
from tests.reports_helpers import shown
from tests.yining import submit_all, yining_rows

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
ITEMS = ("q1", "q2", "q3", "q4", "q5")


def store_rows(database, survey_id: int, rows, prefix: str, version: int = 1) -> None:
    point = database.add_point(survey_id, "业务大厅")
    for i, row in enumerate(rows):
        database.save_response(survey_id=survey_id, point_id=point["id"], questionnaire_version=version,
                               submission_key=f"{prefix}-{i}", answers=sorted(row.items()), seconds_on_page=60,
                               language="zh-CN", device_hash=None)


def earlier_yining(database, title="2023年伊宁市医疗保障局部门整体绩效满意度调查") -> int:
    """A 2023 Yining survey with the fictional demo counts (q5 40/5/3/2/0)."""
    survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title=title,
                                       department="伊宁市医疗保障局", year=2023, target=95.0, target_n=50)
    store_rows(database, survey_id, yining_2023_rows(), "y2023")
    return survey_id


def trend_of(app, database, survey_id):
    catalogue = questionnaires.catalogue(app)
    survey = database.get_survey(survey_id)
    result = results.compute(database, survey_id, catalogue.for_survey(survey))
    return trend.trend_for(database, survey, result, catalogue, timezone="Asia/Shanghai")


@pytest.fixture
def compared(app, client, database, yining):
    """The Yining 2024 survey (its 50 answers through /s/<code>) compared with a 2023 one."""
    survey_id, codes = yining
    submit_all(client, codes[0], yining_rows())
    earlier = earlier_yining(database)
    database.update_survey(survey_id, compare_with=earlier)
    return survey_id, earlier


def test_trend_for_is_none_until_a_survey_is_chosen(app, database, yining):
    assert trend_of(app, database, yining[0]) is None


def test_each_difference_is_the_analysis_comparison_of_the_two_surveys_counts(app, database, compared):
    survey_id, earlier = compared
    t = trend_of(app, database, survey_id)
    assert t.earlier["id"] == earlier and (t.valid_now, t.valid_before) == (50, 50)
    assert [r.question_id for r in t.rows] == list(ITEMS) and t.headline.question_id == "q5" and t.skipped == ()
    now_rows, before_rows = yining_rows(), yining_2023_rows()  # counted here, not read from the store
    for row in t.rows:
        a, b = Counter(r[row.question_id] for r in now_rows), Counter(r[row.question_id] for r in before_rows)
        assert dict(b) == {k: v for k, v in YINING_2023_COUNTS[row.question_id].items() if v}
        x1, x2 = a["A"] + a["B"], b["A"] + b["B"]  # every item marks 非常/比较 (了解, 清楚) as satisfied
        rate = analysis.compare_rates(x1, 50, x2, 50)
        score = analysis.compare_scores(dict(a), dict(b), points=LADDER, method="welch-bounded")
        assert (row.n_now, row.n_before, row.satisfied_now, row.satisfied_before) == (50, 50, x1, x2)
        for got, want in ((row.rate, rate), (row.score, score)):
            assert (got.difference, got.low, got.high, got.p_value) == pytest.approx(
                (want.difference, want.low, want.high, want.p_value), abs=1e-12)
            assert got.difference == pytest.approx(got.estimate1 - got.estimate2)  # now − before
        assert row.rate_now == x1 / 50 and row.score_now == pytest.approx(sum(LADDER[c] * n for c, n in a.items()) / 50)
    head = t.headline
    assert head.score_now == pytest.approx(97.6) and head.score_before == pytest.approx(93.2)
    assert head.score.difference == pytest.approx(4.4)  # 97.6 − 93.2: a rise, but its interval holds 0
    assert head.score.low < 0 < head.score.high and not head.score_significant


def test_each_years_interval_uses_its_own_population_as_its_dashboard_does(app, database, compared):
    """With N entered, the dashboard prints the exact hypergeometric interval for the rate and the corrected
    Gaffke one for the score; the trend table printed each year's interval without N (a reviewer's find)."""
    survey_id, earlier = compared
    database.update_survey(survey_id, population=60)
    database.update_survey(earlier, population=80)
    t = trend_of(app, database, survey_id)
    head = t.headline
    now = results.compute(database, survey_id, questionnaires.catalogue(app).for_survey(database.get_survey(survey_id)))
    q5 = now.question("q5")
    assert (head.rate_now_ci.low, head.rate_now_ci.high) == pytest.approx((q5.rate.ci.low, q5.rate.ci.high))
    assert (head.score_now_ci.low, head.score_now_ci.high) == pytest.approx((q5.score.low, q5.score.high))
    x2 = head.satisfied_before
    want = analysis.hypergeometric.population_bounds(x2, 50, 80, 0.95)
    assert (head.rate_before_ci.low, head.rate_before_ci.high) == pytest.approx(want)


def test_not_applicable_answers_are_in_neither_n(app, database):
    q = questionnaires.catalogue(app).get("nanchang-window", 2)
    ids = []
    for year, payout in ((2024, 2 * ("A" * 6 + "C" * 2 + "F" * 4)), (2023, 2 * ("A" * 3 + "D" * 3 + "F" * 6))):
        survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=2, title=f"窗口 {year}",
                                           department="青云谱区医疗保障局", year=year)
        rows = [{"age": "A", "gender": "A", "overall": "A" if i % 3 else "B", "payout": code}
                for i, code in enumerate(payout)]
        store_rows(database, survey_id, rows, f"w{year}", version=2)
        ids.append(survey_id)
    database.update_survey(ids[0], compare_with=ids[1])
    row = next(r for r in trend_of(app, database, ids[0]).rows if r.question_id == "payout")
    assert (row.n_now, row.n_before, row.satisfied_now, row.satisfied_before) == (16, 12, 12, 6)  # 10 at least each
    assert row.rate.difference == pytest.approx(6 / 8 - 3 / 6)
    assert row.score.difference == pytest.approx((6 * 100 + 2 * 60) / 8 - (3 * 100 + 3 * 40) / 6)


def test_items_whose_options_differ_are_skipped_and_a_differing_headline_is_a_value_error(app):
    catalogue = questionnaires.catalogue(app)
    yining, v1, v2 = (catalogue.get(*key) for key in (("yining-2024-public", 1), ("nanchang-window", 1),
                                                       ("nanchang-window", 2)))
    assert trend.comparable_items(v2, v1) == ("efficiency", "attitude", "informing", "waiting", "channels", "overall")
    with pytest.raises(ValueError, match=r"headline item question q5 \(伊宁市医疗保障局整体工作\) is not in"):
        trend.comparable_items(yining, v1)
    with pytest.raises(ValueError, match=r"overall .*not in the earlier questionnaire yining-2024-public@1"):
        trend.comparable_items(v1, yining)


def test_a_skipped_item_says_why(app, database):
    ids = []
    for version, year in ((2, 2024), (1, 2023)):
        ids.append(database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=version,
                                          title=f"窗口 {year}", department="青云谱区医疗保障局", year=year))
        store_rows(database, ids[-1], [{"overall": "AB"[i % 2], "payout": "A"} for i in range(4)], f"s{year}", version)
    database.update_survey(ids[0], compare_with=ids[1])
    t = trend_of(app, database, ids[0])
    assert t.skipped == (("医保待遇兑现", "的选项与所选调查不同（本次 A, B, C, D, E, F；所选调查 A, B, C, D, E）"),)
    assert t.figure == "rate" and t.headline.question_id == "overall"


# --- the evaluator's choice ---------------------------------------------------------------------------

def trend_section(page: str) -> str:
    start = page.index('<section class="card" id="trend">')
    return page[start:page.index("</section>", start)]


def choose(client, survey_id, value, **kwargs):
    page = f"/admin/surveys/{survey_id}"
    return post_form(client, page, f"{page}/compare", {"compare_with": value}, **kwargs)


def compare_lines(database, survey_id):
    return [e for e in database.audit_entries(survey_id) if e["action"] == "compare"]


def test_choosing_a_survey_the_evaluator_may_not_see_answers_404(admin_client, database, yining):
    hidden = earlier_yining(database)  # exists, never granted
    for value in (str(hidden), "99999", "0", "-1", "9" * 30, "abc", "١"):
        assert choose(admin_client, yining[0], value).status_code == 404, value
    assert database.get_survey(yining[0])["compare_with"] is None and compare_lines(database, yining[0]) == []


def test_items_that_differ_give_a_chinese_message_and_save_nothing(admin_client, database, evaluator, yining):
    other = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口满意度 2023",
                                   department="伊宁市医疗保障局", year=2023)
    database.grant(evaluator, other)
    before = database.audit_entries(yining[0])
    page = choose(admin_client, yining[0], str(other), follow_redirects=True).get_data(as_text=True)
    assert "无法比较：主指标题目“伊宁市医疗保障局整体工作”（本次问卷第 7 题，问卷文件中为 q5）在所选调查的问卷中没有" in page
    assert database.get_survey(yining[0])["compare_with"] is None and database.audit_entries(yining[0]) == before


def test_the_survey_itself_is_not_offered(admin_client, database, yining):
    page = choose(admin_client, yining[0], str(yining[0]), follow_redirects=True).get_data(as_text=True)
    assert "请从列表中选择" in page and database.get_survey(yining[0])["compare_with"] is None


def test_choosing_a_comparable_survey_saves_it_audited_and_shows_the_table(admin_client, client, database,
                                                                        evaluator, yining):
    submit_all(client, yining[1][0], yining_rows())
    earlier = earlier_yining(database, "2023年伊宁市医疗保障局满意度调查（较早）")
    database.grant(evaluator, earlier)
    dashboard = admin_client.get(f"/admin/surveys/{yining[0]}").get_data(as_text=True)
    assert 'id="trend"' in dashboard and "尚未选择比较对象" in dashboard and f'value="{earlier}"' in dashboard
    done = choose(admin_client, yining[0], str(earlier))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/surveys/{yining[0]}#trend")
    assert database.get_survey(yining[0])["compare_with"] == earlier
    [line] = compare_lines(database, yining[0])
    assert line["user"] == "wang" and line["detail"] == f"compare_with: None → {earlier}"
    page = admin_client.get(f"/admin/surveys/{yining[0]}").get_data(as_text=True)
    section = trend_section(page)
    assert "2023年伊宁市医疗保障局满意度调查（较早）" in section and "有效问卷 50 份" in section
    q5 = section[section.index('data-question="q5"'):]
    q5 = q5[:q5.index("</table>")]
    assert "97.6 分" in q5 and "93.2 分" in q5 and "96.0%（48/50）" in q5 and "90.0%（45/50）" in q5
    assert "+4.40 分<br>" in q5 and "+6.0 个百分点" in q5 and "差异不显著" in q5 and "差异显著" not in q5.replace("差异不显著", "")
    # the intervals with their units and the minus sign, as the annex prints them
    assert re.search(r"95% 置信区间 −\d+\.\d+ 至 \+\d+\.\d+ 个百分点", q5) and re.search(r"95% 置信区间 −[\d.]+ 至 \+[\d.]+ 分", q5)
    assert not re.search(r"-\d", q5[q5.index("<tfoot>"):])
    assert section.count("<table") == 5  # one per item: q1 … q5
    assert re.search(rf'<option (selected value="{earlier}"|value="{earlier}" selected)', section)
    # 不比较 clears it, audited again
    assert choose(admin_client, yining[0], "").status_code == 302
    assert database.get_survey(yining[0])["compare_with"] is None and len(compare_lines(database, yining[0])) == 2


def test_a_comparison_whose_survey_was_withdrawn_shows_nothing_of_it(admin_client, database, evaluator, yining):
    earlier = earlier_yining(database, "不再可见的调查")
    database.update_survey(yining[0], compare_with=earlier)  # chosen while it was granted, then revoked
    page = admin_client.get(f"/admin/surveys/{yining[0]}").get_data(as_text=True)
    assert "不再可见的调查" not in page and "现在无法显示" in page


# --- the annex's words ---------------------------------------------------------------------------------

def test_trend_blocks_in_the_annex_wording_with_units(app, database, compared):
    t = trend_of(app, database, compared[0])
    blocks = trend_blocks(t)
    assert blocks[0] == ("h2", "与上年度比较") and all(kind == "p" for kind, _ in blocks[1:])
    head = blocks[1][1]
    s, h, num = t.headline.score, t.headline, analysis.formatting.num
    # each year's figure with its own interval, then the difference with the interval that decides it
    # ranges as the rest of the annex writes them (86.5%–98.9%), last year's rate with its interval as the page
    # shows it, and a difference's ends signed as the page prints them (−2.02 至 +10.82)
    pct = analysis.formatting.pct
    assert (f"与上年度（2023年，有效问卷 50 份）相比，本年度满意度得分为 97.6 分（95% 置信区间 {num(h.score_now_ci.low)}–"
            f"{num(h.score_now_ci.high)} 分），上年度为 {num(h.score_before)} 分（95% 置信区间 {num(h.score_before_ci.low)}–"
            f"{num(h.score_before_ci.high)} 分），较上年度变化 +4.40 分"
            f"（95% 置信区间 {num(s.low).replace('-', '−')} 至 +{num(s.high)} 分），"
            "差异不显著；满意率为 96.0%（48/50；95% 置信区间 86.3%–99.5%），上年度为 90.0%（45/50；95% 置信区间 "
            f"{pct(100 * h.rate_before_ci.low)}–{pct(100 * h.rate_before_ci.high)}），"
            "较上年度变化 +6.0 个百分点（95% 置信区间 ") in head
    r = h.rate
    assert f"（95% 置信区间 {analysis.formatting.fixed(100 * r.low).replace('-', '−')} 至 +{analysis.formatting.fixed(100 * r.high)} 个百分点）" in head
    assert "2023年伊宁市医疗保障局部门整体绩效满意度调查" in head  # the earlier survey named by its title
    for clause in re.split("[；。]", " ".join(text for _, text in blocks[1:])):
        assert not ("个百分点" in clause and re.search(r"\d 分", clause)), clause  # units never mixed
    assert "“医保结算流程”满意度得分为 " in blocks[2][1] and "“了解医保政策”知晓度得分为 " in blocks[2][1]
    assert trend_blocks(None) == []


def test_a_significant_difference_rises_or_falls(app, database, yining):
    rows = [{"q5": "A" if i < 45 else "B"} for i in range(50)]
    store_rows(database, yining[0], rows, "now")
    earlier = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="2023 年",
                                     department="伊宁市医疗保障局", year=2023)
    store_rows(database, earlier, [{"q5": "ABCDE"[i % 5]} for i in range(50)], "before")
    database.update_survey(yining[0], compare_with=earlier)
    t = trend_of(app, database, yining[0])
    assert t.headline.score_significant and t.headline.rate_significant
    text = trend_blocks(t)[1][1]
    c = t.headline.score
    assert (f"，较上年度提高 38.00 分（95% 置信区间 +{analysis.formatting.num(c.low)} 至 "
            f"+{analysis.formatting.num(c.high)} 分），差异显著；满意率为 100.0%（50/50；") in text
    assert "本年度满意度得分为 98 分（95% 置信区间 " in text and "上年度为 60 分（" in text
    database.update_survey(yining[0], compare_with=None)
    database.update_survey(earlier, compare_with=yining[0])  # the other way round: a fall
    fall = trend_blocks(trend_of(app, database, earlier))[1][1]
    assert "与2024年度（有效问卷 50 份）相比，本年度满意度得分为 60 分（" in fall and "较2024年度降低 38.00 分" in fall


# --- the demo ------------------------------------------------------------------------------------------

def test_demo_twice_adds_the_fictional_2023_survey_once_and_compares_with_it(runner, app, client, database,
                                                                            tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    surveys = {s["title"]: s for s in database.list_surveys()}
    assert set(surveys) == {demo.DEMO_TITLE, demo.EARLIER_TITLE} and "演示数据（虚构）" in demo.EARLIER_TITLE
    now, before = surveys[demo.DEMO_TITLE], surveys[demo.EARLIER_TITLE]
    assert (before["year"], before["department"], before["questionnaire_id"], before["points"], before["responses"]) == (
        2023, "伊宁市医疗保障局", "yining-2024-public", 1, 50)
    assert now["compare_with"] == before["id"] and now["responses"] == 50
    assert len(compare_lines(database, now["id"])) == 1  # linked once, not again on the re-run
    assert demo.EARLIER_TITLE in second.output
    password = re.search(r"user: demo  password: (\S+)", second.output).group(1)
    assert login(client, "demo", password).status_code == 302
    page = client.get(f"/admin/surveys/{now['id']}").get_data(as_text=True)
    section = trend_section(page)
    assert demo.EARLIER_TITLE in section and "93.2 分" in section and "97.6 分" in section
    assert client.get(f"/admin/surveys/{before['id']}").status_code == 200  # granted to the demo user


def test_demo_keeps_a_comparison_the_evaluator_changed(runner, app, database, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    now = database.find_survey(title=demo.DEMO_TITLE)
    database.update_survey(now["id"], compare_with=None)
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="另一次")
    database.update_survey(now["id"], compare_with=other)
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 1  # a survey that is not the demo's: refused
    assert runner.invoke(args=["demo", "--no-serve", "--force"]).exit_code == 0
    assert database.get_survey(now["id"])["compare_with"] == other


def test_a_download_leaves_out_a_comparison_with_a_survey_the_evaluator_may_not_see(admin_client, client,
                                                                                    database, yining):
    """The annex of a survey compared with one the evaluator was never granted says nothing of it."""
    submit_all(client, yining[1][0], yining_rows()[:20])
    earlier = earlier_yining(database, "未授权的较早调查")
    database.update_survey(yining[0], compare_with=earlier)  # set by another evaluator or a command
    response = admin_client.get(f"/admin/surveys/{yining[0]}/export/docx-annex")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    response.close()
    assert "未授权的较早调查" not in text and "与上年度比较" not in text and "较上年度" not in text
    response = admin_client.get(f"/admin/surveys/{yining[0]}/export/json")
    assert "未授权的较早调查" not in response.get_data(as_text=True)
    response.close()


def test_a_later_survey_cannot_be_chosen_as_the_earlier_one(admin_client, database, evaluator, yining):
    later = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                   title="2025年调查", department="伊宁市医疗保障局", year=2025, target=95.0, target_n=50)
    database.grant(evaluator, later)
    done = choose(admin_client, yining[0], str(later), follow_redirects=True)
    assert "只能与较早年度的调查比较" in done.get_data(as_text=True)
    assert database.get_survey(yining[0])["compare_with"] is None and compare_lines(database, yining[0]) == []


@pytest.mark.parametrize(("department", "year", "said"), [
    ("乌鲁木齐市财政局", 2023, "所选调查的被评价单位（乌鲁木齐市财政局）与本项目（伊宁市医疗保障局）不同"),
    ("伊宁市医疗保障局", 2024, "所选调查是 2024 年度的，与本项目同一年度"),
    (" 伊宁市医疗保障局 ", 2023, None)])  # spaces aside, the same department: offered and saved
def test_only_an_earlier_survey_of_the_same_department_is_offered_and_taken(admin_client, database, evaluator, yining,
                                                                             department, year, said):
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="另一调查",
                                   department=department, year=year, target=95.0, target_n=50)
    database.grant(evaluator, other)
    page = admin_client.get(f"/admin/surveys/{yining[0]}").get_data(as_text=True)
    assert (f'<option value="{other}"' in page) == (said is None)
    done = choose(admin_client, yining[0], str(other), follow_redirects=True).get_data(as_text=True)
    if said:
        assert said in done and database.get_survey(yining[0])["compare_with"] is None
    else:
        assert database.get_survey(yining[0])["compare_with"] == other


def test_the_trend_is_in_the_json_and_the_xlsx_with_the_pages_figures(app, admin_client, database, evaluator, compared):
    """The annex's 与上年度比较 figures can be traced to a data file: both years with their intervals and the
    differences with theirs, in the JSON and in an XLSX sheet."""
    import json

    import openpyxl

    from tests.reports_helpers import download
    survey_id, earlier = compared
    database.grant(evaluator, earlier)  # the trend is shown to those who may see both surveys
    t = trend_of(app, database, survey_id).headline
    got = json.loads(download(admin_client, survey_id, "json").get_data())["trend"]
    head = next(r for r in got["rows"] if r["item"] == "q5")
    assert got["earlier"]["id"] == earlier and got["valid_before"] == 50
    assert head["score_now"] == pytest.approx(t.score_now) and head["score_before"] == pytest.approx(t.score_before)
    assert head["score_now_ci"] == {"low": pytest.approx(t.score_now_ci.low), "high": pytest.approx(t.score_now_ci.high)}
    assert head["score_difference"]["low"] == pytest.approx(t.score.low)
    assert head["score_difference"]["significant"] == t.score_significant
    assert head["rate_before_ci"]["low"] == pytest.approx(t.rate_before_ci.low)
    ws = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))["与上年度比较"]
    sheet = list(ws.iter_rows(values_only=True))
    assert sheet[1][:3] == ("题目", "本次 n", "本次满意率")  # a fraction shown in percent, no （%） over 0.96
    row = next(r for r in sheet[2:] if r[0] == "第 7 题 伊宁市医疗保障局整体工作")  # as the paper form numbers it
    assert row[1] == t.n_now and row[2] == pytest.approx(t.rate_now) and row[3] == pytest.approx(t.rate_now_ci.low, abs=1e-6)
    cells = next(r for r in ws.iter_rows() if r[0].value == "第 7 题 伊宁市医疗保障局整体工作")
    assert [c.number_format for c in cells[2:5]] == ["0.0%"] * 3
    # a score shows the page's digits (97.6 分, not 97.60), its interval's ends alike, a difference as nums (+4.40)
    assert [shown(c) for c in cells[13:16]] == [num(t.score_now), *span(t.score_now_ci.low, t.score_now_ci.high, "").split("–")]
    assert [shown(c) for c in cells[19:22]] == nums(t.score.difference, t.score.low, t.score.high)
    # differences: rates in 个百分点 (said in the header and the cell, never “6.0%”), scores in 分
    assert sheet[1][9:12] == ("满意率之差（个百分点）", "下限（个百分点）", "上限（个百分点）")
    assert [c.number_format for c in cells[9:12]] == ['0.0" 个百分点"'] * 3
    assert row[9:12] == pytest.approx((100 * t.rate.difference, 100 * t.rate.low, 100 * t.rate.high), abs=1e-4)
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref.startswith("A2:")
    assert row[13] == pytest.approx(t.score_now, abs=1e-4) and row[19] == pytest.approx(t.score.difference, abs=1e-4)
    assert row[22] == ("差异显著" if t.score_significant else "差异不显著")


def test_the_trend_prints_this_years_figures_as_the_item_lines_do(app, admin_client, database, evaluator, compared):
    """Against a target of 96.7 %, Q2's rate interval ends at 96.6725 %: the item's own line prints 96.67% (never
    reaching the target by rounding); the 与上年度比较 table, the annex's sentence and the workbook's cells print the
    same end, not 96.7%."""
    import html
    import io
    import json

    import openpyxl

    from analysis.formatting import pct_below, span
    from tests.reports_helpers import download, shown
    from tests.test_one_verdict import _docx_text
    survey_id, earlier = compared
    database.grant(evaluator, earlier)
    database.update_survey(survey_id, target=96.7, c51_figure="top2")
    row = next(r for r in trend_of(app, database, survey_id).rows if r.question_id == "q2")
    interval = span(100 * row.rate_now_ci.low, 100 * row.rate_now_ci.high, "%", 96.7)
    assert interval == "78.19%–96.67%" and pct_below(100 * row.rate_now, 96.7) == "90.0%"
    page = html.unescape(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert f"95% 置信区间 {interval}" in page.split('id="trend"')[0]        # the item's own line
    table = trend_section(page)
    assert f"95% 置信区间 {interval}" in table and "96.7%" not in table.split('data-question="q2"')[1][:2000]
    annex = _docx_text(download(admin_client, survey_id, "docx-annex"))
    assert f"“医保结算流程”" in annex and f"（45/50；95% 置信区间 {interval}）" in annex
    sheet = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))["与上年度比较"]
    cells = next(r for r in sheet.iter_rows() if str(r[0].value).startswith("第 4 题"))
    assert [shown(c) for c in cells[2:5]] == ["90.0%", *interval.split("–")]
    assert json.loads(download(admin_client, survey_id, "json").get_data())["trend"]  # (the JSON keeps raw numbers)
