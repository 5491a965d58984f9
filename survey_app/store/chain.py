"""The chains: one per collection point for the responses (submits at different points never wait for
each other) and one per survey for everything an evaluator or the system changes (exclusions, restores,
settings, fieldwork: the audit log, each entry carrying the survey's figure-affecting state).

Links are HMAC-SHA256 under the chain key (store/keys.py) over every stored fact that can move a figure
or a flag: answers, point, time, seconds on page, device hash, language, channel and questionnaire
version; the heads (``chain_heads``, ``survey_heads``) carry a MAC of their own, so a holder of the file
without the key can neither re-link, append, nor roll a head back. Older links stay verifiable: responses
up to ``keyed_from_response`` (store_meta, itself MACed) are plain SHA-256 links, the first keyed link of
a point follows its last plain one, and each survey's first keyed audit entry holds a digest of the audit
lines before it. Responses stored before per-point chains (``legacy_last_id``) form the old global
chain, whose head is every point chain's first link (the ``genesis``)."""
from __future__ import annotations

import hashlib
import json

from .keys import ChainKey, mac_sql

# json.dumps with these arguments builds a new encoder per call; one built once writes the same bytes.
_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _chain_body(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The plain links' JSON (responses up to ``keyed_from_response``)."""
    return _CHAIN_JSON.encode({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers),
    })


def chain_hash(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """A plain (SHA-256) link, as stored before the chains were keyed; ``verify`` recomputes it."""
    return hashlib.sha256(_chain_body(prev_hash, response, answers).encode()).hexdigest()


def _link_body(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """A keyed link's JSON: every stored fact of the response that can change a figure or a flag."""
    return _CHAIN_JSON.encode({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers), "seconds": response["seconds_on_page"],
        "device": response["device_hash"], "language": response["language"], "channel": response["channel"],
    })


def link_hash(key: ChainKey, prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The keyed link that chains a response to the one before it at its point."""
    return key.mac(_link_body(prev_hash, response, answers))


def head_mac(key: ChainKey, kind: str, owner: int, record_id: int, link: str) -> str:
    """The MAC of a chain head (``kind`` "point" or "survey"): a head moved back to an older link fails it."""
    return key.mac(f"head|{kind}|{owner}|{record_id}|{link}")


# The same link computed by PostgreSQL inside the submit's one statement (store/responses.py), so the point's
# head is read, linked and moved without a round trip in between. ``chain_parts`` gives the hashed JSON cut
# where the previous hash goes, UTF-8: ``before`` ends with ``"prev":``, ``after`` starts with the
# ``,"survey":`` that follows it (only numbers come after "prev" in key order, so the cut is found from the
# right). PostgreSQL puts the previous hash between them as a JSON string with ``to_json``, which escapes
# exactly as the encoder above (``"``, ``\``, \b \f \n \r \t, other controls as \u00xx, the rest as is):
# ``HMAC(key, before || to_json(prev) || after)`` — ``sha256(:opad || sha256(:ipad || …))`` with the key's
# pads as bytea parameters (keys.mac_sql) — is ``link_hash(key, prev, ...)`` byte for byte
# (tests/test_store_submit_pg.py checks both on awkward heads). Change the chain here and in nowhere else.
_PREV = '"prev":""'


def chain_parts(response: dict, answers: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """(before, after): the hashed bytes of a response's keyed link on either side of the previous hash
    (only numbers and null follow "prev" in key order: seconds, survey, version)."""
    body = _link_body("", response, answers)
    cut = body.rindex(_PREV)
    return body[:cut + len(_PREV) - 2].encode(), body[cut + len(_PREV):].encode()


def chain_link_sql(prev: str) -> str:
    """SQL for a response's keyed link (hex text) after the head ``prev`` (an SQL text expression), from
    chain_parts' two parts passed as the bytea parameters ``:before`` and ``:after`` and the key's pads
    ``:ipad``/``:opad``."""
    return mac_sql(f"(:before || convert_to(to_json(({prev})::text)::text, 'UTF8') || :after)")


def head_mac_sql(owner: str, record_id: str, link: str) -> str:
    """SQL for ``head_mac(key, "point", owner, record_id, link)`` from SQL expressions."""
    return mac_sql(f"convert_to('head|point|' || ({owner})::text || '|' || ({record_id})::text || '|' || ({link}),"
                   " 'UTF8')")


def survey_digest(heads: list[tuple[int, str]]) -> str:
    """One digest over a survey's chain heads ((point id, head hash) pairs): write it down, and a later
    ``manyi verify`` shows whether anything before it was changed."""
    text = "\n".join(f"{point}:{head}" for point, head in sorted(heads))
    return hashlib.sha256(text.encode()).hexdigest()


class MissingChainKey(RuntimeError):
    """A write or a verify needs the chain key and none was given (FLASK_CHAIN_KEY or instance/chain.key)."""


class WrongChainKey(RuntimeError):
    """The chain key given is not the one this database's chains were keyed with."""


def _keyed_mac(key: ChainKey, response_id: int, audit_id: int, meta: dict | None = None) -> str:
    """The MAC of the record of where keyed links begin. ``meta`` given: the record's second form, which also
    covers where the old global chain ends and its head (``legacy_last_id``, ``genesis``), so that neither
    can be moved to skip a check; without: the first form (databases keyed before 2026-12, upgraded at start)."""
    if meta is None:
        return key.mac(f"keyed|{response_id}|{audit_id}|{key.fingerprint}")
    return key.mac(f"keyed2|{response_id}|{audit_id}|{meta.get('legacy_last_id', '')}|{meta.get('genesis', '')}"
                   f"|{key.fingerprint}")


def keyed_record_ok(key: ChainKey, meta: dict) -> bool:
    try:
        r, a = int(meta["keyed_from_response"]), int(meta["keyed_from_audit"])
    except (KeyError, ValueError, TypeError):  # a part removed, or a value Manyi never writes
        return False
    if meta.get("keyed_format") == "2":
        return meta["keyed_mac"] == _keyed_mac(key, r, a, meta)
    return meta["keyed_mac"] == _keyed_mac(key, r, a)


# Where a database keyed before shows it, even with its keyed record removed from store_meta
KEYING_TRACES = ("select 1 from chain_heads where mac is not null union all select 1 from survey_heads"
                 " union all select 1 from audit_log where hash is not null")


# Where a database whose keyed record was rewritten in its second form shows it: that rewrite's audit line
# in each survey's keyed chain (removing it breaks the chain). A first-form record on such a database was
# put back from an older copy, so that the old chain's end (which only the second form covers) can be moved.
SECOND_FORM_TRACE = "select 1 from audit_log where action = 'keyed_record_v2'"
SECOND_FORM_BACK = ("the record of where the keyed links begin is in its first form, but this database's audit"
                    " chains show it was rewritten in its second form: it was put back from an older copy, so that"
                    " the old chain's end can be moved. Compare the database with a receipt (manyi verify --receipt"
                    " FILE) and restore it from a backup you trust")


CHANGED_RECORD = ("the record of where the keyed links begin (store_meta) does not match its MAC under this"
                  " database's own chain key: it was changed behind Manyi's back. Check the database with"
                  " manyi verify --db FILE --key-file KEY (and --receipt FILE) and restore it from a backup you trust")


class KeyedRecordMissing(RuntimeError):
    """The database's chains were keyed (MACed heads, keyed audit lines) but the record of where the keyed
    links begin is gone, changed under the database's own key (CHANGED_RECORD) or put back in its first form
    (SECOND_FORM_BACK): its links can no longer be trusted to be told from plain ones. Never keyed again
    silently: start-up refuses, naming which."""

    def __init__(self, why: str = ""):
        super().__init__(why or "this database's chains were keyed, but the record of where the keyed links begin"
                         " (store_meta keyed_mac) is missing: someone removed it to turn the key's checks off."
                         " Compare the database with a receipt or the anchors file (manyi verify --receipt FILE)"
                         " and restore it from a backup you trust")


class Chains:
    def _chain_key(self) -> ChainKey:
        key = getattr(self.backend, "chain_key", None)
        if key is None:
            raise MissingChainKey("no chain key: set FLASK_CHAIN_KEY (or let a single SQLite server write "
                                  "instance/chain.key on its first start)")
        return key

    def keyed(self) -> bool:
        """Whether this database's chains were keyed (with whichever key)."""
        return self._has_table("store_meta") and "keyed_mac" in self.store_meta()

    def check_chain_key(self) -> None:
        """Raise WrongChainKey, naming both fingerprints, when this database was keyed with another key than
        the one given (before a copy or a verify would call every link forged)."""
        meta = self.store_meta() if self._has_table("store_meta") else {}
        key = getattr(self.backend, "chain_key", None)
        if key is None or "keyed_mac" not in meta or keyed_record_ok(key, meta):
            return
        if meta.get("key_fingerprint") != key.fingerprint:
            raise WrongChainKey(f"the chain key given (fingerprint {key.fingerprint}) is not the one"
                                f" {self.describe()} was keyed with (fingerprint {meta.get('key_fingerprint', '?')})")

    def key_chains(self) -> bool:
        """Start the keyed chains on this database, once (after the migrations); whether it did now.

        Records (MACed) where the plain links end, MACs every point's head, and opens every survey's chain
        with a line holding a digest of its earlier audit lines. On a database keyed before, checks that
        the key is the same one and raises WrongChainKey if not.
        """
        key = self._chain_key()
        meta = self.store_meta()
        if "keyed_mac" in meta:
            if not keyed_record_ok(key, meta):
                if meta.get("key_fingerprint") == key.fingerprint:  # the right key: the record itself was changed
                    raise KeyedRecordMissing(CHANGED_RECORD)
                raise WrongChainKey(f"the chain key (fingerprint {key.fingerprint}) is not the one this database"
                                    f" was keyed with (fingerprint {meta.get('key_fingerprint', '?')})")
            if meta.get("keyed_format") != "2":  # the record's first form: now covering the old chain's end too
                if self._read().value(SECOND_FORM_TRACE) is not None:
                    if self.store_meta().get("keyed_format") == "2":  # another server upgraded it since our read
                        return self.key_chains()
                    raise KeyedRecordMissing(SECOND_FORM_BACK)
                self._write(lambda conn: self._second_form(conn, key, meta))
            self._record_full_states()
            return False
        if self._read().value(KEYING_TRACES) is not None:
            if "keyed_mac" in self.store_meta():  # another server keyed it between the two reads
                return self.key_chains()
            raise KeyedRecordMissing()
        from .audit import SYSTEM, legacy_digest, upgrade_time
        from .common import Audit

        def body(conn):
            r = conn.value("select coalesce(max(id), 0) from responses")
            a = conn.value("select coalesce(max(id), 0) from audit_log")
            # several servers starting at once: the first to insert the mark keys the chains, the others
            # wait for it (the unique key) and then only check their key against it
            old = {row[0]: row[1] for row in conn.execute("select key, value from store_meta").fetchall()}
            if conn.value("insert into store_meta (key, value) values ('keyed_mac', ?) on conflict (key) do nothing"
                          " returning key", [_keyed_mac(key, r, a, old)]) is None:
                return False
            for name, value in (("keyed_from_response", r), ("keyed_from_audit", a), ("keyed_format", 2),
                                ("key_fingerprint", key.fingerprint)):
                conn.execute("insert into store_meta (key, value) values (?, ?)", [name, str(value)])
            for point, rid, link in conn.execute("select point_id, response_id, hash from chain_heads").fetchall():
                conn.execute("update chain_heads set mac = ? where point_id = ?",
                             [head_mac(key, "point", point, rid, link), point])
            for (survey_id,) in conn.execute("select id from surveys order by id").fetchall():
                earlier = conn.rows("select id, at, \"user\", action, response_id, detail from audit_log"
                                    " where survey_id = ? order by id", [survey_id])
                self._audit(conn, Audit(SYSTEM, "chain_start", f"{len(earlier)} earlier audit lines"), survey_id,
                            prev=legacy_digest(earlier), at=upgrade_time(conn, survey_id))
            return True
        return self._write(body) or self.key_chains()

    def _record_full_states(self) -> None:
        """Surveys whose newest audit line recorded less than this version records (before 2026-12: no points,
        titles or margins; before m014: no 项目名称) get a line recording all of it, if what it did record still
        holds: a setting changed behind Manyi's back after the upgrade is then named, whichever it is."""
        from .audit import SYSTEM, TAKE_SURVEY_HEAD, state_differs, survey_state, upgrade_time
        from .common import Audit
        heads = "select l.id, l.state from survey_heads h join audit_log l on l.id = h.audit_id where h.survey_id = ?"

        def unrecorded(conn, survey_id: int, state: str | None) -> bool:
            return bool(set(json.loads(survey_state(conn, survey_id) or "{}")) - set(json.loads(state or "{}")))
        conn = self._read()
        for (survey_id,) in conn.execute("select survey_id from survey_heads order by survey_id").fetchall():
            line = conn.one(heads, [survey_id])
            if line is None or not unrecorded(conn, survey_id, line[1]):
                continue

            def body(conn, survey_id=survey_id, line=line):
                held = conn.one(TAKE_SURVEY_HEAD[conn.kind], [survey_id])  # not recorded by a server starting too
                if held is not None and held[0] == line[0] and not state_differs(survey_state(conn, survey_id),
                                                                                   line[1]):
                    self._audit(conn, Audit(SYSTEM, "state", "settings recorded in full"), survey_id,
                                at=upgrade_time(conn, survey_id))
            self._write(body)

    def chain_heads(self, survey_id: int) -> list[dict]:
        """Each point's chain head: point id, newest response id (0: none yet) and its hash."""
        return self._read().rows(
            "select h.point_id, h.response_id, h.hash from chain_heads h join points p on p.id = h.point_id"
            " where p.survey_id = ? order by h.point_id", [survey_id])

    def survey_digest(self, survey_id: int) -> tuple[int, str]:
        """(responses stored, digest over the survey's chain heads)."""
        heads = self.chain_heads(survey_id)
        count = self._read().value("select coalesce(sum(n), 0) from response_counts where survey_id = ?",
                                   [survey_id])
        return int(count), survey_digest([(h["point_id"], h["hash"]) for h in heads])

    def store_meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._read().rows("select key, value from store_meta")}

    def _second_form(self, conn, key: ChainKey, meta: dict) -> None:
        """Rewrite a first-form keyed record (checked with the key just before) in its second form, with a
        line in every survey's chain saying so (SECOND_FORM_TRACE)."""
        from .audit import SYSTEM, upgrade_time
        from .common import Audit
        r, a = int(meta["keyed_from_response"]), int(meta["keyed_from_audit"])
        if conn.value("update store_meta set value = ? where key = 'keyed_mac' and value = ? returning key",
                      [_keyed_mac(key, r, a, meta), meta["keyed_mac"]]) is None:
            return  # another server starting at once rewrote it first
        conn.execute("insert into store_meta (key, value) values ('keyed_format', '2') on conflict (key) do nothing")
        for (survey_id,) in conn.execute("select id from surveys order by id").fetchall():
            self._audit(conn, Audit(SYSTEM, "keyed_record_v2", "the keyed record now covers the old chain's end"),
                        survey_id, at=upgrade_time(conn, survey_id))


