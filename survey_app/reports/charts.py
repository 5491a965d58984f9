"""Bar charts (PNG) of one question's counts and percentages, and forest charts of a breakdown (each
group's rate or score with its interval against the overall figure), with Chinese labels.

The CJK font is found by name among the fonts matplotlib knows (fonts-noto-cjk on Debian:
``make system-deps``); when none is installed this fails loudly instead of drawing tofu boxes.
Only the object-oriented API is used (Figure + Agg canvas): no pyplot, no global state.
"""
from __future__ import annotations

import io
import math
import textwrap
import warnings
from functools import lru_cache

from analysis import formatting
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC")
BAR_COLOR = "#2f6f9f"
MARKED_COLOR = "#c0392b"  # a group marked higher or lower than the rest of the survey
SMALL_COLOR = "#a0a0a0"  # a group below the smallest size shown: 样本不足
FALLBACK = "DejaVu Sans"  # matplotlib's own font: U+FFFD and the like, which CJK fonts lack


class FontNotFound(RuntimeError):
    """No font with Chinese glyphs is installed, so a chart would show empty boxes."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The family name of an installed CJK font (preferring Simplified Chinese)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in names:
            return name
    cjk = sorted(n for n in names if "CJK" in n and "Mono" not in n)
    if cjk:
        return next((n for n in cjk if n.endswith(" SC")), cjk[0])
    raise FontNotFound(
        "No CJK font found for the charts (they would show empty boxes instead of Chinese). "
        "Install one, e.g. `sudo apt-get install fonts-noto-cjk` (make system-deps), "
        "then delete matplotlib's font cache (~/.cache/matplotlib) and retry.")


def font() -> font_manager.FontProperties:
    return font_manager.FontProperties(family=cjk_family())


BAR_WIDTH_PT = 6.4 * 72 * 0.85  # the bars' axes, about: the figure's width less the count axis


def bar_chart(title: str, labels: list[str], counts: list[int], percents: list[float]) -> bytes:
    """A PNG bar chart: one bar per option, labelled with count and percentage."""
    out = io.BytesIO()
    bar_figure(title, labels, counts, percents).savefig(out, format="png")
    return out.getvalue()


def bar_figure(title: str, labels: list[str], counts: list[int], percents: list[float]) -> Figure:
    """The bar chart's Figure. Each option's label wraps to the room under its bar (7 options: 5 characters a
    line), and with more than five bars a bar's count and percentage take two lines, so no two labels overlap."""
    prop = font()
    fig = Figure(figsize=(6.4, 3.6), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = range(len(labels))
    bars = ax.bar(positions, counts, color=BAR_COLOR, width=0.6)
    per_line = max(2, min(8, int(BAR_WIDTH_PT / max(len(labels), 1) / 9.5)))  # 9-pt Chinese characters
    ax.set_xticks(list(positions), [_tick(str(lab), per_line) for lab in labels], fontproperties=prop, fontsize=9)
    ax.set_ylabel("人数", fontproperties=prop)
    ax.set_title(title, fontproperties=prop, fontsize=11)
    top = max(counts, default=0)
    ax.set_ylim(0, max(1, top) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    between = "\n" if len(labels) > 5 else ""
    for bar, count, pct in zip(bars, counts, percents):
        ax.annotate(f"{count} 人{between}（{formatting.pct(pct)}）", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontproperties=prop, fontsize=8 if len(labels) <= 8 else 7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


NOT_AT_LINE_START = "、，。；：！？）》”’"  # Chinese punctuation that closes: never the first of a line
NOT_AT_LINE_END = "（《“‘"  # ... that opens: never the last


def _tick(text: str, per_line: int) -> str:
    """An option's label in lines of at most ``per_line`` characters, as even as they go (医疗费/用报销, not
    医疗费用报/销), a closing punctuation mark kept at the end of its line (参保登记、/缴费), an opening one at
    the start of the next."""
    lines = max(1, math.ceil(len(text) / per_line))
    parts = textwrap.wrap(text, max(1, math.ceil(len(text) / lines))) or [" "]
    for i in range(1, len(parts)):
        while parts[i] and parts[i][0] in NOT_AT_LINE_START:
            parts[i - 1], parts[i] = parts[i - 1] + parts[i][0], parts[i][1:]
        while len(parts[i - 1]) > 1 and parts[i - 1][-1] in NOT_AT_LINE_END:
            parts[i - 1], parts[i] = parts[i - 1][:-1], parts[i - 1][-1] + parts[i]
    return "\n".join(p for p in parts if p)


def question_chart(qr, title: str) -> bytes:
    """The chart of one question of a SurveyResult (its percent table, zeros included)."""
    labels = [str(qr.question.option(row.code).label) if qr.question.options else str(row.code)
              for row in qr.table.rows]
    return bar_chart(title, labels, [row.count for row in qr.table.rows],
                     [row.percent for row in qr.table.rows])


def _label(text, width: int = 12, lines: int = 2) -> str:
    """Stored text (a point's name) as a chart can draw it: line breaks and other spaces as one space, every
    other unprintable code point as U+FFFD, at most ``lines`` lines of ``width``, a longer text cut with "…" at the
    end of its last line (基层定点医疗机构（乡镇卫/生院、社区卫生服务中…), and "$" literal (no mathtext)."""
    text = "".join(" " if ch.isspace() else ch if ch.isprintable() else "\ufffd" for ch in str(text))
    wrapped = textwrap.wrap(text, width) or [" "]
    if len(wrapped) > lines:  # textwrap's own max_lines drops a whole line of unspaced Chinese for its "…"
        wrapped = wrapped[:lines - 1] + [wrapped[lines - 1][:width - 1] + "…"]
    return "\n".join(wrapped).replace("$", r"\$")


def forest_chart(table, figure: str = "rate", title: str | None = None, axis_label: str | None = None,
                 target: float | None = None) -> bytes:
    """A PNG forest chart of a breakdown table (``breakdowns.BreakdownTable``): one line per group, top to
    bottom in the table's order, with the group's rate (in percent; ``figure="score"``: its score) and
    interval, and a dashed line at the overall figure. A group below the smallest size is grey and labelled
    样本不足 (n=…) without its figure; a marked group (higher or lower than the rest) is red and says so. A figure
    below the survey's ``target`` is labelled below it (``formatting.pct_below``: 94.97%, not 95.0%)."""
    rows, total = table.result.rows, table.result.total
    scale = 100.0 if figure == "rate" else 1.0
    names = (("rate", "rate_low", "rate_high", "marked", "direction") if figure == "rate" else
             ("score", "score_low", "score_high", "score_marked", "score_direction"))
    value, low, high, marked, direction = (lambda r, name=name: getattr(r, name) for name in names)

    def shown(x):
        return (formatting.pct_below(scale * x, target) if figure == "rate"
                else f"{formatting.num_below(x, target)} 分")

    prop = font_manager.FontProperties(family=[cjk_family(), FALLBACK])
    fig = Figure(figsize=(6.4, 1.2 + 0.42 * max(len(rows), 2)), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ends = [scale * x for r in rows if value(r) is not None and not r.small for x in (low(r), high(r))]
    if value(total) is not None:
        ends.append(scale * value(total))
    left, right = (min(ends), max(ends)) if ends else (0.0, scale)
    pad = max(1.0, 0.08 * (right - left))
    ax.set_xlim(left - pad, right + pad)
    ax.set_ylim(len(rows) - 0.4, -1.0)
    for y, r in enumerate(rows):
        emphasis = marked(r) and not r.small
        color = SMALL_COLOR if r.small else MARKED_COLOR if emphasis else BAR_COLOR
        if value(r) is not None and not r.small:  # a small group: its label and n only, no figure
            ax.hlines(y, scale * low(r), scale * high(r), color=color, linewidth=2.4 if emphasis else 1.4)
            ax.plot([scale * value(r)], [y], marker="D" if emphasis else "o", color=color,
                    markerfacecolor="white" if r.small else color, markersize=7 if emphasis else 5)
        if r.small:
            note = f"样本不足 (n={r.n})"
        else:
            note = f"{shown(value(r))} (n={r.n})"
            if emphasis:
                note += "，高于其余样本" if direction(r) == "higher" else "，低于其余样本"
        ax.annotate(note, (1.02, y), xycoords=("axes fraction", "data"), va="center", ha="left", color=color,
                    fontproperties=prop, fontsize=8, fontweight="bold" if emphasis else "normal")
    ax.set_yticks(range(len(rows)), [_label(r.label) for r in rows], fontproperties=prop, fontsize=9)
    for tick, r in zip(ax.get_yticklabels(), rows):
        tick.set_color(SMALL_COLOR if r.small else MARKED_COLOR if marked(r) else "black")
    if value(total) is not None:
        ax.axvline(scale * value(total), color="#555555", linestyle="--", linewidth=1)
        ax.annotate(f"总体 {shown(value(total))} (n={total.n})", (scale * value(total), -0.75), ha="center",
                    va="center", fontproperties=prop, fontsize=8, color="#555555",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_xlabel(axis_label or ("满意率（%）" if figure == "rate" else "满意度得分（分）"), fontproperties=prop)
    ax.set_title(_label(title or table.title, 40), fontproperties=prop, fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    out = io.BytesIO()
    with warnings.catch_warnings():  # a stored name may hold a glyph neither font has: a box, not a 500
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()
