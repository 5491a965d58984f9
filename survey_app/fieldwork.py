"""An honest response rate (issue #12 item 7): what each collection point's fieldwork gave, beside what
came back. Online, "发放 = 回收" says nothing, so two rates with real denominators:

- 完成率 (completion rate) = 扫码提交 ÷ 扫码打开: scanned responses per opening of the respondent page
  (opens counted by the store, per page load: a citizen who reloads counts twice); a hall tablet's answers
  (平板, store/kiosks.py) and its pages are neither;
- 纸质回收率 = 纸质问卷录入 ÷ 发放份数: paper forms entered (store/paper.py) per paper form handed out;
- 应答率 (response rate) = 有效 ÷ 办件量: valid responses per transaction served at the point while
  collecting, entered by the evaluator (the denominator the regulations' "服务对象" means).

``Fieldwork.shares`` are the points' shares of transactions (办件量占比), the strata weights of a
stratified estimate. Every figure here is a ratio of counts shown beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .store import KIOSK, PAPER


def collection_state(survey: dict, tz: str) -> str:
    """'open', 'not-yet-open' or 'closed' for a survey today, as citizens meet it: its status and its dates
    (local to the survey's region)."""
    today = datetime.now(ZoneInfo(tz)).date().isoformat()
    if survey["status"] in ("closed", "archived") or (survey["closes_on"] and today > survey["closes_on"]):
        return "closed"
    if survey["status"] == "draft" or (survey["opens_on"] and today < survey["opens_on"]):
        return "not-yet-open"
    return "open"


def _pct(part: int, whole: int | None) -> float | None:
    return None if not whole else 100.0 * part / whole


@dataclass(frozen=True)
class PointFieldwork:
    """One collection point (or the total row, id None): issued and served are None when not entered."""
    id: int | None
    name: str
    code: str
    issued: int | None  # 发放份数 (paper forms handed out)
    served: int | None  # 办件量 / 服务人次 during fieldwork
    opens: int  # 扫码打开 (page opens)
    returned: int  # 提交（回收）, scanned and paper
    valid: int  # 有效
    paper: int = 0  # of ``returned``: paper forms entered by an evaluator (channel 纸质)
    kiosk: int = 0  # of ``returned``: answers on a hall's own tablet (channel 平板)

    @property
    def scanned(self) -> int:
        """扫码提交: the answers citizens sent from their phones."""
        return self.returned - self.paper - self.kiosk

    @property
    def completion_rate_pct(self) -> float | None:
        """扫码提交 ÷ 扫码打开, in percent; None with no opens, or fewer opens than submissions (the counter
        started after collection did, or a worker lost its last seconds of counts): no honest rate."""
        if self.opens < self.scanned:
            return None
        return _pct(self.scanned, self.opens)

    @property
    def paper_rate_pct(self) -> float | None:
        """纸质问卷录入 ÷ 发放份数 (纸质回收率), in percent; None when 发放份数 is not entered (or 0), or is fewer
        than the forms entered (a typo in it: no honest rate, as the dashboard says)."""
        if self.issued is not None and self.issued < self.paper:
            return None
        return _pct(self.paper, self.issued)

    @property
    def response_rate_pct(self) -> float | None:
        """有效 ÷ 办件量, in percent; None when 办件量 is not entered (or 0)."""
        return _pct(self.valid, self.served)


@dataclass(frozen=True)
class Fieldwork:
    """Every collection point of a survey, with totals and the points' shares of transactions."""
    points: tuple[PointFieldwork, ...]

    @property
    def complete(self) -> bool:
        """Whether 办件量 is entered (> 0) at every point with valid responses: only then do the total
        response rate and the shares mean what they say."""
        return any(p.served for p in self.points) and all(p.served for p in self.points if p.valid > 0)

    @property
    def total(self) -> PointFieldwork:
        """The total row: sums of the counts; 发放 summed over the points that entered it (None if none did, or
        if a point with paper forms entered has none, or fewer than entered: the sum would inflate the 纸质回收率,
        or hide the typo); 办件量 summed only when ``complete`` (else None, for the same reason)."""
        checked = not self.missing_issued and not self.short_issued
        issued = [p.issued for p in self.points if p.issued is not None] if checked else []
        served = sum(p.served or 0 for p in self.points) if self.complete else None
        return PointFieldwork(None, "合计", "", sum(issued) if issued else None, served,
                              sum(p.opens for p in self.points), sum(p.returned for p in self.points),
                              sum(p.valid for p in self.points), sum(p.paper for p in self.points),
                              sum(p.kiosk for p in self.points))

    @property
    def shares(self) -> dict[int, float] | None:
        """Point id → served ÷ Σ served (办件量占比), over the points with 办件量 entered, summing to 1;
        None unless ``complete``. A point with 办件量 but no valid response keeps its share: the
        stratified estimate must say that stratum is empty, not drop it silently."""
        if not self.complete:
            return None
        total = sum(p.served or 0 for p in self.points)
        return {p.id: p.served / total for p in self.points if p.served is not None}

    @property
    def missing_issued(self) -> list[str]:
        """Names of the points with paper forms entered whose 发放份数 is not entered (or 0)."""
        return [p.name for p in self.points if p.paper > 0 and not p.issued]

    @property
    def short_issued(self) -> list[str]:
        """Names of the points whose 发放份数 is fewer than the paper forms entered there (a typo to correct)."""
        return [p.name for p in self.points if p.issued is not None and p.issued < p.paper]

    @property
    def missing_served(self) -> list[str]:
        """Names of the points with valid responses whose 办件量 is not entered (or 0)."""
        return [p.name for p in self.points if p.valid > 0 and not p.served]


def fieldwork(database, survey_id: int, point_counts: list[dict]) -> Fieldwork:
    """The survey's fieldwork: ``database.fieldwork(survey_id)`` joined to ``point_counts``
    (``database.point_counts(survey_id)``: dicts with id, name, code, returned, valid)."""
    counts = {row["id"]: row for row in point_counts}
    channels = database.channel_counts(survey_id)
    points = []
    for row in database.fieldwork(survey_id):
        c = counts.get(row["point_id"], {})
        other = channels.get(row["point_id"], {})
        points.append(PointFieldwork(row["point_id"], row["name"], row["code"], row["issued"], row["served"],
                                     int(row["opens"]), int(c.get("returned", 0)), int(c.get("valid", 0)),
                                     other.get(PAPER, 0), other.get(KIOSK, 0)))
    return Fieldwork(tuple(points))
