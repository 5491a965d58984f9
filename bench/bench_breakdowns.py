"""Breakdowns at scale (issue #14): the headline item (Yining q5) by collection point and by one demographic
question (age), and Cronbach's α on demand, at 1,000,000 stored responses on SQLite and on PostgreSQL, vs
pandas ``read_sql`` + ``groupby`` on the same rows. Each side in a fresh process (3 runs after a warm-up on a
1,000-response database). Goals: by point ≤ 0.2 s, by one demographic question ≤ 0.5 s, each ≥ 10 × faster
than pandas; α on demand ≤ 3 s.

Run:  .venv/bin/python bench/bench_breakdowns.py [--responses 1000000] [--backends sqlite,postgresql]
                                                 [--save FILE.json] [--merge A.json,B.json] [--no-write]

The responses are loaded as bench/bench_results.py loads them (its ``build``: bench/bulk_load.py, Yining
questionnaire, 3 points, 30 days, the same seed on both databases). ``--save`` keeps a run's measurements;
``--merge`` writes the section from saved runs (e.g. SQLite and PostgreSQL measured in two invocations:
about 5 and 6 minutes at 1M on 2 cores). Also measured: a single-query scan (the alternative to folds), and
α as the app computes it (from folded item-pair counts), cold and warm. Exit 1 when a goal is missed.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_parser, finish, machine  # noqa: E402

import bulk_load as loader  # noqa: E402
from bench_results import build  # noqa: E402  (the same 1M Yining rows as the results bench)
from survey_app import REPO_QUESTIONNAIRES, questionnaires  # noqa: E402
from survey_app.store import open_store  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
GROUP, ITEM = "age", "q5"
ALPHA_ITEMS = ("q1", "q2", "q3", "q4", "q5")
NEW = 1000  # responses submitted (store.save_response) before each incremental-fold run
GOALS = {"point": 0.2, "group": 0.5, "alpha": 3.0}

CHILD = r"""
import json, random, sys, time
sys.path.insert(0, {root!r})
import psutil
side, url, small, new = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
GROUP, ITEM, ALPHA_ITEMS = {group!r}, {item!r}, {alpha_items!r}
import analysis
import numpy as np
from survey_app import questionnaires, results, breakdowns, reliability, weighting, REPO_QUESTIONNAIRES
from survey_app.questionnaires.model import Composite
from survey_app.store import open_store
from survey_app.store.groups import _COUNT
if side == "pandas":
    import pandas as pd
q = questionnaires.Catalogue(REPO_QUESTIONNAIRES).get("yining-2024-public", 1)
item, group = q.question(ITEM), q.question(GROUP)
satisfied = set(item.satisfied or item.scored_codes[:2])
scored, labels = set(item.scored_codes), {{o.code: str(o.label) for o in group.options}}
alpha_composite = Composite("bench", q.composites[0].label, ALPHA_ITEMS)


def rss():
    return psutil.Process().memory_info().rss


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:  # the peak (VmHWM) back to now
        f.write("5")
    return rss()


def peak():
    return next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM"))


def timed(fn, runs=3, before=None):
    '''fn() ``runs`` times (``before()`` untimed ahead of each); seconds per run, the last value, peak RSS added.'''
    times, base, top = [], None, 0
    for _ in range(runs):
        if before:
            before()
        base = reset_peak()
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
        top = max(top, peak() - base)
    return {{"times": times, "mb": top / 2**20}}, value


def point_table(store):
    by_point = {{}}
    for t in store.tallies(1):
        if t["question_id"] == ITEM and t["value"] in scored:
            c = by_point.setdefault(str(t["point_id"]), {{}})
            c[t["value"]] = c.get(t["value"], 0) + t["n"]
    return analysis.breakdown(by_point, satisfied=satisfied, points=item.points)


def group_table(store):
    one = {{}}
    for row in store.group_counts(1, GROUP, ITEM):
        if row["value"] in scored:
            g = labels.get(row["group_value"], "未作答") if row["group_value"] else "未作答"
            c = one.setdefault(g, {{}})
            c[row["value"]] = c.get(row["value"], 0) + row["n"]
    return analysis.breakdown(one, satisfied=satisfied, points=item.points)


def group_check(store):
    return sorted([r["point_id"], r["group_value"], r["value"], r["n"]] for r in store.group_counts(1, GROUP, ITEM))


def point_check(store):
    return sorted([t["point_id"], t["value"], t["n"]] for t in store.tallies(1) if t["question_id"] == ITEM)


def reset_folds(store):
    store._write(lambda conn: (conn.execute("delete from group_tallies where survey_id = 1"),
                               conn.execute("delete from group_folds where survey_id = 1")))


def scan(store):
    params = {{"survey": 1, "group": GROUP, "item": ITEM, "after": 0, "upto": 2**62}}
    return store._read().execute(_COUNT, params).fetchall()


def alpha_app(store):
    '''α as the app computes it: reliability.reliability_for (item variances from the tallies, covariances
    from the folded pair counts, since every respondent answered every item here).'''
    r = reliability.reliability_for(store, store.get_survey(1), q, alpha_composite)
    return {{"alpha": r.alpha, "n": r.n}}


def alpha_direct(store):
    '''answer_rows, the ladder points looked up once per item, a numpy matrix, analysis.cronbach_alpha.'''
    t = time.perf_counter()
    rows = store.answer_rows(1, list(ALPHA_ITEMS))
    read = time.perf_counter() - t
    ladders = [(qid, q.question(qid).points) for qid in ALPHA_ITEMS]
    matrix = []
    for row in rows:
        try:
            matrix.append([ladder[row[qid]] for qid, ladder in ladders])
        except KeyError:
            continue  # an item left blank or not applicable: listwise, as reliability.reliability
    r = analysis.cronbach_alpha(np.array(matrix, dtype=float))
    return {{"read_s": read, "alpha": r.alpha, "n": r.n}}


def submit_new(store, rng, points, tag):
    t = time.perf_counter()
    for k in range(new):
        answers = [("age", rng.choice("ABCD")), ("gender", rng.choice("AB"))]
        answers += [(f"q{{i}}", rng.choices("ABCDE", (60, 28, 8, 3, 1))[0]) for i in range(1, 6)]
        store.save_response(survey_id=1, point_id=rng.choice(points), questionnaire_version=1,
                            submission_key=f"bench-{{tag}}-{{k}}", answers=answers, seconds_on_page=30,
                            language="zh-CN", device_hash=None)
    return time.perf_counter() - t


def wide_sql(cols):
    # The database joins; pandas only counts (the variant kindest to pandas).
    g = " left join answers g on g.response_id = r.id and g.question_id = '%s'" % GROUP if "age" in cols else ""
    return ("select r.point_id, " + ("coalesce(g.value, '') as age, " if g else "") + "h.value as q5 from responses r"
            " join answers h on h.response_id = r.id and h.question_id = '%s'" % ITEM + g +
            " where r.survey_id = 1 and r.status = 'valid'")


out = {{}}
for where in (small, url):  # the small database first runs every code path (imports are not timed)
    store = open_store(where)
    store.execute("select 1")  # connected (a worker keeps its connection): connecting is not timed
    if side == "manyi":
        points = [r[0] for r in store.execute("select id from points where survey_id = 1 order by id").fetchall()]
        rng = random.Random(7)
        out["cold"], _ = timed(lambda: group_table(store), before=lambda: reset_folds(store))
        out["check_group"], out["check_point"] = group_check(store), point_check(store)
        out["scan"], rows = timed(lambda: scan(store))
        out["scan_rows"] = len(rows)
        out["point"], _ = timed(lambda: point_table(store))
        out["group"], res = timed(lambda: group_table(store))
        out["group_rows"] = [[r.label, r.n, round(r.rate, 4) if r.rate is not None else None] for r in res.rows]
        submits = []
        def more():
            submits.append(submit_new(store, rng, points, f"{{where[-12:]}}-{{len(submits)}}"))
        out["incremental"], _ = timed(lambda: group_table(store), before=more)
        out["submit_s"] = submits
        # tallies and the incrementally folded counts still agree with a full recount
        full = {{(p, g, v): n for p, g, v, n in scan(store)}}
        out["incremental_ok"] = {{(r[0], r[1], r[2]): r[3] for r in group_check(store)}} == full
        result = results.compute(store, 1, q)
        breakdowns.compute(store, 1, q, result)  # folds gender × q5 (cold) untimed: the timed runs are warm
        out["all_tables"], b = timed(lambda: breakdowns.compute(store, 1, q, result))
        out["tables"] = [t.key for t in b.tables]
        out["alpha"], out["alpha_value"] = timed(lambda: alpha_direct(store))
        out["alpha_app_cold"], _ = timed(lambda: alpha_app(store), runs=1, before=lambda: reset_folds(store))
        out["alpha_app"], out["alpha_app_value"] = timed(lambda: alpha_app(store))
        out["valid"] = store.execute("select count(*) from responses where survey_id = 1 and status = 'valid'").fetchone()[0]
    else:
        raw = store.backend.connection().raw
        def by_point():
            df = pd.read_sql(wide_sql(("q5",)), raw)
            return df.groupby(["point_id", "q5"]).size()
        def by_group():
            df = pd.read_sql(wide_sql(("age", "q5")), raw)
            return df.groupby(["point_id", "age", "q5"]).size()
        out["point"], s = timed(by_point)
        out["check_point"] = sorted([int(p), v, int(n)] for (p, v), n in s.items())
        out["group"], s = timed(by_group)
        out["check_group"] = sorted([int(p), g, v, int(n)] for (p, g, v), n in s.items())
    store.close()
print(json.dumps(out))
"""


def child(side: str, url: str, small: str) -> dict:
    code = CHILD.format(root=str(ROOT), group=GROUP, item=ITEM, alpha_items=ALPHA_ITEMS)
    out = subprocess.run([sys.executable, "-c", code, side, url, small, str(NEW)],
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(url: str, small: str) -> dict:
    # pandas first, on the rows exactly as loaded; Manyi's cold fold sees the same rows (its check is taken
    # before it submits the incremental responses).
    pandas = child("pandas", url, small)
    manyi = child("manyi", url, small)
    assert manyi["check_point"] == pandas["check_point"], "tallies by point must equal pandas' counts"
    assert manyi["check_group"] == pandas["check_group"], "group counts must equal pandas' counts"
    assert manyi["incremental_ok"], "incrementally folded counts must equal a full recount"
    assert abs(manyi["alpha_app_value"]["alpha"] - manyi["alpha_value"]["alpha"]) < 1e-9, "the app's α = the matrix α"
    return {"manyi": manyi, "pandas": pandas}


def run_sqlite(tmp: Path, n: int) -> dict:
    url, small = str(tmp / "million.sqlite3"), str(tmp / "small.sqlite3")
    before = os.getloadavg()[0]
    build_s = build(url, n)
    build(small, 1000, seed=1)
    return {"build_s": build_s, "server": "SQLite", **measure(url, small), "loadavg": [before, os.getloadavg()[0]]}


def run_postgres(n: int) -> dict:
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    before = os.getloadavg()[0]
    try:
        for name in ("million", "small"):
            cluster.create_database(name)
        url, small = cluster.url("million"), cluster.url("small")
        build_s = build(url, n)
        build(small, 1000, seed=1)
        store = open_store(url)
        version = store.execute("show server_version").fetchone()[0].split()[0]
        store.close()
        return {"build_s": build_s, "server": f"PostgreSQL {version}", **measure(url, small),
                "loadavg": [before, os.getloadavg()[0]]}
    finally:
        cluster.stop()


def run(n: int, backends: list[str]) -> dict:
    data = {"n": n}
    if "sqlite" in backends:
        tmp = Path(tempfile.mkdtemp(prefix="manyi-bench-breakdowns-"))
        try:
            data["sqlite"] = run_sqlite(tmp, n)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if "postgresql" in backends:
        data["postgresql"] = run_postgres(n)
    return data


def submit_rows() -> tuple[int, int, int]:
    """Rows a submit writes today (1 response + answers + tallies + 1 hourly count + the chain head, for a
    full Yining response), and the group-count rows per-group tallies in the submit would add: one per
    demographic question for the headline item, one per (single-choice question, other item) pair for any
    breakdown the page may ask for (``by``)."""
    q = questionnaires.Catalogue(REPO_QUESTIONNAIRES).get("yining-2024-public", 1)
    singles = [x for x in q.questions if x.type == "single"]
    headline = next(iter(q.headline.weights))
    demographic = [x for x in singles if x.role == "demographic" and x.id != headline]
    return 1 + 2 * len(singles) + 2, len(demographic), len(singles) * (len(singles) - 1)


def _ms(t: float) -> str:
    return f"{t * 1000:,.1f} ms" if t < 1 else f"{t:,.2f} s"


def section(d: dict) -> tuple[str, bool]:
    n = d["n"]
    rows, verdicts, notes, loads, alpha_lines = [], [], [], [], []
    for key in BACKENDS:
        x = d.get(key)
        if not x:
            continue
        m, p, name = x["manyi"], x["pandas"], x["server"]
        loads.append(f"{name} {x['build_s']:.0f} s")

        def row(what, t, result, best=True):
            rows.append(f"| {name} | {what} | {_ms(t['times'][0])} | {_ms(min(t['times'])) if best else '(once)'} "
                        f"| {t['mb']:,.0f} MB | {result} |")

        ratio_point = min(p["point"]["times"]) / m["point"]["times"][0]
        ratio_group = min(p["group"]["times"]) / m["group"]["times"][0]
        ratio_cold = min(p["group"]["times"]) / m["cold"]["times"][0]
        groups = ", ".join(f"{label} n={k:,} ({rate:.1%})" for label, k, rate in m["group_rows"])
        row("**by point**: `tallies` + `analysis.breakdown`", m["point"],
            f"3 points, counts equal to pandas' (checked); **{ratio_point:,.0f}×** faster than pandas' best")
        row(f"by age, **cold**: the first `group_counts` folds all {n:,} responses, + `analysis.breakdown`",
            m["cold"], f"once per (group, item) pair; the {len(m['check_group'])} point × age × q5 counts equal "
            f"pandas' (checked); {ratio_cold:,.1f}× pandas' best")
        row("**by age, warm** (folded): `group_counts` + `analysis.breakdown`", m["group"],
            f"{groups}; **{ratio_group:,.0f}×** faster than pandas' best")
        row(f"by age after {NEW:,} new submits (the read folds those {NEW:,})", m["incremental"],
            f"equal to a full recount (checked); each {NEW:,} `save_response` calls took "
            f"{min(m['submit_s']):.1f}–{max(m['submit_s']):.1f} s (untimed)")
        row("scan instead of folds: one `group by` over every response (point × age × q5)", m["scan"],
            f"{m['scan_rows']} rows: what every breakdown read would cost without `group_tallies`")
        row("`breakdowns.compute`, all tables, warm", m["all_tables"], ", ".join(f"`{t}`" for t in m["tables"]))
        a, a_app, a_cold = m["alpha"], m["alpha_app"], m["alpha_app_cold"]
        items = ", ".join(ALPHA_ITEMS)
        row(f"**α as the app computes it** (`reliability.reliability_for`, {items}), folded: tallies + "
            "10 × `group_counts` → variances, covariances", a_app,
            f"α = {m['alpha_app_value']['alpha']:.4f}, n = {m['alpha_app_value']['n']:,}; equal to the matrix α "
            "(checked, difference < 1e-9)")
        row("α as the app computes it, cold: the first request folds the 10 item pairs", a_cold,
            "once per pair, then only new responses", best=False)
        row(f"α from the rows: `answer_rows` ({items}) → ladder matrix (numpy) → `analysis.cronbach_alpha`", a,
            f"the same α; `answer_rows` {_ms(m['alpha_value']['read_s'])} of it (last run; the app's path when "
            "an item has blanks or 不适用)")
        row("pandas `read_sql` (point, q5 per respondent) + `groupby().size()`", p["point"], "counts only")
        row("pandas `read_sql` (point, age, q5 per respondent) + `groupby().size()`", p["group"], "counts only")
        ok_point = m["point"]["times"][0] <= GOALS["point"] and ratio_point >= 10
        ok_group = m["group"]["times"][0] <= GOALS["group"] and ratio_group >= 10
        ok_alpha = a_app["times"][0] <= GOALS["alpha"]
        verdicts += [ok_point, ok_group, ok_alpha]
        notes.append(
            f"- {name}: **by point** {_ms(m['point']['times'][0])} first run (goal ≤ 0.2 s), {ratio_point:,.0f}× "
            f"faster than pandas' best (goal ≥ 10×): **{'met' if ok_point else 'MISSED'}**. **By age** (folded) "
            f"{_ms(m['group']['times'][0])} first run (goal ≤ 0.5 s), {ratio_group:,.0f}× pandas' best: "
            f"**{'met' if ok_group else 'MISSED'}**, and {_ms(m['incremental']['times'][0])} right after "
            f"{NEW:,} new submits. Not within the goal: the cold fold, once per (group, item) pair, "
            f"{_ms(m['cold']['times'][0])} first run ({ratio_cold:,.1f}× pandas' best; it is a scan in "
            f"{math.ceil(n / 20_000)} committed chunks, {m['cold']['times'][0] / min(m['scan']['times']):.1f}× the "
            f"one-query scan). **α on demand** as the app computes it, folded, {_ms(a_app['times'][0])} first run "
            f"(goal ≤ 3 s): **{'met' if ok_alpha else 'MISSED'}**; not within the goal: the one-time fold of the "
            f"10 pairs, {_ms(a_cold['times'][0])}, and α from the rows (blanks or 不适用 in an item) "
            f"{_ms(a['times'][0])}.")
        alpha_lines.append(f"{name}: folded {_ms(a_app['times'][0])}, first fold {_ms(a_cold['times'][0])}, "
                           f"from the rows {_ms(a['times'][0])}")
    today, headline_extra, any_extra = submit_rows()
    merged = (" (run as `--backends sqlite --save a.json`, `--backends postgresql --save b.json`, then "
              "`--merge a.json,b.json`, each invocation under 10 minutes)") if d.get("merged") else ""
    loadavg = [v for k in BACKENDS if d.get(k) for v in d[k].get("loadavg", [])]
    busy = f"{min(loadavg):.1f}–{max(loadavg):.1f} at the start and end of each database's run" if loadavg else "not recorded"
    scans = " and ".join(f"{_ms(min(d[k]['manyi']['scan']['times']))} on {d[k]['server']}"
                         for k in BACKENDS if d.get(k))
    alpha_missed = any(d[k]["manyi"]["alpha_app"]["times"][0] > GOALS["alpha"] for k in BACKENDS if d.get(k))
    alpha_note = (
        f"α on demand ({'; '.join(alpha_lines)}) {'**misses**' if alpha_missed else 'meets'} the 3 s goal once its "
        "pairs are folded. How: α needs only each item's variance (from `tallies`) and each pair's covariance, "
        "i.e. the counts of (code of item i, code of item j), which `store.group_counts(sid, i, j)` folds as it "
        "folds the breakdowns' (group, item) counts (`analysis.cronbach_alpha_from_covariance`; "
        "survey_app/reliability.py). It is exact (the listwise α) when every valid respondent answered every item "
        "on its ladder, which the tallies show; with a blank or 不适用 answer the app reads the rows instead. "
        "Not within the goal: the first request at a million folds the k(k−1)/2 pairs (the cold row; 3 pairs for "
        "the Yining composite q2, q3, q5), after which only new responses are folded; the dashboard computes α only "
        "when asked (计算量表信度), the downloads always.")
    text = "\n".join([
        f"## Breakdowns at scale: {n:,} responses (issue #14)",
        "",
        f"`bench/bench_breakdowns.py --responses {n}`{merged}: {n:,} valid Yining responses × 7 answers over 3 points and 30 days, the rows of the "
        f"results bench (`bench_results.build`, same seed; load {', '.join(loads)}) written by "
        "`bench/bulk_load.py` (keyed links and head MACs as `save_response` writes them). The headline item q5 (满意度得分, "
        "100/80/60/40/20) broken down by point (from `tallies`) and by the demographic question age (from "
        "`store.group_counts`, folded on demand: store/groups.py), each through `analysis.breakdown` "
        "(Wilson/Gaffke intervals, Newcombe/Welch differences, Holm) — the point table as "
        "`breakdowns.compute` builds it, timed on its own; the whole `breakdowns.compute` (both demographic "
        "questions and point × each) is a row of its own. Each side runs in a fresh process, 3 runs after a "
        "warm-up on a 1,000-response database, on a connection opened before the clock starts: first run "
        "and best of 3; memory is the peak RSS added in the client (the database server's is not in it). "
        "Cold: the folds are deleted before each run, so each run folds every response (20,000 per "
        f"transaction). Incremental: {NEW:,} responses submitted through `store.save_response` before each "
        "run (untimed). pandas runs first, on the rows as loaded, and Manyi's counts must equal its counts; it "
        "gets the variant kindest to it: the database joins (one row per respondent: point, age, q5) and "
        "pandas only counts (`groupby().size()`), no intervals. α: q1–q5 (5 items on 100/80/60/40/20 ladders; "
        f"the Yining composite is q2, q3, q5) over the {n + 3 * NEW:,} responses present by then; the synthetic "
        "answers are drawn independently, so α ≈ 0 (the time does not depend on it). PostgreSQL: a "
        "throwaway cluster (tests/pg_cluster.py, Unix socket, shared_buffers 128MB), `ANALYZE` after the "
        f"load. The machine's 2 cores were shared with other work while this ran (1-minute load average {busy}). "
        "Goals: by point ≤ 0.2 s, by one demographic question ≤ 0.5 s, each ≥ 10 × faster than pandas; "
        "α on demand ≤ 3 s.",
        "",
        "| database | what | first run | best of 3 | peak RSS added | result / check |",
        "|---|---|---:|---:|---:|---|",
        *rows,
        "",
        "Verdict (ratios: Manyi's first run against pandas' best, both from the same run):",
        "",
        *notes,
        "",
        f"How, and why folds: counts by point are the `tallies` every submit already keeps. For counts by group "
        f"a scan of every response costs {scans} at {n:,} (the scan rows) — per table, per page view, growing "
        f"with the survey, and `breakdowns.compute` reads one per demographic question. Counting groups in the "
        f"submit transaction would instead add {headline_extra} upserts to every submit for the headline item "
        f"by the {headline_extra} demographic questions, and up to {any_extra} for every (single-choice "
        f"question, item) pair a page may ask for (`by`), on top of the {today} rows a full Yining submit "
        "writes now, all under the point's head lock (on PostgreSQL inside the submit's one statement). So "
        "`group_tallies` holds each (group, item) pair's counts up to the response id in `group_folds`; a "
        "read folds only the responses since (a one-time full fold per pair, then the new ones: the row after "
        f"{NEW:,} submits), checked against `tallies`. **The submit path is unchanged by this design**: "
        "`save_response` writes no group rows (only exclude and restore move folded counts, in their own "
        "transaction), so the submit bench's results on both backends stand as measured in its own section "
        "(not rerun here). What still grows with the number of responses in the warm tables: "
        "`analysis.breakdown`'s score intervals work on per-respondent arrays (one value per respondent, "
        "sorted, per group): most of the by-point time here (about 10 ms at 20,000 responses in a trial run); "
        "from the counts directly it would be flat.",
        "",
        alpha_note,
        "",
        machine(("flask", "sqlite-utils", "psycopg", "numpy", "scipy", "pandas", "psutil")),
    ])
    return text, all(verdicts)


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000, help="responses to load (e.g. 100000 when short of time)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite, postgresql")
    parser.add_argument("--save", help="also write the measurements to this JSON file")
    parser.add_argument("--merge", help="comma-separated JSON files from --save: write the section from them, measure nothing")
    args = parser.parse_args(argv)
    if args.merge:
        data: dict = {}
        for path in args.merge.split(","):
            saved = json.loads(Path(path).read_text())
            if data and saved["n"] != data["n"]:
                parser.error("--merge: the runs loaded different numbers of responses")
            data.update(saved)
        data["merged"] = True
    else:
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        if not backends or set(backends) - set(BACKENDS):
            parser.error(f"--backends: choose from {', '.join(BACKENDS)}")
        started = time.monotonic()
        data = run(args.responses, backends)
        print(f"measured in {time.monotonic() - started:.0f} s", file=sys.stderr)
        if args.save:
            Path(args.save).write_text(json.dumps(data))
    text, ok = section(data)
    return finish("breakdowns", text, args, ok)


if __name__ == "__main__":
    sys.exit(main())
