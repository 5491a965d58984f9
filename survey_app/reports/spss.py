"""SPSS .sav (pyreadstat) with variable labels (question texts) and value labels.

Variable names are the questionnaire's ids (q5, stable for syntax); each variable label starts with the
number the citizen's form prints (第 7 题 您对…), so the Variable View matches the paper form and the annex.

Numeric coding, as SPSS users expect: a single-choice question's options are numbered 1..k in
questionnaire order (A..E -> 1..5) and each number carries the value label "A. 非常满意"; the
variable label says so. A multiple-choice question becomes one 0/1 variable per option
(``q_A``...), free text a string variable. 状态 (status: 1 有效, 2 已剔除) and 采集点 (point: 1..m in
the order the points were added) are labelled numeric variables too. Unanswered is system-missing.

A scored item (q5 on the 100/80/60/40/20 ladder) also gets its score variable ``q5_score`` in 分 (not
applicable and unanswered system-missing), so that SPSS's mean of q5_score is Manyi's 满意度得分, where the
mean of the codes 1..5 means nothing. ``valid`` (1 有效, 0 已剔除) is the filter variable: in the file with
the excluded responses, ``FILTER BY valid.`` leaves the valid ones the figures are computed from.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from array import array
from datetime import datetime

import numpy as np
import pandas as pd
import pyreadstat

from ..safetext import xml_text
from . import raw, unrecorded_text
from .wording import question_title

STATUS_CODES = {"valid": 1, "excluded": 2}
VALID_LABELS = {1: "有效", 0: "已剔除"}
FILE_LABEL_BYTES = 64  # the .sav header's file label: longer titles are cut, visibly, and kept whole in a note
NOTE_LINE_BYTES = 80  # a line of the .sav file's note (SPSS "documents")
EPOCH = datetime(1970, 1, 1)  # local times are naive: seconds since this, then back to datetimes
RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
META_NAMES = tuple(key for key, _, _ in raw.META)
FIRST_ANSWER = len(raw.META)  # raw.rows' cells: the META columns, then one per question
CHANNEL_CODES = {"扫码": 1, "纸质": 2, "平板": 3}  # 来源 as SPSS codes it (store/responses.py CHANNELS)
STATUS_VALUES = {raw.RESPONSE_STATUS_LABELS[s]: code for s, code in STATUS_CODES.items()}  # 有效 -> 1 (raw.rows' cells)


def _name(candidate: str, taken: set) -> str:
    name = candidate if candidate.upper() not in RESERVED else candidate + "_"
    while name.lower() in taken:
        name += "_"
    taken.add(name.lower())
    return name


def frame(export):
    """(DataFrame, variable labels, value labels, measures, user-missing values, formats) for the raw rows.

    A single-choice item's not-applicable options (不适用) are SPSS user-missing values (at most three), so
    SPSS leaves them out of valid percents and means as Manyi does."""
    result = export.result
    questions = result.questionnaire.questions
    points = {raw.sheet_text(p.name): i for i, p in enumerate(result.points, 1)}  # as the rows name them
    taken = set(META_NAMES)
    labels = {key: head for key, head, _ in raw.META}
    values = {"point": {i: name for name, i in points.items()},
              "status": {code: raw.RESPONSE_STATUS_LABELS[s] for s, code in STATUS_CODES.items()},
              "channel": {code: channel for channel, code in CHANNEL_CODES.items()}}
    measures = {"id": "scale", "point": "nominal", "seconds_on_page": "scale", "status": "nominal", "channel": "nominal"}
    columns = []  # (question, variable name, option code or None)
    scores = []  # (question, score variable name)
    formats = {"id": "F8.0", "seconds_on_page": "F8.0", "submitted_at": "DATETIME20"}
    missing = {}
    for q in questions:
        title = question_title(result.questionnaire, q, str(q.text))  # 第 7 题 您对…: the form's number
        if q.type == "multiple":
            for o in q.options:
                var = _name(f"{q.id}_{o.code}", taken)
                columns.append((q, var, o.code))
                labels[var] = f"{title}：{o.label}（多选，1 = 选中，0 = 未选）"
                values[var] = {0: "未选", 1: "选中"}
                measures[var] = "nominal"
            continue
        var = _name(q.id, taken)
        columns.append((q, var, None))
        if q.type == "text":
            labels[var] = f"{title}（文字）"
            continue
        labels[var] = f"{title}（1–{len(q.options)} = 选项 {q.codes[0]}–{q.codes[-1]}）"
        values[var] = {i: f"{o.code}. {raw.option_text(q, o)}" for i, o in enumerate(q.options, 1)}
        measures[var] = "ordinal" if q.points is not None else "nominal"
        if q.type == "single" and q.not_applicable:
            missing[var] = [float(i) for i, o in enumerate(q.options, 1) if o.not_applicable][:3]
        if q.type == "single" and q.points:
            score = _name(f"{q.id}_score", taken)
            scores.append((q, score))
            labels[score] = f"{question_title(result.questionnaire, q)} 得分（分）"
            values[score] = {float(q.points[o.code]): f"{o.code}. {o.label}" for o in q.options if o.code in q.points}
            measures[score] = "scale"
            whole = all(float(x).is_integer() for x in q.points.values())
            formats[score] = "F8.0" if whole else "F8.2"
    valid = _name("valid", taken)
    labels[valid] = "有效问卷（1 = 有效，0 = 已剔除；FILTER BY 本变量即只留有效问卷）"
    values[valid] = dict(VALID_LABELS)
    measures[valid] = "nominal"
    # Numbers go into typed arrays (8 bytes a value, not a Python float object): a million rows fit.
    text = {"language", "exclude_reason", "paper_number", *(var for q, var, _ in columns if q.type == "text")}
    data = {name: [] if name in text else array("d")
            for name in (*META_NAMES, valid, *(v for _, v, _ in columns), *(v for _, v in scores))}
    codes = {q.id: {c: i for i, c in enumerate(q.codes, 1)} for q in questions}
    index = {q.id: i for i, q in enumerate(questions)}
    nan = float("nan")
    for row in raw.rows(export):
        rid, point, when, seconds, language, status, reason, channel, paper_number = row[:FIRST_ANSWER]
        for name, value in zip(META_NAMES, (rid, points.get(point, nan), (when - EPOCH).total_seconds(),
                                            nan if seconds is None else seconds, language,
                                            STATUS_VALUES[status], reason, CHANNEL_CODES[channel], paper_number)):
            data[name].append(value)
        data[valid].append(1.0 if STATUS_VALUES[status] == STATUS_CODES["valid"] else 0.0)
        for q, var, code in columns:
            cell = row[FIRST_ANSWER + index[q.id]]
            if q.type == "text":
                data[var].append(cell)
            elif q.type == "multiple":
                data[var].append((code in cell.split(raw.MULTI_SEPARATOR)) * 1.0 if cell else nan)
            else:
                data[var].append(float(codes[q.id][cell]) if cell else nan)
        for q, var in scores:  # an option without points (不适用) or no answer: system-missing
            cell = row[FIRST_ANSWER + index[q.id]]
            data[var].append(float(q.points[cell]) if cell in q.points else nan)
    df = pd.DataFrame({name: np.frombuffer(col, dtype="float64") if isinstance(col, array) else col
                       for name, col in data.items()})
    df["submitted_at"] = pd.to_datetime(df["submitted_at"], unit="s")
    return df, labels, values, measures, missing, {**{name: "F8.0" for name in values}, **formats}


def write(export, out) -> None:
    df, labels, values, measures, missing, formats = frame(export)
    title = xml_text(export.result.survey["title"])
    alarm = unrecorded_text.warning(export.result.unrecorded)  # settings changed outside Manyi: the note's first lines
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.sav")
        pyreadstat.write_sav(df, path, column_labels=[labels.get(c, c) for c in df.columns],
                             variable_value_labels=values, variable_measure=measures, missing_ranges=missing,
                             variable_format=formats,  # codes, ids and seconds print as 1, not 1.00
                             variable_display_width={"submitted_at": 20},
                             file_label=file_label(title), note=note_lines(alarm) + note_lines(title) or None)
        with open(path, "rb") as f:
            shutil.copyfileobj(f, out)


def file_label(title: str) -> str:
    """The title as the .sav file label: whole when its UTF-8 fits the header's 64 bytes, else cut on a
    character with "…" (the whole title is in the file's note)."""
    if len(title.encode("utf-8")) <= FILE_LABEL_BYTES:
        return title
    while len((title + "…").encode("utf-8")) > FILE_LABEL_BYTES:
        title = title[:-1]
    return title + "…"


def note_lines(text: str) -> list[str]:
    """A text (the whole title; before it, a warning that settings were changed outside Manyi) as the file's note
    (SPSS DISPLAY DOCUMENTS), in lines of at most 80 bytes of UTF-8."""
    lines, line = [], ""
    for char in text:
        if len((line + char).encode("utf-8")) > NOTE_LINE_BYTES:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines
