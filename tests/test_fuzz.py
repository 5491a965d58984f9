"""Fuzz every route of the app with hypothesis: random and unknown option codes, several values for
one question, huge and malformed bodies, bad encodings, missing, forged and replayed tokens and keys,
junk paths and methods, junk cookies. Never a 5xx; an invalid request never changes a row; a clean
valid submission is stored exactly as sent.

The app runs in-process (TESTING: an exception would surface here with its traceback), on SQLite and
on PostgreSQL. Rows are watched through a second connection: SQLite's ``PRAGMA data_version``, which
moves on any commit by the app; on PostgreSQL a digest of every row a request can change.
``run_fuzz`` is also the soak in bench/soak_fuzz.py (10,000 cases); here it runs FUZZ_EXAMPLES.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app import REPO_QUESTIONNAIRES, create_app, questionnaires
from survey_app.store import EXTENSION, open_store
from tests.helpers import NO_DEFENCES, hidden_fields
from tests.submitter import new_nonce, signed_key

SECRET = "fuzz-secret"
FUZZ_EXAMPLES = int(os.environ.get("MANYI_FUZZ_EXAMPLES", "400"))
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "multipart/form-data",
                 "text/plain", "application/json", "application/x-www-form-urlencoded; charset=latin-1", ""]
WATCHED = ("responses", "answers", "tallies", "response_counts", "surveys", "points", "chain_heads", "audit_log")
junk = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


class Target:
    """An app with one open survey per shipped questionnaire, plus a closed and a not-yet-open one."""

    def __init__(self, tmp_path: Path, path: str | None = None):
        path = path or str(tmp_path / "fuzz.sqlite3")
        self.app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "DATABASE": path, **NO_DEFENCES})
        conn = open_store(path)
        self.open: dict[str, questionnaires.Questionnaire] = {}  # point code -> questionnaire
        for q in questionnaires.Catalogue(REPO_QUESTIONNAIRES).load_all().values():
            sid = conn.create_survey(questionnaire_id=q.id, questionnaire_version=q.version, title=str(q.title))
            self.open[conn.add_point(sid, "业务大厅")["code"]] = q
        self.shut = []
        for status in ("closed", "draft"):
            sid = conn.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                   title=status, status=status)
            self.shut.append(conn.add_point(sid, "大厅")["code"])
        conn.close()
        self.watch = open_store(path)
        self.client = self.app.test_client()
        assert "key" in hidden_fields(self.client.get(f"/s/{next(iter(self.open))}").get_data(as_text=True))
        self.device = self.client.get_cookie("mid").value  # the device cookie every key is bound to
        self.stored: list[tuple[str, bytes]] = []  # (code, body) of stored submissions, for replays
        self.stats = Counter()

    def version(self):
        if self.watch.kind == "sqlite":
            return self.watch.execute("pragma data_version").fetchone()[0]
        return tuple(self.watch.execute(f"select md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
                                        f" from {table} t").fetchone()[0] for table in WATCHED)

    def survey_data(self) -> tuple:
        return self.watch.execute(
            "select (select count(*) from responses), (select count(*) from answers),"
            " (select coalesce(sum(n), 0) from tallies), (select coalesce(sum(n), 0) from response_counts),"
            " (select count(*) from surveys), (select count(*) from points)").fetchone()

    def close(self):
        self.watch.close()
        self.app.extensions[EXTENSION].close()


# -- what a request can be ----------------------------------------------------------------------

@st.composite
def answers(draw, q: questionnaires.Questionnaire):
    """(pairs to send, the answers a clean submission stores or None when not certainly clean)."""
    pairs, expect = [], []
    all_good = draw(st.booleans())  # half the forms are filled in properly, the rest go wrong anywhere
    for question in q.questions:
        kind = "good" if all_good else draw(st.sampled_from(["good", "good", "good", "omit", "unknown", "two", "junk"]))
        if question.type == "text":
            text = draw(st.text("满意服务好abc 123", max_size=question.max_length + 5))
            if kind == "omit":
                continue
            pairs.append((question.id, text))
            if text.strip() and len(text) <= question.max_length:
                expect = None if expect is None else expect + [(question.id, text.strip())]
            elif len(text) > question.max_length:
                expect = None if expect is None else expect + [("!", "too long")]
            continue
        codes = list(question.codes)
        if kind == "omit":
            if question.required:
                expect = None if expect is None else expect + [("!", "required")]
            continue
        if kind == "good":
            chosen = (sorted(set(draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3))))
                      if question.type == "multiple" else [draw(st.sampled_from(codes))])
            pairs += [(question.id, c) for c in chosen]
            if expect is not None:
                expect += [(question.id, c) for c in chosen]
        elif kind == "unknown":  # "" is no answer at all (valid for an optional question)
            pairs.append((question.id, draw(junk.filter(lambda s: s and s not in codes))))
            expect = None if expect is None else expect + [("!", "unknown code")]
        elif kind == "two":
            pairs += [(question.id, draw(st.sampled_from(codes))) for _ in range(2)]
            expect = None  # two codes: refused for a single choice, fine for a multiple choice
        else:
            pairs.append((draw(junk), draw(junk)))
            expect = None
    return pairs, expect


@st.composite
def requests(draw, t: Target):
    """(method, path, kwargs for the test client, how it should end) — kinds: 'clean', 'invalid',
    'replay', 'replay or malformed', 'other' (submits) and 'route'."""
    shape = draw(st.sampled_from(["submit"] * 5 + ["raw", "replay", "route", "junk path"]))
    if shape in ("submit", "raw", "replay"):
        code = draw(st.sampled_from(list(t.open) + t.shut))
        if shape == "replay" and t.stored:
            code, body = t.stored[draw(st.integers(0, 10**6)) % len(t.stored)]  # constant draw shape
            return "POST", f"/s/{code}", {"data": body, "content_type": CONTENT_TYPES[0]}, "replay", None
        if shape == "raw":
            body = draw(st.one_of(st.binary(max_size=3000), st.just(b"q1=" + b"A" * 70_000),
                                  st.builds(lambda b: b"key=%ZZ&csrf_token=%" + b, st.binary(max_size=50))))
            return "POST", f"/s/{code}", {"data": body, "content_type": draw(st.sampled_from(CONTENT_TYPES))}, \
                "invalid", None
        q = t.open.get(code) or t.open[next(c for c, x in t.open.items() if x.id == "yining-2024-public")]
        pairs, expect = draw(answers(q))
        key = draw(st.sampled_from(["fresh"] * 10 + ["missing", "junk", "forged", "other point", "other browser",
                                                     "replayed"]))
        nonce = new_nonce()
        fields = [("csrf_token", draw(junk))] if draw(st.booleans()) and draw(st.booleans()) else []  # ignored
        if key == "fresh":
            fields.append(("key", signed_key(SECRET, code, nonce, t.device)))
        elif key == "junk":
            fields.append(("key", draw(junk)))
        elif key == "forged":
            fields.append(("key", signed_key("not-the-secret", code, nonce, t.device)))
        elif key == "other point":
            fields.append(("key", signed_key(SECRET, draw(st.sampled_from(list(t.open))) + "x", nonce, t.device)))
        elif key == "other browser":  # a key fetched by another browser: the cross-site request
            fields.append(("key", signed_key(SECRET, code, nonce, t.device + "x")))
        elif key == "replayed" and t.stored:
            code, body = t.stored[0]
            fields.append(("key", dict(re.findall(r"(\w+)=([^&]*)", body.decode()))["key"].replace("%3D", "=")))
        fields.append(("lang", draw(st.sampled_from(["zh-CN", "en", "ug", "", "xx"]))))
        body = urlencode(fields + pairs).encode()
        multipart = draw(st.booleans()) and draw(st.booleans())
        kwargs = ({"data": dict_of(fields + pairs)} if multipart else {"data": body, "content_type": CONTENT_TYPES[0]})
        if multipart:
            kwargs["content_type"] = "multipart/form-data"
        clean = (code in t.open and key == "fresh" and expect is not None
                 and not any(k == "!" for k, _ in expect))
        # Werkzeug reads a multipart part named with a backslash or a line break as nameless (a malformed
        # body: 400 first) and cuts a name at a quote (then a replayed key is thanked): either may happen
        unreadable = multipart and any(c in k for k, _ in fields + pairs for c in '\\"\r\n')
        if key == "replayed" and t.stored:  # a stored key: thanked again or 您已提交过本问卷, nothing stored
            kind = "replay" if not unreadable else "replay or malformed"
        elif clean:
            kind = "clean"
        elif (code in t.shut or key != "fresh"
              or expect is not None and any(k == "!" for k, _ in expect)):
            kind = "invalid"
        else:
            kind = "other"  # e.g. two codes for one question: stored or refused, checked either way
        return "POST", f"/s/{code}", kwargs, kind, (code, nonce, body, expect)
    if shape == "route":
        rule = draw(st.sampled_from([r.rule for r in t.app.url_map.iter_rules()]))
        path = re.sub(r"<[^>]+>", lambda m: draw(fill_part(m.group(0), t)), rule)
    else:
        path = "/" + quote(draw(junk), safe="/")
    query = draw(st.sampled_from(["", "?lang=en", "?lang=ug", "?lang=", "?" + quote(draw(junk), safe="=&")]))
    method = draw(st.sampled_from(METHODS))
    kwargs = {"headers": {"Cookie": quote(draw(junk), safe="=;")}} if draw(st.booleans()) else {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs.update(data=draw(st.binary(max_size=500)), content_type=draw(st.sampled_from(CONTENT_TYPES)))
    return method, path + query, kwargs, "route", None


def dict_of(pairs):
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def fill_part(placeholder: str, t: Target):
    if placeholder.startswith("<int:"):
        return st.integers(-5, 10**12).map(str)
    if placeholder.startswith("<any("):
        return st.sampled_from(placeholder[5:placeholder.index(")")].replace(" ", "").split(","))
    return st.one_of(st.sampled_from(list(t.open) + t.shut), junk.map(lambda s: quote(s, safe="")))


# -- the property -------------------------------------------------------------------------------

def check(t: Target, request) -> None:
    method, path, kwargs, kind, submit = request
    client = t.client if kind != "route" else t.app.test_client()  # junk cookies never reach the good session
    version, data = t.version(), t.survey_data()
    response = open_as_served(client, path, method, kwargs)
    status = response.status_code
    t.stats["cases"] += 1
    t.stats[f"{status // 100}xx"] += 1
    assert status < 500, (request, response.get_data(as_text=True)[:500])
    changed = t.version() != version
    if kind == "route":  # admin routes may log a login attempt; survey data never moves
        assert t.survey_data() == data, request
        return
    if kind in ("invalid", "replay"):
        assert not changed, request
        # a replayed key: thanked with the stored answers, 您已提交过本问卷 (409) with others; nothing stored either way
        assert status in (303, 400, 403, 404, 405, 409, 410, 413) and (status in (303, 409)) == (kind == "replay"), \
            (status, request)
        return
    if kind == "replay or malformed":
        assert not changed and status in (303, 400, 409), (status, request)
        return
    code, nonce, body, expect = submit
    if kind == "clean":
        assert status == 303, (request, response.get_data(as_text=True)[:1500])
        assert changed
    if changed:
        assert status == 303
        rid = t.watch.response_for_key(nonce)
        assert rid is not None and t.survey_data()[0] == data[0] + 1, request
        stored = t.watch.get_response(rid)["answers"]
        q = t.open[code]
        for qid, value in stored:  # whatever got in is a legal answer
            question = q.question(qid)
            assert value in question.codes if question.options else len(value) <= question.max_length
        assert {x.id for x in q.questions if x.required} <= {qid for qid, _ in stored}
        if expect is not None:
            assert stored == sorted(expect), request
        t.stored.append((code, body))
        t.stats["stored"] += 1
    else:
        assert status in (400, 413), (status, request)


def open_as_served(client, path: str, method: str, kwargs: dict):
    """Werkzeug's test client reads a path starting with '//' as a URL with a host (and raises on a host it
    cannot encode); a server hands it to the app as a path. Such a path goes in as gunicorn passes it:
    PATH_INFO is the percent-decoded bytes read as Latin-1 (PEP 3333)."""
    if not path.startswith("//"):
        return client.open(path, method=method, **kwargs)
    path, _, query = path.partition("?")
    environ = {"PATH_INFO": unquote_to_bytes(path).decode("latin-1")}
    return client.open("/?" + query if query else "/", method=method, environ_overrides=environ, **kwargs)


def run_fuzz(t: Target, max_examples: int) -> Counter:
    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(data=st.data())
    def fuzz(data):
        check(t, data.draw(requests(t)))

    fuzz()
    verification = t.watch.verify()
    assert verification.ok, verification
    return t.stats


def test_fuzzed_requests_never_fail_and_invalid_ones_change_nothing(tmp_path, database_url):
    t = Target(tmp_path, database_url("fuzz"))
    try:
        stats = run_fuzz(t, FUZZ_EXAMPLES)
    finally:
        t.close()
    assert stats["cases"] >= FUZZ_EXAMPLES and stats["stored"] >= 10 and stats["4xx"] >= FUZZ_EXAMPLES // 4, stats


def test_multipart_part_without_a_readable_name_is_a_400_not_a_500(tmp_path, database_url):
    """Found by the fuzz: Werkzeug gives such a part the name None, which used to raise a TypeError."""
    t = Target(tmp_path, database_url("fuzz"))
    try:
        code = next(iter(t.open))
        version = t.version()
        data = {"key": [signed_key(SECRET, code, new_nonce(), t.device)], "\r": [""], "age": ["A"]}
        assert t.client.post(f"/s/{code}", data=data, content_type="multipart/form-data").status_code == 400
        assert t.version() == version
    finally:
        t.close()


def test_a_path_starting_with_two_slashes_is_a_path_not_a_host(tmp_path, database_url):
    """Found by the fuzz on CI: '//0%3A%C2%80…' made the test client fail on the host it read; as a server
    passes it, the app answers 404 for junk, serves '//s/CODE' as the form and never redirects off-site."""
    t = Target(tmp_path, database_url("fuzz"))
    try:
        code = next(iter(t.open))
        for path, status in [("//0%3A%C2%80%C2%80%C2%80%C2%80%C2%80%C2%80%C2%80%C2%80%F0%90%80%80", 404),
                             ("//evil.example/", 404), ("//evil.example/admin/?lang=en", 404), (f"//s/{code}", 200)]:
            response = open_as_served(t.app.test_client(), path, "GET", {})
            assert response.status_code == status and "Location" not in response.headers, path
    finally:
        t.close()
