"""The questionnaire printed at the end of 附件3, as the annex's blocks: numbered as the citizen's form numbers
it (on across the sections, wording.question_number), so the annex's headings, tables and the dashboard name a
question by the same number."""
from __future__ import annotations

from .wording import question_number


def questionnaire_blocks(q):
    yield ("center-bold", str(q.title))
    for line in str(q.invitation).splitlines():
        if line.strip():
            yield ("plain" if line.strip().endswith("：") else "p", line.strip())  # the greeting: no indent
    if q.signature:
        yield ("right", q.signature)
    for section in q.sections:
        yield ("bold", str(section.title))  # the form's own sections: no headings in the report's 目录
        for question in section.questions:
            kind = "（多选）" if question.type == "multiple" and "多选" not in str(question.text) else ""
            optional = "" if question.required else "（选填）"
            yield ("p", f"{question_number(q, question.id)}. {question.text}{kind}{optional}（  ）")
            if question.options:
                yield ("options", "    ".join(f"{o.code}. {o.label}" for o in question.options))
            else:
                yield ("p", "________________________________")
    yield ("center", str(q.closing))
