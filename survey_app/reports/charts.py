"""Bar charts (PNG) of one question's counts and percentages, with Chinese labels.

The CJK font is found by name among the fonts matplotlib knows (fonts-noto-cjk on Debian:
``make system-deps``); when none is installed this fails loudly instead of drawing tofu boxes.
Only the object-oriented API is used (Figure + Agg canvas): no pyplot, no global state.
"""
from __future__ import annotations

import io
import textwrap
from functools import lru_cache

from analysis import formatting
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC")
BAR_COLOR = "#2f6f9f"


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


def bar_chart(title: str, labels: list[str], counts: list[int], percents: list[float]) -> bytes:
    """A PNG bar chart: one bar per option, labelled with count and percentage."""
    prop = font()
    fig = Figure(figsize=(6.4, 3.6), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = range(len(labels))
    bars = ax.bar(positions, counts, color=BAR_COLOR, width=0.6)
    ax.set_xticks(list(positions), ["\n".join(textwrap.wrap(str(lab), 8)) or " " for lab in labels],
                  fontproperties=prop, fontsize=9)
    ax.set_ylabel("人数", fontproperties=prop)
    ax.set_title(title, fontproperties=prop, fontsize=11)
    top = max(counts, default=0)
    ax.set_ylim(0, max(1, top) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for bar, count, pct in zip(bars, counts, percents):
        ax.annotate(f"{count} 人（{formatting.pct(pct)}）", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontproperties=prop, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def question_chart(qr, title: str) -> bytes:
    """The chart of one question of a SurveyResult (its percent table, zeros included)."""
    labels = [str(qr.question.option(row.code).label) if qr.question.options else str(row.code)
              for row in qr.table.rows]
    return bar_chart(title, labels, [row.count for row in qr.table.rows],
                     [row.percent for row in qr.table.rows])
