"""Integrity: recompute every chain (responses per point, audit lines per survey, the account chain), check
the heads' MACs, replay exclusions, compare each survey's settings and the accounts with their chains, and
recount tallies and counts."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from .account_log import verify_account_chain
from .audit import changed_settings, digest_differs, entry_link, legacy_digest, survey_state
from .chain import (KEYING_TRACES, SECOND_FORM_BACK, SECOND_FORM_TRACE, KeyedRecordMissing, chain_hash, head_mac,
                    keyed_record_ok, link_hash)
from .collection_times import answers_while_closed
from .kiosks import unrecorded_kiosks
from .common import DamagedDatabase
from .groups import counted, stored


class NotPermitted(RuntimeError):
    """The role connected may not read the database's tables (a dump restored as another role): nothing is
    known about the data, which is not called damaged."""


PERMISSION_DENIED = "42501"  # PostgreSQL's insufficient_privilege


@contextmanager
def reading_damage():
    """A driver error while reading everything (a malformed page, a truncated file) as DamagedDatabase; a
    role without the privileges to read as NotPermitted."""
    try:
        yield
    except Exception as e:
        if type(e).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        if getattr(e, "sqlstate", None) == PERMISSION_DENIED:
            raise NotPermitted(f"{' '.join(str(e).split())}: the role connecting does not own the restored tables."
                               " Restore the backup as the app's role into a database it owns (pg_restore"
                               " --no-owner --role ROLE), or connect as the role that owns them") from e
        raise DamagedDatabase(" ".join(str(e).split()) or type(e).__name__) from e


@dataclass(frozen=True)
class Verification:
    responses: int  # responses checked
    bad_responses: tuple[tuple[int, str], ...]  # (response id, what does not match)
    count_problems: tuple[str, ...]  # tallies, response counts or chain heads that differ from a recount

    @property
    def ok(self) -> bool:
        return not self.bad_responses and not self.count_problems


def _answers_by_response(conn):
    """(response id, [(question, value), ...]) in id order, streamed."""
    rid, items = None, []
    for response_id, q, v in conn.stream("select response_id, question_id, value from answers order by response_id"):
        if response_id != rid:
            if rid is not None:
                yield rid, items
            rid, items = response_id, []
        items.append((q, v))
    if rid is not None:
        yield rid, items


_RECOUNT_TALLIES = ("select r.survey_id, r.point_id, a.question_id, a.value, count(*) from answers a"
                    " join responses r on r.id = a.response_id where r.status = 'valid' group by 1, 2, 3, 4")
_RECOUNT_RESPONSES = ("select survey_id, point_id, substr(submitted_at, 1, 13), status, count(*) from responses"
                      " group by 1, 2, 3, 4")


def _differences(conn, recount_sql: str, kept_sql: str, name) -> list[str]:
    """Each key whose running count (``kept_sql``: four key columns and n) differs from a recount."""
    recount = {tuple(r[:4]): r[4] for r in conn.execute(recount_sql).fetchall()}
    kept = {tuple(r[:4]): r[4] for r in conn.execute(kept_sql + " where n != 0").fetchall()}
    return [f"{name(k)}: kept {kept.get(k, 0)}, recount {recount.get(k, 0)}"
            for k in sorted(set(recount) | set(kept), key=repr) if recount.get(k, 0) != kept.get(k, 0)]


def _group_differences(conn) -> list[str]:
    """Each folded breakdown pair (group question, item) whose stored counts differ from a recount of the
    responses it has folded, and counts kept for a pair never folded."""
    problems, folded = [], set()
    for survey_id, group_id, item_id, upto in conn.execute(
            "select survey_id, group_id, question_id, response_id from group_folds order by 1, 2, 3").fetchall():
        folded.add((survey_id, group_id, item_id))
        recount, kept = counted(conn, survey_id, group_id, item_id, upto=upto), stored(conn, survey_id, group_id, item_id)
        if +recount != +kept:
            problems.append(f"breakdown counts of survey {survey_id}, {item_id} by {group_id}, differ from a recount"
                            " of its responses (changed behind Manyi's back)")
    for survey_id, group_id, item_id in conn.execute("select distinct survey_id, group_id, question_id"
                                                     " from group_tallies where n != 0 order by 1, 2, 3").fetchall():
        if (survey_id, group_id, item_id) not in folded:
            problems.append(f"breakdown counts of survey {survey_id}, {item_id} by {group_id}, kept without a"
                            " record of what they count (added behind Manyi's back)")
    return problems


_COLUMNS = ("id", "survey_id", "point_id", "questionnaire_version", "submission_key", "submitted_at",
            "prev_hash", "hash", "seconds_on_page", "language", "device_hash", "channel")
_AUDIT = ("id", "at", "user", "action", "survey_id", "response_id", "detail", "state", "prev_hash", "hash")


class Integrity:
    def verify(self) -> Verification:
        """Recompute the hash chains and recount tallies and response counts; name every mismatch.

        Read in one snapshot. A response is named when its stored hash does not match its fields and
        answers (an edit), or when its link does not match the hash before it in its chain (a response
        removed or re-hashed before it); a chain head that is not its point's newest response names
        the newest responses removed.
        """
        with reading_damage(), self.snapshot() as snap:
            snap.check_chain_key()  # another key: one line, not every link called forged
            try:
                return snap._verify(snap._read())
            except (ValueError, KeyError, TypeError) as e:  # a value Manyi never writes, where it reads one
                return Verification(0, (), (f"verify stopped: the database holds a value Manyi never writes"
                                            f" ({type(e).__name__}: {' '.join(str(e).split())[:200]}): changed"
                                            " behind Manyi's back",))

    def _verify(self, conn) -> Verification:
        meta = self.store_meta() if self._has_table("store_meta") else {}
        if meta:
            legacy_last, genesis = int(meta.get("legacy_last_id", "0")), meta.get("genesis", "")
        else:  # a file from before per-point chains (an old backup): one global chain
            legacy_last, genesis = 2**63, conn.value("select hash from responses order by id desc limit 1") or ""
        key = self._chain_key() if "keyed_mac" in meta else None
        problems = []
        plain_last, audit_last = 2**63, 2**63  # a file never keyed (an old backup): every link is plain
        if key is not None:
            plain_last, audit_last = int(meta["keyed_from_response"]), int(meta["keyed_from_audit"])
            if not keyed_record_ok(key, meta):
                problems.append("the record of where the keyed links begin does not match its MAC (changed, or"
                                " verified with another key)")
            elif meta.get("keyed_format") != "2" and conn.value(SECOND_FORM_TRACE) is not None:
                problems.append(SECOND_FORM_BACK)
        elif self._has_table("survey_heads") and conn.value(KEYING_TRACES) is not None:
            problems.append(str(KeyedRecordMissing()))
        bad, checked, legacy_prev = [], 0, ""
        columns = _COLUMNS if key is not None else _COLUMNS[:8]
        heads: dict[int, tuple[int, str]] = {}  # point -> (last response id, its hash)
        answers = _answers_by_response(conn)  # a second cursor of the same snapshot
        pending = next(answers, None)
        for values in conn.stream(f"select {', '.join(columns)} from responses order by id"):
            row = dict(zip(columns, values))
            while pending is not None and pending[0] < row["id"]:
                bad.append((pending[0], "answers without a response"))
                pending = next(answers, None)
            mine = []
            if pending is not None and pending[0] == row["id"]:
                mine, pending = pending[1], next(answers, None)
            checked += 1
            if row["id"] <= legacy_last:
                prev, legacy_prev = legacy_prev, row["hash"]
            else:
                prev = heads.get(row["point_id"], (0, genesis))[1]
                heads[row["point_id"]] = (row["id"], row["hash"])
            if row["prev_hash"] != prev:
                bad.append((row["id"], "link to the previous response does not match (a response removed or re-hashed)"))
            expected = (chain_hash(row["prev_hash"], row, mine) if row["id"] <= plain_last
                        else link_hash(key, row["prev_hash"], row, mine))
            if expected != row["hash"]:
                bad.append((row["id"], "stored hash does not match its fields and answers (edited)"))
        while pending is not None:
            bad.append((pending[0], "answers without a response"))
            pending = next(answers, None)
        if legacy_prev != genesis:
            problems.append("the chain kept from before per-point chains does not end at its recorded head"
                            " (its newest responses were removed or changed)")
        kept_heads = conn.execute(f"select point_id, response_id, hash, {'mac' if key else 'null'} from chain_heads"
                                  ).fetchall() if legacy_last < 2**63 or key is not None else []
        if legacy_last < 2**63 or key is not None:  # per-point chains: every point has its head, always
            held = {row[0] for row in kept_heads}
            for (point_id,) in conn.execute("select id from points order by id").fetchall():
                if point_id not in held:
                    problems.append(f"point {point_id} has no chain head (removed: its chain's newest responses"
                                    " could then go unseen)")
            for point_id in sorted(set(heads) - held):
                problems.append(f"responses at point {point_id} but no chain head for it")
        for point_id, response_id, head, mac in kept_heads:
            if key is not None and mac != head_mac(key, "point", point_id, response_id, head):
                problems.append(f"chain head of point {point_id} does not match its MAC (moved or rewritten)")
            newest = heads.get(point_id, (0, genesis))
            if newest[0] != response_id:
                problems.append(f"chain head of point {point_id}: kept response {response_id}, newest stored"
                                f" {newest[0]} (responses removed or added behind Manyi's back)")
            elif newest[1] != head:
                problems.append(f"chain head of point {point_id} (response {response_id}) does not match the newest"
                                " stored hash (the newest response re-hashed, or the head changed)")
        for rid, status, reason, logged, why in conn.execute(  # an exclusion done outside Manyi is in no chain
                "select r.id, r.status, r.exclude_reason, l.action, l.detail from responses r left join audit_log l"
                " on l.id = (select max(x.id) from audit_log x where x.response_id = r.id"
                " and x.survey_id = r.survey_id and x.action in ('exclude', 'restore'))"
                " where r.status != 'valid' or r.exclude_reason is not null or l.id is not null order by r.id").fetchall():
            if status != ("excluded" if logged == "exclude" else "valid"):  # 'valid' and 'excluded' only
                bad.append((rid, f"status {status!r} does not match the audit log (last entry: {logged or 'none'})"))
            elif status == "valid" and reason is not None:  # a restore clears it (responses.set_response_status)
                bad.append((rid, "an exclusion reason on a valid response (written behind Manyi's back)"))
            elif status == "excluded" and key is not None and (reason or "") != (why or ""):
                bad.append((rid, "exclusion reason does not match the audit log"))
        if key is not None:
            bad += answers_while_closed(conn)  # the status set to open behind Manyi's back for a while
            problems += self._verify_audit_chains(conn, key, audit_last)
            problems += verify_account_chain(conn, key, audit_last, self._has_table("accounts_head"))
            if self._has_table("kiosks"):  # a backup made before m020 has none
                problems += unrecorded_kiosks(conn)
        problems += _differences(conn, _RECOUNT_TALLIES, "select survey_id, point_id, question_id, value, n from tallies",
                                 lambda k: f"tally survey {k[0]} point {k[1]} {k[2]}={k[3]!r}")
        problems += _differences(conn, _RECOUNT_RESPONSES, "select survey_id, point_id, hour, status, n from response_counts",
                                 lambda k: f"response count survey {k[0]} point {k[1]} hour {k[2]} {k[3]}")
        if self._has_table("group_folds"):  # a backup made before breakdowns has none
            problems += _group_differences(conn)
        return Verification(checked, tuple(bad), tuple(problems))

    def _verify_audit_chains(self, conn, key, audit_last: int) -> list[str]:
        """Each survey's audit chain: links, the digest of the lines before keying, the head and its MAC, and
        the survey's settings against the state its newest line recorded."""
        problems, chains = [], {}  # survey -> (lines before keying, last keyed line or None)
        names = ", ".join('"user"' if c == "user" else c for c in _AUDIT)
        for values in conn.stream(f"select {names} from audit_log where survey_id is not null order by id"):
            entry = dict(zip(_AUDIT, values))
            earlier, last = chains.setdefault(entry["survey_id"], ([], None))
            if entry["id"] <= audit_last:
                earlier.append(entry)
                continue
            prev = last["hash"] if last is not None else None
            if prev is None:  # the survey's first keyed line: after its earlier lines (or none, if made since)
                allowed = {legacy_digest(earlier), ""} if not earlier else {legacy_digest(earlier)}
                if entry["prev_hash"] not in allowed:
                    problems.append(f"audit line {entry['id']}: the lines before it were changed or removed")
            elif entry["prev_hash"] != prev:
                problems.append(f"audit line {entry['id']}: its link to the line before does not match"
                                " (a line removed, inserted or re-linked)")
            if entry["hash"] != entry_link(key, entry["prev_hash"] or "", entry):
                problems.append(f"audit line {entry['id']} does not match its link (edited or forged)")
            chains[entry["survey_id"]] = (earlier, entry)
        heads = {row[0]: tuple(row[1:]) for row in
                 conn.execute("select survey_id, audit_id, hash, mac from survey_heads").fetchall()}
        surveys = [row[0] for row in conn.execute("select id from surveys order by id").fetchall()]
        columns = tuple(d[0] for d in conn.execute("select * from surveys where 1 = 0").description)
        margins = self._has_table("population_margins")  # both absent from a backup made before them
        for survey_id in sorted(set(chains) - set(surveys), key=lambda s: (s is None, s or 0)):
            if chains[survey_id][1] is not None:  # keyed lines of no survey: a chain made to hide lines in
                problems.append(f"audit lines of survey {survey_id}, which is not in this database (a chain made"
                                " up, or a survey removed)")
        for survey_id in surveys:
            last = chains.get(survey_id, ([], None))[1]
            head = heads.get(survey_id)
            if last is None or head is None:
                problems.append(f"survey {survey_id}: its audit chain or chain head is missing")
                continue
            audit_id, link, mac = head
            if (audit_id, link) != (last["id"], last["hash"]):
                problems.append(f"survey {survey_id}: the chain head is audit line {audit_id}, the newest line is"
                                f" {last['id']} (lines removed or added behind Manyi's back)")
            if mac != head_mac(key, "survey", survey_id, audit_id, link):
                problems.append(f"survey {survey_id}: the chain head does not match its MAC")
            state = survey_state(conn, survey_id, columns, margins=margins)
            changed = changed_settings(state, last["state"])
            if digest_differs(state, last["state"]):
                problems.append(f"survey {survey_id}: its questionnaire digest differs from what its audit chain"
                                " recorded (rewritten behind Manyi's back: the questionnaire it was created with"
                                " can no longer be told from another)")
            elif changed:
                problems.append(f"survey {survey_id}: its settings (target, rule, population, 办件量, points,"
                                " title, weighting, who may see it …) differ from what its audit chain recorded (changed behind"
                                f" Manyi's back: {', '.join(changed)})")
        return problems
