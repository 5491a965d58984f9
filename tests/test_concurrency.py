"""Against a real gunicorn server (2 sync workers): a submission retried from many connections at
once is stored once and every try is thanked; many citizens at once each get exactly one row."""
import http.client
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.helpers import YINING_ANSWERS, fill

THREADS = 10


class Browser:
    """A citizen's phone: keeps cookies, does not follow redirects (so the 303 can be checked)."""

    def __init__(self, server):
        self.port = server.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def form(self, code: str) -> dict:
        status, _, html = self.request("GET", f"/s/{code}")
        assert status == 200
        return fill(html)

    def submit(self, code: str, body: bytes) -> tuple[int, str, int, str]:
        """(POST status, Location path, status of the page it leads to, that page)."""
        status, headers, _ = self.request("POST", f"/s/{code}", body)
        location = urlsplit(headers.get("Location", "")).path
        if status != 303:
            return status, location, 0, ""
        followed, _, page = self.request("GET", location)
        return status, location, followed, page


def run_all(jobs) -> list:
    """Run the callables in threads released together; their results in order (errors re-raised)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except BaseException as e:  # surfaced in the test thread below
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


def chain_is_unbroken(conn) -> bool:
    """Each point's chain links every response to the one before it at that point."""
    heads = {}
    for row in conn.query("select point_id, prev_hash, hash from responses order by id"):
        if row["prev_hash"] != heads.get(row["point_id"], ""):
            return False
        heads[row["point_id"]] = row["hash"]
    return conn.verify().ok


def test_one_key_posted_from_ten_connections_at_once_is_stored_once(live_server):
    hall = live_server.prepared["codes"][0]
    phone = Browser(live_server)
    body = urlencode(phone.form(hall)).encode()

    outcomes = run_all([lambda: phone.submit(hall, body)] * THREADS)

    for status, location, followed, page in outcomes:
        assert (status, location, followed) == (303, f"/s/{hall}/thanks", 200)
        assert "提交成功" in page
    conn = live_server.connect()
    try:
        assert conn.response_count() == 1
        [response] = conn.query("select * from responses")
        assert conn.get_response(response["id"])["answers"] == sorted(YINING_ANSWERS.items())
        assert conn.execute("select count(*), sum(n) from tallies").fetchone() == (7, 7)
    finally:
        conn.close()
    assert " 500 " not in live_server.log()


def test_many_citizens_at_once_get_one_row_each(live_server):
    hall, window = live_server.prepared["codes"]
    phones = [Browser(live_server) for _ in range(THREADS)]
    plans = []  # (phone, code, body, answers): two submissions per phone, different answers
    for i, phone in enumerate(phones):
        for j, code in enumerate((hall, window)):
            answers = {**YINING_ANSWERS, "q5": "ABCDE"[(i + j) % 5]}
            plans.append((phone, code, urlencode(phone.form(code) | answers).encode(), answers))

    def citizen(i):
        return [p[0].submit(p[1], p[2]) for p in plans[2 * i:2 * i + 2]]

    outcomes = run_all([lambda i=i: citizen(i) for i in range(THREADS)])

    assert all(o[0] == 303 and o[2] == 200 and "提交成功" in o[3] for pair in outcomes for o in pair)
    conn = live_server.connect()
    try:
        assert conn.response_count() == len(plans)
        assert conn.execute("select count(distinct submission_key) from responses").fetchone()[0] == len(plans)
        per_point = dict(conn.execute("select p.code, count(*) from responses r join points p on p.id = r.point_id"
                                      " group by p.code").fetchall())
        assert per_point == {hall: THREADS, window: THREADS}
        q5 = dict(conn.execute("select value, sum(n) from tallies where question_id = 'q5' group by value").fetchall())
        expected: dict[str, int] = {}
        for *_, answers in plans:
            expected[answers["q5"]] = expected.get(answers["q5"], 0) + 1
        assert q5 == expected
        assert conn.execute("select count(*) from answers").fetchone()[0] == 7 * len(plans)
        assert chain_is_unbroken(conn)  # the tamper-evidence chain survives concurrent writers
    finally:
        conn.close()
