"""Stuffing defences against three scripted clients, on a real server (gunicorn with `manyi serve`'s settings).

Run:  .venv/bin/python bench/bench_stuffing.py [--minutes 10] [--scale 4] [--no-write]

Goals (issue #13 item 2):
1. pauseless: one address, a fresh cookie for every answer, GET then POST at once, again and again for
   --minutes (10): at most 30 answers stored.
2. prefetched: 600 keys fetched from one address (a fresh cookie each), aged 20 s (past the minimum time and
   the speeder threshold), then posted as fast as 8 threads can: no more than the address ceiling (30) stored,
   every stored one flagged.
3. hall: 300 phones behind one address, arrivals spread uniformly over an hour, each taking 20–60 s to answer:
   none refused, none flagged. The hour is compressed --scale times on a second server whose every duration
   is divided and every rate multiplied by the same factor (minimum time 8 → 2 s, speeder 15 → 4 s, address
   10 → 40 a minute, device 0.1 → 0.4 a minute, the burst threshold 20 → 80 a minute; the burst sizes, 30
   and 5, are counts of people and stay); --scale 1 runs the real hour.
The three run at once, each from its own address (X-Forwarded-For behind TRUSTED_PROXIES=1, as behind nginx)
and its own collection point. SQLite. Figures from the responses stored, the flags from the review's own
SQL (store/bulk.py select_responses).
"""
from __future__ import annotations

import http.client
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from common import bench_parser, finish, machine  # noqa: E402

from survey_app.store import open_store  # noqa: E402
from tests.helpers import YINING_ANSWERS, hidden_fields  # noqa: E402
from tests.live import LiveServer, prepare_database  # noqa: E402

DEFAULTS = {"TRUSTED_PROXIES": 1}  # the shipped defences otherwise
FLAGS = ("speeder", "device", "burst", "straight")


def scaled(k: float) -> dict:
    return {"TRUSTED_PROXIES": 1, "SUBMISSION_MIN_SECONDS": max(1, round(8 / k)), "SPEEDER_SECONDS": max(1, round(15 / k)),
            "ADDRESS_PER_MINUTE": 10 * k, "DEVICE_PER_MINUTE": 0.1 * k, "BURST_PER_MINUTE": int(20 * k)}


def setup(store) -> dict:
    survey_id = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                    title="stuffing bench", target=95.0)
    return {"survey_id": survey_id, "codes": {name: store.add_point(survey_id, name)["code"]
                                              for name in ("pauseless", "prefetched", "hall")}}


class Phone:
    """One browser (its own cookies) behind ``address``, on a kept connection."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies, self.conn = port, address, {}, None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def fresh_form(self, code: str) -> dict:
        self.cookies = {}
        status, html = self.request("GET", f"/s/{code}")
        assert status == 200, status
        return {**hidden_fields(html), **YINING_ANSWERS}

    def post(self, code: str, form: dict) -> int:
        return self.request("POST", f"/s/{code}", urlencode(form))[0]

    def close(self):
        if self.conn is not None:
            self.conn.close()


def pauseless(port: int, code: str, seconds: float) -> Counter:
    phone, statuses, end = Phone(port, "10.0.0.1"), Counter(), time.monotonic() + seconds
    while time.monotonic() < end:
        statuses[phone.post(code, phone.fresh_form(code))] += 1
    phone.close()
    return statuses


def prefetched(port: int, code: str, keys: int = 600, age: float = 20.0) -> dict:
    fetcher, forms = Phone(port, "10.0.0.2"), []
    started = time.monotonic()
    for _ in range(keys):
        forms.append((dict(fetcher.cookies) if fetcher.cookies else None, fetcher.fresh_form(code)))
        forms[-1] = (dict(fetcher.cookies), forms[-1][1])
    fetched = time.monotonic() - started
    fetcher.close()
    time.sleep(max(0.0, age - fetched))
    local = threading.local()

    def post(item):
        if not hasattr(local, "phone"):
            local.phone = Phone(port, "10.0.0.2")
        local.phone.cookies = item[0]
        return local.phone.post(code, item[1])
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(post, forms))
    return {"statuses": statuses, "fetch_s": fetched, "post_s": time.monotonic() - started}


def hall(port: int, code: str, *, people: int, span: float, answer: tuple[float, float], rng) -> dict:
    plan = sorted((rng.uniform(0, span), rng.uniform(*answer)) for _ in range(people))
    start, statuses, lock = time.monotonic(), Counter(), threading.Lock()

    def person(arrival_and_time):
        arrival, taken = arrival_and_time
        time.sleep(max(0.0, start + arrival - time.monotonic()))
        phone = Phone(port, "10.0.0.3")
        form = phone.fresh_form(code)
        time.sleep(taken)
        status = phone.post(code, form)
        phone.close()
        with lock:
            statuses[status] += 1
    with ThreadPoolExecutor(64) as pool:
        list(pool.map(person, plan))
    return {"statuses": statuses, "wall_s": time.monotonic() - start}


def flagged(db: str, survey_id: int, code: str, config: dict) -> dict:
    store = open_store(db)
    try:
        point = store.point_by_code(code)[0]["id"]
        args = {"threshold": config.get("SPEEDER_SECONDS", 15), "scale_qids": ["q1", "q2", "q3", "q4", "q5"],
                "burst": config.get("BURST_PER_MINUTE", 20), "point_id": point}
        out = {"stored": len(store.select_responses(survey_id, **args)),
               "flagged": len(store.select_responses(survey_id, flag="any", **args))}
        out.update({f: len(store.select_responses(survey_id, flag=f, **args)) for f in FLAGS})
        return out
    finally:
        store.close()


def run(minutes: float, scale: float) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="manyi-bench-stuffing-"))
    real = LiveServer(tmp, name="real", config=DEFAULTS, workers=4)
    fast = LiveServer(tmp, name="scaled", config=scaled(scale), workers=4)
    try:
        for server in (real, fast):
            server.prepared = prepare_database(server.db_path, setup)
            server.start()
        rc, fc = real.prepared["codes"], fast.prepared["codes"]
        with ThreadPoolExecutor(3) as pool:
            one = pool.submit(pauseless, real.port, rc["pauseless"], minutes * 60)
            two = pool.submit(prefetched, real.port, rc["prefetched"])
            three = pool.submit(hall, fast.port, fc["hall"], people=300, span=3600 / scale,
                                answer=(20 / scale, 60 / scale), rng=random.Random(13))
            results = {"pauseless": one.result(), "prefetched": two.result(), "hall": three.result()}
        results["flags"] = {
            "pauseless": flagged(real.db_path, real.prepared["survey_id"], rc["pauseless"], DEFAULTS),
            "prefetched": flagged(real.db_path, real.prepared["survey_id"], rc["prefetched"], DEFAULTS),
            "hall": flagged(fast.db_path, fast.prepared["survey_id"], fc["hall"], scaled(scale))}
        results["5xx"] = any(f'" {c} ' in s.log() for s in (real, fast) for c in (500, 502, 503, 504))
    finally:
        real.stop()
        fast.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {**results, "minutes": minutes, "scale": scale}


def section(r: dict) -> tuple[str, bool]:
    f, p, h = r["flags"], r["prefetched"], r["hall"]
    attempts = sum(r["pauseless"].values())
    goals = [f["pauseless"]["stored"] <= 30,
             f["prefetched"]["stored"] <= 30 and f["prefetched"]["flagged"] == f["prefetched"]["stored"],
             f["hall"]["stored"] == 300 and f["hall"]["flagged"] == 0 and h["statuses"].get(303, 0) == 300]
    fmt = lambda c: ", ".join(f"{k}: {v:,}" for k, v in sorted(c.items()))  # noqa: E731
    lines = [
        "## Stuffing defences against scripted clients (issue #13 item 2)", "",
        f"`bench/bench_stuffing.py --minutes {r['minutes']:g} --scale {r['scale']:g}`: gunicorn with "
        "`survey_app/gunicorn_conf.py`, 4 sync workers, SQLite, the shipped defaults (minimum time max(8 s, 1 s a "
        "question) = 8 s for the Yining form; a key lives 2 h; an address 30 at once then 10 a minute; a phone 5 "
        "then 1 every 10 minutes; 异常集中提交 above 20 submits a minute at a point). Each client has its own "
        "address (X-Forwarded-For, TRUSTED_PROXIES=1) and point; the three run at the same time.", "",
        "| client | requests (status: count) | stored | flagged (speeder / device / burst / straight) | goal | met |",
        "|---|---|---:|---|---|---|",
        f"| 1. pauseless, fresh cookie per answer, GET then POST at once, {r['minutes']:g} min | {fmt(r['pauseless'])} "
        f"({attempts:,} POSTs) | {f['pauseless']['stored']} | {f['pauseless']['flagged']} "
        f"({f['pauseless']['speeder']} / {f['pauseless']['device']} / {f['pauseless']['burst']} / "
        f"{f['pauseless']['straight']}) | ≤ 30 stored | {'yes' if goals[0] else 'NO'} |",
        f"| 2. 600 keys prefetched in {p['fetch_s']:.1f} s (fresh cookies), aged 20 s, posted in {p['post_s']:.1f} s "
        f"| {fmt(p['statuses'])} | {f['prefetched']['stored']} | {f['prefetched']['flagged']} "
        f"({f['prefetched']['speeder']} / {f['prefetched']['device']} / {f['prefetched']['burst']} / "
        f"{f['prefetched']['straight']}) | ≤ 30 stored, all flagged | {'yes' if goals[1] else 'NO'} |",
        f"| 3. hall: 300 phones, one address, uniform over an hour, 20–60 s each (compressed ×{r['scale']:g}: "
        f"{h['wall_s'] / 60:.1f} min) | {fmt(h['statuses'])} | {f['hall']['stored']} | {f['hall']['flagged']} "
        f"({f['hall']['speeder']} / {f['hall']['device']} / {f['hall']['burst']} / {f['hall']['straight']}) "
        f"| 300 stored, none refused or flagged | {'yes' if goals[2] else 'NO'} |", "",
        "Statuses: 303 stored (thank-you page); 400 the form offered back (too fast: the pauseless client's every "
        "POST); 429 the polite 'busy' page with the answers kept (address or device ceiling). Client 3 ran on a "
        f"second server with every duration divided and every rate multiplied by {r['scale']:g} (minimum time, "
        "speeder threshold, address and device refill, burst threshold; burst sizes are head counts and stay); "
        f"5xx in the server logs: {'yes' if r['5xx'] else 'none'}.",
        "A script that paces itself like people (each answer ≥ 15 s, at most 10 a minute from one address, a new "
        "cookie each time) is not blocked: the flags and the review (bulk exclude) are the answer to it (README).",
        "", machine()]
    return "\n".join(lines), all(goals)


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=10, help="how long the pauseless client runs")
    parser.add_argument("--scale", type=float, default=4, help="time compression of the hall's hour (1: real time)")
    args = parser.parse_args(argv)
    text, ok = section(run(args.minutes, args.scale))
    return finish("stuffing", text, args, ok)


if __name__ == "__main__":
    sys.exit(main())
