"""Population margins for raking (加权估计, issue #14): the evaluator's known population shares of the options
of one or two demographic questions (e.g. sex and age from the department's client records).

A survey's margins are replaced whole, with their audit line, in one write transaction: a failed save
leaves the earlier margins as they were. Margins never decide a verdict, so they are not part of the
survey's chained state (store/audit.py); the audit line records what was entered and where it came from.
"""
from __future__ import annotations

import math
import numbers

from .common import Audit

MAX_QUESTIONS = 2  # raked questions per survey: more cells than a survey of a few hundred can fill
AUDIT_ACTION = "population_margins"


def _checked(margins: dict) -> list[tuple[str, str, float]]:
    """The rows to store, or ValueError naming the question and option at fault."""
    if not isinstance(margins, dict):
        raise ValueError(f"margins must map question id -> {{option code: share}}, got {type(margins).__name__}")
    if len(margins) > MAX_QUESTIONS:
        raise ValueError(f"at most {MAX_QUESTIONS} questions can be raked, got {len(margins)}: {sorted(margins)}")
    rows = []
    for qid, shares in margins.items():
        if not isinstance(qid, str) or not qid or not isinstance(shares, dict) or not shares:
            raise ValueError(f"margins[{qid!r}] must be a non-empty dict of option code -> share")
        for code, share in shares.items():
            if not isinstance(code, str) or not code:
                raise ValueError(f"margins[{qid!r}] has an option code that is not a non-empty string: {code!r}")
            if isinstance(share, bool) or not isinstance(share, numbers.Real) or not math.isfinite(share) \
                    or not 0 <= share <= 1:
                raise ValueError(f"margins[{qid!r}][{code!r}] must be a share from 0 to 1, got {share!r}")
            rows.append((qid, code, float(share)))
    return rows


class Margins:
    def population_margins(self, survey_id: int) -> dict[str, dict[str, float]]:
        """question id -> {option code: population share (0–1)}; {} when none were entered."""
        margins: dict[str, dict[str, float]] = {}
        for row in self._read().rows("select question_id, value, share from population_margins where survey_id = ?"
                                     " order by question_id, value", [survey_id]):
            margins.setdefault(row["question_id"], {})[row["value"]] = float(row["share"])
        return margins

    def set_population_margins(self, survey_id: int, margins: dict[str, dict[str, float]], *, audit: Audit) -> None:
        """Replace every margin of the survey with ``margins`` ({} clears them), with ``audit``'s line, in one
        write transaction. Checks only the shape (shares from 0 to 1): whether the shares add up and the
        raking converges is the caller's (survey_app/weighting.py), before it calls this."""
        rows = _checked(margins)

        def body(conn):
            self._survey_unchanged(conn, survey_id)  # else its line would record a forgery as genuine
            conn.execute("delete from population_margins where survey_id = ?", [survey_id])
            for qid, code, share in rows:
                conn.execute("insert into population_margins (survey_id, question_id, value, share) values (?, ?, ?, ?)",
                             [survey_id, qid, code, share])
            self._audit(conn, audit, survey_id)
        self._write(body)

    def population_margins_entry(self, survey_id: int) -> dict | None:
        """The audit line of the survey's latest change of margins (at, user, detail: what was entered and
        its 来源), or None."""
        return self._read().row("select at, \"user\", detail from audit_log where survey_id = ? and action = ?"
                                " order by id desc limit 1", [survey_id, AUDIT_ACTION])
