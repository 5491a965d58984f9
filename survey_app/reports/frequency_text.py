"""The annex's 频数表 of a choice question: 选项 | 人数 (人次 for a multiple-choice one) | 占比, with a 合计 row, as
a ("table", caption, rows, note) block that ``annex`` lays out as a Word table like the C51 one (``_docx.grid``).
The counts and shares are the question's PercentTable, as the item's paragraph and the XLSX 频数 sheet print them.

Each share is its own count rounded (analysis.tables), so the printed column can add up to 99.9% or 100.1%:
then, and only then, the note goes under that table ("注：因四舍五入，合计可能不等于100%。"), as statistical
yearbooks print it and as the dashboard and the XLSX 汇总 sheet do."""
from __future__ import annotations

from analysis.formatting import pct


def frequency_block(qr, caption: str) -> tuple:
    """('table', '表1 调研样本中年龄分布情况（问卷第 1 题）', [['选项', '人数', '占比'], ['18-30 岁', '11', '22.0%'],
    …, ['合计', '50', '100.0%']], ''); the last item is the note under the table, '' when the shares add up."""
    q = qr.question
    header = ["选项", "人次" if q.type == "multiple" else "人数", "占比"]
    rows = [[str(q.option(r.code).label), str(r.count), pct(r.percent)] for r in qr.table.rows]
    total = ["合计", str(qr.n), pct(qr.table.total_percent if qr.n else 0.0)]
    return ("table", caption, [header, *rows, total], f"注：{qr.table.note}" if qr.table.note else "")
