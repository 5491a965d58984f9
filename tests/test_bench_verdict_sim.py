"""Smoke test of bench/verdict_sim.py --quick: every cell is computed, checkpointed and resumed; RESULTS.md untouched."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("verdict_sim", ROOT / "bench" / "verdict_sim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_writes_every_cell_to_the_checkpoint_and_resumes(tmp_path, capsys):
    sim = _load()
    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    assert sim.main(["--quick", "--cache", str(tmp_path)]) == 0
    checkpoint = tmp_path / "verdict_sim_quick.json"
    done = json.loads(checkpoint.read_text())
    quick = sim.QUICK
    expected = {f"score|{s}|{m}|{n}" for s in sim.TAILS for m in quick["scores"] for n in quick["n"]}
    expected |= {f"power|{s}|{m}|{n}" for s in sim.TAILS for m in quick["power"]["scores"] for n in quick["power"]["n"]}
    expected |= {f"rate|{r}|{n}" for r in (0.85, 0.90, 0.95, 0.97, 0.99) for n in quick["n"]}
    assert set(done) == expected
    for key in expected:
        methods = sim.SCORE_METHODS if key.startswith("score|") else ("t", "beta-rescaled", "gaffke")
        if key.startswith("rate|"):
            methods = sim.intervals.METHODS
        for method in methods:
            cell = done[key][method]
            assert all(0 <= v <= 1 for v in cell.values()), (key, method, cell)
    text = capsys.readouterr().out
    assert "| gaffke |" in text and "| clopper-pearson |" in text and "### Power" in text
    # the boundary cells where t is known to fail near the ceiling: gaffke stays within 5 % + slack
    assert done["score|ceiling|95|50"]["gaffke"]["met"] <= 0.08
    # resumable: a second run computes nothing new and leaves the checkpoint as it was
    before = checkpoint.read_text()
    assert sim.main(["--quick", "--cache", str(tmp_path)]) == 0
    assert checkpoint.read_text() == before and ": " not in capsys.readouterr().out.split("## Verdict")[0]
    assert (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8") == results
