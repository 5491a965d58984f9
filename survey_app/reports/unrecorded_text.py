"""What a survey's page and its downloads say when its settings differ from what its audit chain recorded.

Someone holding the database can change a setting with SQL (a target, a 办件量, a weighting share); the store's
``unrecorded_settings`` names what differs from the chain's newest line (SurveyResult.unrecorded, read with the
figures by ``reports.open_export``). The dashboard, the C51 page, every download that prints a figure (附件3, C51
底稿, XLSX, JSON, SPSS) and ``manyi export`` name those settings with these words; a survey as recorded gets
no text at all, so its files are as before.
"""
from __future__ import annotations

# The survey's state (store/audit.survey_state) as the settings form and the dashboard name its parts
SETTING_NAMES = {
    "questionnaire_id": "问卷文件", "questionnaire_version": "问卷版本", "questionnaire_digest": "问卷文件内容",
    "title": "评价项目名称", "department": "被评价单位", "year": "评价年度", "evaluator_org": "评价机构",
    "project": "项目名称", "target": "目标值", "rule": "C51 评分规则", "c51_figure": "计入 C51 的数值",
    "target_n": "目标样本量 n", "population": "总体规模 N", "opens_on": "开始日期", "closes_on": "结束日期",
    "status": "收集状态", "one_per_device": "每台设备限答一次", "background": "满意度调查背景",
    "subjects": "调研对象", "compare_with": "与上年度比较的调查", "fieldwork": "各采集点的发放份数与办件量",
    "points": "采集点", "margins": "加权估计的总体占比", "grants": "可查看本项目的评价人员",
    "survey": "项目本身", "chain": "审计链的最新记录（无法用密钥核验）",
}
CHAIN = "chain"  # the chain's newest line (or its head) does not check with the key: what changed cannot be told
VERIFY = "请先运行 manyi verify 核实，再使用本文件中的结论。"


def setting_names(keys) -> str:
    """'目标值、各采集点的发放份数与办件量' ('' for none); a key this list does not know is named as it is."""
    return "、".join(SETTING_NAMES.get(key, key) for key in keys)


def warning(keys) -> str:
    """The line a download prints at its top ('' when every setting is as recorded): '注意：本项目的以下设置在
    Manyi 之外被改动、未记入审计链：目标值；请先运行 manyi verify 核实，再使用本文件中的结论。'"""
    if not keys:
        return ""
    if CHAIN in keys:
        return f"注意：本项目审计链的最新记录无法用密钥核验，设置可能在 Manyi 之外被改动；{VERIFY}"
    return f"注意：本项目的以下设置在 Manyi 之外被改动、未记入审计链：{setting_names(keys)}；{VERIFY}"
