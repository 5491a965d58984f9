"""Reading answer counts from JSON or CSV for the command line (format: analysis/README.md).

Every item comes out as ``{"id", "label", "name", "counts", "points", "satisfied", "role", "figure_label"}``
(``name``: how the output names it, a download's question by the form's number, '第 7 题 您对…', else the id
and label; ``figure_label``, from a survey download, names the C51 figure as the dashboard does:
{"rate": "满意率（前三项）"}), with the defaults filled in: codes within A–E get the ladder 100/80/60/40/20 and the top-2 box {A, B} unless the file says
otherwise; other codes need ``satisfied`` (and ``points`` for a score).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

DEFAULT_POINTS = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
DEFAULT_SATISFIED = ("A", "B")
ROLES = ("satisfaction", "awareness", "demographic", "other")  # as the questionnaire files say; only the first is judged
_TRUE = {"1", "true", "yes", "y", "x", "是", "✓"}
_FALSE = {"0", "false", "no", "n", "否", ""}


def load_items(path) -> dict:
    """``{"title", "population", "items": [...], "defaults", "warning"}`` from a .json or .csv file (``warning``: a
    survey download's line that its settings were changed outside Manyi, else None)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8-sig")
    warning = None
    if file.suffix.lower() == ".csv":
        raw = _from_csv(text, file.name)
    else:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{file.name} is not valid JSON: {error}") from None
        if isinstance(raw, list):
            raw = {"items": raw}
        elif isinstance(raw, dict) and isinstance(raw.get("questions"), list) and isinstance(raw.get("survey"), dict):
            raw = _from_download(raw, file.name)
            warning = raw.pop("warning")
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list) or not raw["items"]:
        raise ValueError(f"{file.name}: expected {{\"items\": [...]}} with at least one item")
    items = [_item(entry, i) for i, entry in enumerate(raw["items"])]
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{file.name}: item ids repeat: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    return {"title": raw.get("title"), "population": raw.get("population"), "items": items,
            "defaults": raw.get("defaults") or {}, "warning": warning}


def _from_download(raw: dict, name: str) -> dict:
    """A survey's JSON download (结果 JSON): its scale items, with the survey's rule, target, population and
    C51 figure as defaults, so that the command judges the headline as the dashboard does."""
    survey, headline = raw["survey"], raw.get("headline") or {}
    items = []
    judged = headline.get("satisfied")  # the codes the headline rate counts (top-2, top-3 or the questionnaire's)
    method = (headline.get("deciding_bound") or {}).get("method") or ""
    named = {} if method.startswith("stratified") else {headline.get("figure"): headline.get("label")}
    for q in raw["questions"]:
        options = q.get("options") or []
        rate = q.get("rate") or {}
        if q.get("type") != "single" or not rate or not options:
            continue
        counts = {o["code"]: o["count"] for o in options if not o.get("not_applicable")}
        ladder = {o["code"]: o["points"] for o in options if o.get("points") is not None and not o.get("not_applicable")}
        c51 = q["id"] == headline.get("item")
        items.append({"id": q["id"], "label": q.get("text", ""), "name": _title(q), "counts": counts,
                      "role": q.get("role") or "satisfaction",
                      "points": ladder if len(ladder) == len(counts) else None,
                      "satisfied": judged if judged and c51 else rate["satisfied"],
                      "figure_label": named if c51 else None})  # a stratified label is not the totals'
    if not items:
        raise ValueError(f"{name}: the survey download holds no answered scale item")
    if headline.get("item"):
        items.sort(key=lambda item: item["id"] != headline["item"])   # the C51 item first
    # downloads before 2026-12 named the headline's figures *_pct even for a score in 分: still read
    target = headline.get("target", headline.get("target_pct"))
    defaults = {"rule": survey.get("rule"), "target_pct": target or survey.get("target"),
                "points_from": headline.get("figure")}
    judged = {"label": headline.get("label"), "value": headline.get("value", headline.get("value_pct")),
              "figure": headline.get("figure"),
              "verdict_text": headline.get("verdict_text") or f"verdict {headline.get('verdict') or '?'}"}
    if method.startswith("stratified"):  # per-point counts are not in the file: the totals give another estimate
        defaults["stratified"] = judged
    elif headline and not headline.get("item"):
        # a weighted composite (综合满意度得分): its per-respondent scores are not in the file, only the items' counts
        titles = {q["id"]: _title(q) for q in raw["questions"]}
        defaults["composite"] = {**judged, "weights": {titles.get(qid, qid): w for qid, w in
                                                       (headline.get("weights") or {}).items()}}
    population = headline["population"] if "population" in headline else survey.get("population")
    warning = raw.get("warning")  # settings changed outside Manyi: the download's own line, said again
    return {"title": survey.get("title"), "population": population, "items": items, "defaults": defaults,
            "warning": " ".join(warning.split()) if isinstance(warning, str) and raw.get("unrecorded_settings") else None}


def _title(question: dict) -> str:
    """A download's question as the documents name it, by the form's number ('第 7 题 您对…'; the download's
    ``title``), never by its id alone; a download from before titles were written: its id and text."""
    return question.get("title") or f"{question['id']} {question.get('text', '')}".strip()


def _item(entry, index) -> dict:
    if not isinstance(entry, dict) or "counts" not in entry:
        raise ValueError(f"items[{index}] needs at least \"counts\"")
    item_id = str(entry.get("id", f"Q{index + 1}"))
    counts = entry["counts"]
    if not isinstance(counts, dict) or not counts:
        raise ValueError(f"item {item_id!r}: counts must map option codes to counts")
    standard = set(counts) <= set(DEFAULT_POINTS)
    points = entry.get("points")
    if points is None and standard:
        points = {code: DEFAULT_POINTS[code] for code in DEFAULT_POINTS}
    satisfied = entry.get("satisfied")
    if satisfied is None:
        if not standard:
            raise ValueError(f"item {item_id!r}: options are not A–E, so say which count as satisfied "
                             "(\"satisfied\": [...])")
        satisfied = list(DEFAULT_SATISFIED)      # codes left out of counts count as 0 answers
    else:
        if isinstance(satisfied, str) or not isinstance(satisfied, list):
            raise ValueError(f"item {item_id!r}: satisfied must be a list of option codes")
        unknown = [code for code in satisfied if code not in counts]
        if unknown:       # a file that names its satisfied codes must name real ones (catches typos)
            raise ValueError(f"item {item_id!r}: satisfied names unknown option(s) {', '.join(map(repr, unknown))}")
    role = entry.get("role", "satisfaction")
    if role not in ROLES:
        raise ValueError(f"item {item_id!r}: role must be one of {', '.join(ROLES)}, got {role!r}")
    label = entry.get("label", "")
    return {"id": item_id, "label": label, "name": entry.get("name") or f"{item_id} {label or ''}".strip(),
            "counts": counts, "points": points,
            "satisfied": satisfied, "role": role, "figure_label": entry.get("figure_label") or {}}


def _from_csv(text: str, name: str) -> dict:
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ("item", "option", "count") if c not in columns]
    if missing:
        raise ValueError(f"{name}: the header needs columns item,option,count (missing: {', '.join(missing)})")
    reader.fieldnames = columns
    grouped: dict[str, dict] = {}
    for line, row in enumerate(reader, start=2):
        item = (row.get("item") or "").strip()
        option = (row.get("option") or "").strip()
        if not item or not option:
            raise ValueError(f"{name}, line {line}: item and option must not be empty")
        entry = grouped.setdefault(item, {"id": item, "counts": {}, "points": {}, "satisfied": [], "marks": 0})
        if option in entry["counts"]:
            raise ValueError(f"{name}, line {line}: option {option!r} of item {item!r} appears twice")
        entry["counts"][option] = _number(row.get("count"), name, line, "count", whole=True)
        if (row.get("label") or "").strip():
            entry["label"] = row["label"].strip()
        if (row.get("points") or "").strip():
            entry["points"][option] = _number(row["points"], name, line, "points")
        mark = (row.get("satisfied") or "").strip().lower()
        if mark not in _TRUE | _FALSE:
            raise ValueError(f"{name}, line {line}: satisfied must be 1/0 (or yes/no, 是/否), got {mark!r}")
        if mark in _TRUE:
            entry["satisfied"].append(option)
        entry["marks"] += mark != ""
    items = []
    for entry in grouped.values():
        if entry["points"] and len(entry["points"]) != len(entry["counts"]):
            raise ValueError(f"{name}: item {entry['id']!r} gives points for some options but not all")
        items.append({"id": entry["id"], "label": entry.get("label", ""), "counts": entry["counts"],
                      "points": entry["points"] or None,
                      "satisfied": entry["satisfied"] if entry["marks"] else None})
    return {"items": items}


def _number(text, name, line, column, whole=False):
    raw = (text or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}, line {line}: {column} must be a number, got {raw!r}") from None
    if whole:
        if not value.is_integer() or value < 0:
            raise ValueError(f"{name}, line {line}: {column} must be a whole number ≥ 0, got {raw!r}")
        return int(value)
    return value
