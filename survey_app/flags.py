"""The review flags (data-quality marks on responses) in one place: their names, their settings and their
counts. The review page, its bulk actions and the documents (附件3 三（二）, the C51 working paper) all read
them here, so the counts a document discloses are the counts the review page shows."""
from __future__ import annotations

from dataclasses import dataclass

BURST_PER_MINUTE = 20  # the app's default (create_app): a point taking more submits in a minute is flagged
# Counting 直线作答 reads every response's answers (about 0.23 s per 100,000 responses on SQLite): the review
# page counts them up to this many responses (config STRAIGHT_COUNTED_UP_TO) and beyond it says where to find
# them (the documents always count).
STRAIGHT_COUNTED_UP_TO = 200_000
# In the order the review page explains them; keys are store.REVIEW_FLAGS.
LABELS = {"speeder": "用时过短", "straight": "直线作答", "device": "同一设备重复", "burst": "异常集中提交"}


def settings(config) -> dict:
    """The flags' thresholds from the app's configuration (SPEEDER_SECONDS, BURST_PER_MINUTE,
    STRAIGHT_COUNTED_UP_TO)."""
    return {"speeder_seconds": config.get("SPEEDER_SECONDS"),
            "burst": int(config.get("BURST_PER_MINUTE", BURST_PER_MINUTE)),
            "straight_up_to": int(config.get("STRAIGHT_COUNTED_UP_TO", STRAIGHT_COUNTED_UP_TO))}


def speeder_seconds(configured, questionnaire) -> int:
    """SPEEDER_SECONDS when configured, else max(15, 2 s × number of questions)."""
    return int(configured) if configured is not None else max(15, 2 * len(questionnaire.questions))


def scale_items(questionnaire) -> list[str]:
    """Single-choice items on a points ladder with at least 4 options (where straight-lining shows)."""
    return [q.id for q in questionnaire.questions
            if q.type == "single" and q.points is not None and len(q.options) >= 4]


@dataclass(frozen=True)
class Flags:
    """How many of a survey's responses (every status) carry each flag; a response may carry several."""
    counts: dict  # {flag: responses}, in LABELS' order (straight None when not counted)
    speeder_seconds: int
    burst: int

    def marked(self) -> list[tuple[str, int]]:
        """[(label, count)] of the flags some response carries, in LABELS' order."""
        return [(LABELS[k], n) for k, n in self.counts.items() if n]


def counts(database, survey_id: int, questionnaire, chosen: dict | None = None, *, straight: bool = True) -> Flags:
    """Every flag's count (store flag_counts, the review page's query); ``chosen``: ``settings(app.config)``
    (the defaults without it). ``straight`` False leaves 直线作答 uncounted (None): see STRAIGHT_COUNTED_UP_TO."""
    chosen = chosen or settings({})
    threshold = speeder_seconds(chosen["speeder_seconds"], questionnaire)
    found = database.flag_counts(survey_id, threshold=threshold, burst=chosen["burst"],
                                 scale_qids=scale_items(questionnaire) if straight else None)
    return Flags({k: found.get(k) for k in LABELS}, threshold, chosen["burst"])
