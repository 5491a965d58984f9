"""`manyi analyse FILE` is the analysis library's command line, reached through the app's CLI."""
import json
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "analysis" / "examples" / "yining_2024.json"


def test_manyi_analyse_prints_the_yining_overall_item_as_json(runner):
    result = runner.invoke(args=["analyse", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    text = json.dumps(report, ensure_ascii=False)
    assert "97.6" in text  # Q5's score from the annex counts 46/2/2/0/0


def test_manyi_analyse_with_a_missing_file_fails_clearly(runner, tmp_path):
    result = runner.invoke(args=["analyse", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "nope.json" in result.output
