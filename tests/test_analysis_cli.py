"""The command line (``python -m analysis FILE`` = ``manyi analyse FILE``), its input formats, the
architecture of the package and the examples in its docstrings."""

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "analysis" / "examples" / "yining_2024.json"
GOLDEN = ROOT.parent / "shared" / "golden"


def run_json(capsys, *argv):
    assert main([*map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_example_file_holds_the_golden_counts():
    """analysis/examples/yining_2024.json must hold yining_expected.json's counts, item by item."""
    golden = json.loads((GOLDEN / "yining_expected.json").read_text(encoding="utf-8"))["items"]
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))["items"]
    assert [list(item["counts"].values()) for item in example] == [item["counts"] for item in golden.values()]


def test_json_report_for_yining(capsys):
    report = run_json(capsys, EXAMPLE)
    q5 = next(item for item in report["items"] if item["id"] == "Q5")
    assert q5["n"] == 50
    assert [row["percent"] for row in q5["table"]["rows"]] == [92.0, 4.0, 4.0, 0.0, 0.0]
    assert q5["rate"]["rate"] == 0.96 and q5["rate"]["satisfied_count"] == 48
    assert q5["score"]["score"] == pytest.approx(97.6, abs=1e-9)
    assert q5["score"]["method"] == "gaffke" and q5["score"]["ci"]["high"] < 100.0
    # the one verdict, on the figure that feeds C51 (the score): Gaffke's one-sided bound 92.49 < 95
    assert q5["verdict"]["figure"] == "score" and q5["verdict"]["verdict"] == "unresolved"
    assert q5["verdict"]["low"] == pytest.approx(92.4926, abs=1e-4) and q5["verdict"]["deciding"] == "lower"
    assert q5["points"]["at_estimate"]["points"] == 5.0 and q5["points_basis"] == "score"
    assert q5["points"]["at_estimate"]["sentence"].endswith(
        "结果显示受访者满意度得分为 97.6 分（百分制，评分标准中的“95%”按 95 分理解）。按评分标准以样本结果计分：97.6 分不低于"
        "目标值 95 分，不扣分。统计说明：单侧 95% 置信下限 92.49 分低于目标值 95 分，在抽样误差范围内尚不能排除总体满意度低于目标"
        "（不影响按评分标准计分）。综上，该指标满分 5 分，得分 5 分。")
    assert "达到预期设定目标" not in q5["points"]["at_estimate"]["sentence"]
    assert report["settings"]["rule"] == "xinjiang-c51"


def test_text_report_shows_every_part(capsys):
    assert main([str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    for part in ("Q5 整体工作满意度  (n = 50)", "92.0%", "total", "rate (满意率, A+B): 96.0%", "score (满意度得分): 97.6",
                 "target ≥ 95 分 (the rule's 95% read as 分) (the score): 按当前样本量尚不能判定是否达到目标 — "
                 "单侧 95% 置信下限 92.49 分", "5 of 5", "得分 5 分。"):
        assert part in out


def test_options_reach_the_analysis(capsys):
    report = run_json(capsys, EXAMPLE, "--rule", "jiangxi-window", "--reading", "floor", "--target", "90",
                      "--method", "clopper-pearson", "--points-from", "rate", "--confidence-level", "0.9")
    q2 = next(item for item in report["items"] if item["id"] == "Q2")
    assert q2["rate"]["method"] == "clopper-pearson" and q2["rate"]["confidence_level"] == 0.9
    assert q2["points_basis"] == "rate" and q2["points"]["at_estimate"]["value"] == 90.0
    assert q2["points"]["at_estimate"]["unit"] == "%" and "value_pct" not in q2["points"]["at_estimate"]
    assert q2["points"]["at_estimate"]["reading"] == "floor" and q2["points"]["at_estimate"]["maximum"] == 8.0
    assert q2["verdict"]["target"] == 0.9 and q2["verdict"]["figure"] == "rate"


def test_bootstrap_option_is_seeded(capsys):
    first = run_json(capsys, EXAMPLE, "--score-method", "bca", "--seed", "3")
    again = run_json(capsys, EXAMPLE, "--score-method", "bca", "--seed", "3")
    assert first == again and first["items"][0]["score"]["method"] == "bca"


def test_csv_input_with_defaults_and_explicit_columns(tmp_path, capsys):
    plain = tmp_path / "plain.csv"
    plain.write_text("item,option,count\nQ5,A,46\nQ5,B,2\nQ5,C,2\nQ5,D,0\nQ5,E,0\n", encoding="utf-8")
    report = run_json(capsys, plain)
    assert report["items"][0]["rate"]["rate"] == 0.96
    assert report["items"][0]["score"]["score"] == pytest.approx(97.6)
    custom = tmp_path / "custom.csv"
    custom.write_text("item,option,count,points,satisfied,label\n"
                      "W1,yes,40,100,1,窗口服务\nW1,so-so,8,50,1,\nW1,no,2,0,0,\n", encoding="utf-8")
    item = run_json(capsys, custom)["items"][0]
    assert item["label"] == "窗口服务" and item["rate"]["rate"] == 0.96
    assert item["score"]["score"] == pytest.approx((40 * 100 + 8 * 50) / 50)


def test_csv_without_points_for_custom_codes_skips_the_score(tmp_path, capsys):
    path = tmp_path / "yn.csv"
    path.write_text("item,option,count,satisfied\nQ,Y,9,1\nQ,N,1,0\n", encoding="utf-8")
    item = run_json(capsys, path)["items"][0]
    assert item["score"] is None and item["points_basis"] == "rate" and item["rate"]["rate"] == 0.9


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.json", "{not json", "not valid JSON"),
    ("empty.json", '{"items": []}', "at least one item"),
    ("neg.json", '{"items": [{"id": "Q", "counts": {"A": -1, "B": 3}}]}', "item 'Q': counts['A'] must not be negative"),
    ("zero.json", '{"items": [{"id": "Q", "counts": {"A": 0}}]}', "item 'Q': counts has no answers (n = 0)"),
    ("codes.json", '{"items": [{"id": "Q", "counts": {"Y": 1}}]}', "say which count as satisfied"),
    ("typo.json", '{"items": [{"id": "Q", "counts": {"A": 1}, "satisfied": ["a"]}]}', "unknown option"),
    ("cols.csv", "question,option,count\nQ,A,1\n", "missing: item"),
    ("dup.csv", "item,option,count\nQ,A,1\nQ,A,2\n", "appears twice"),
    ("frac.csv", "item,option,count\nQ,A,1.5\n", "line 2: count must be a whole number"),
])
def test_bad_files_exit_2_with_a_message(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_bad_rule(capsys, tmp_path):
    assert main([str(tmp_path / "nowhere.json")]) == 2
    assert "No such file" in capsys.readouterr().err
    assert main([str(EXAMPLE), "--rule", "nope"]) == 2
    assert "unknown rule 'nope'" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run([sys.executable, "-m", "analysis", str(EXAMPLE), "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", check=True)
    report = json.loads(done.stdout)
    assert [item["id"] for item in report["items"]] == ["Q2", "Q3", "Q5"]  # Q1 and Q4 are awareness items
    assert report["left_out"] == ["Q1 了解医保政策 (awareness)", "Q4 困难群众医疗救助政策知晓度 (awareness)"]
    q5 = report["items"][2]["points"]["at_estimate"]
    assert q5["points"] == 5.0 and (q5["value"], q5["unit"]) == (97.6, "分")


def test_analysis_imports_no_web_or_database_code():
    """Architecture: `import analysis` (fresh interpreter) loads neither flask nor sqlite3 nor sqlite_utils."""
    probe = ("import sys, analysis, analysis.cli; "
             "print(sorted(m for m in ('flask', 'sqlite3', 'sqlite_utils', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_analysis_source_names_no_forbidden_module():
    for path in (ROOT / "analysis").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("flask", "sqlite3", "sqlite_utils", "survey_app"):
            assert f"import {name}" not in text and f"from {name}" not in text, (path.name, name)


@pytest.mark.parametrize("module", ["intervals", "rates", "scores", "targets", "planning", "rules", "tables", "formatting",
                                    "verdicts", "score_bounds", "power", "score_power", "hypergeometric", "fpc"])
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(f"analysis.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_modules_stay_small():
    """House style: one concern per module, ~300 lines at most."""
    for path in (ROOT / "analysis").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def test_options_nobody_chose_may_be_left_out(tmp_path, capsys):
    path = tmp_path / "short.json"
    path.write_text('{"items": [{"id": "Q", "counts": {"A": 3, "C": 1}}]}', encoding="utf-8")
    item = run_json(capsys, path)["items"][0]
    assert item["rate"]["rate"] == 0.75 and item["score"]["score"] == 90.0


def test_help_and_usage_errors_return_instead_of_exiting(capsys):
    assert main(["--help"]) == 0
    assert "--rule" in capsys.readouterr().out
    assert main([str(EXAMPLE), "--reading", "round"]) == 2
    assert "invalid choice: 'round'" in capsys.readouterr().err


def test_a_survey_download_without_scale_items_is_refused_clearly(tmp_path, capsys):
    path = tmp_path / "survey.json"
    path.write_text(json.dumps({"survey": {"title": "t", "rule": None, "target": None, "population": None},
                                "questions": [{"id": "g", "type": "single", "options": [], "rate": None}]}),
                    encoding="utf-8")
    assert main([str(path)]) == 2
    assert "holds no answered scale item" in capsys.readouterr().err


def test_a_survey_download_sets_the_rule_target_and_figure(tmp_path, capsys):
    """The JSON download's rule, target and C51 figure become the defaults; options still override them."""
    survey = {"survey": {"title": "窗口", "rule": "jiangxi-window", "target": 90, "population": None},
              "headline": {"figure": "rate", "item": "w", "target_pct": 90, "population": None},
              "questions": [{"id": "x", "type": "single", "text": "其他", "rate": {"satisfied": ["A"]},
                             "options": [{"code": "A", "count": 5, "points": 100}, {"code": "B", "count": 5, "points": 0}]},
                            {"id": "w", "type": "single", "text": "窗口", "rate": {"satisfied": ["A", "B"]},
                             "options": [{"code": "A", "count": 40, "points": 100}, {"code": "B", "count": 8, "points": 80},
                                         {"code": "C", "count": 2, "points": 60},
                                         {"code": "N", "count": 9, "points": None, "not_applicable": True}]}]}
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(survey, ensure_ascii=False), encoding="utf-8")
    report = run_json(capsys, path)
    first = report["items"][0]
    assert first["id"] == "w" and first["n"] == 50   # the C51 item first; the N/A answers are not counted
    assert report["settings"]["rule"] == "jiangxi-window" and report["settings"]["target_pct"] == 90
    assert first["verdict"]["figure"] == "rate" and first["verdict"]["target"] == 0.9
    assert run_json(capsys, path, "--points-from", "score")["items"][0]["verdict"]["figure"] == "score"
    survey["headline"] = {"figure": "rate", "item": "w", "unit": "%", "target": 85, "population": None}  # today's keys
    path.write_text(json.dumps(survey, ensure_ascii=False), encoding="utf-8")
    assert run_json(capsys, path)["settings"]["target_pct"] == 85


def test_a_survey_downloads_awareness_items_get_no_verdict_and_no_points(tmp_path, capsys):
    """知晓度 items are in the download with their role: left out, named, never scored as satisfaction."""
    survey = {"survey": {"title": "t", "rule": None, "target": 95, "population": None},
              "headline": {"figure": "score", "item": "q5", "unit": "分", "target": 95, "population": None},
              "questions": [{"id": q, "type": "single", "text": q, "title": f"第 {q[1:]} 题 {q}", "role": role,
                             "rate": {"satisfied": ["A", "B"]},
                             "options": [{"code": c, "count": n, "points": p} for c, n, p in
                                         (("A", 40, 100), ("B", 8, 80), ("C", 2, 60))]}
                            for q, role in (("q1", "awareness"), ("q5", "satisfaction"))]}
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(survey, ensure_ascii=False), encoding="utf-8")
    report = run_json(capsys, path)
    assert [item["id"] for item in report["items"]] == ["q5"] and report["left_out"] == ["第 1 题 q1 (awareness)"]
    survey["questions"] = survey["questions"][:1]
    path.write_text(json.dumps(survey, ensure_ascii=False), encoding="utf-8")
    assert main([str(path)]) == 2 and "no satisfaction item to analyse" in capsys.readouterr().err


def test_a_score_interval_of_another_method_says_the_verdict_reads_gaffke(capsys):
    """With --score-method t the interval printed is t's; the verdict beside it reads Gaffke's bound, and the
    output says so (an outside review saw "100 – 100 分 (t)" beside a lower bound of 95.34)."""
    assert main([str(EXAMPLE), "--score-method", "t"]) == 0
    out = capsys.readouterr().out
    assert "(t; shown only: the verdict reads Gaffke's bound)" in out
    assert main([str(EXAMPLE)]) == 0
    assert "shown only" not in capsys.readouterr().out


@pytest.mark.parametrize("target", ["0.95", "1"])
def test_a_fraction_typed_for_a_target_is_refused(capsys, target):
    """0.95 read as 0.95 % would be met by one satisfied answer: refused, saying what to type (as the settings form)."""
    assert main([str(EXAMPLE), "--target", target]) == 2
    err = capsys.readouterr().err
    assert "for 95 % give 95" in err and "Traceback" not in err
