"""How the answers were collected and what came back, in the 附件3 annex's words: 调研对象 to 问卷的发放和回收
(``design_blocks``) and 问卷回收情况 (``returns_text``). Answers come by QR code (扫码) and, where the evaluator handed
out paper forms and entered them (admin/paper.py), on paper (纸质), and on a hall's own tablet (平板, store/kiosks.py):
each is said only when it happened, with its own denominators — 完成率 = 扫码提交 ÷ 扫码打开 (a tablet's answers and
pages are neither), 纸质回收率 = 纸质问卷录入 ÷ 发放份数."""
from __future__ import annotations

from analysis.formatting import pct

from .wording import OPENS_COUNTED, excluded_text, flags_text, project_name, unserved_text


def rate_text(value: float | None) -> str:
    """A percentage, or — where there is nothing to divide (0 ÷ 0)."""
    return "—" if value is None else pct(value)


def subjects(survey) -> str:
    if survey.get("subjects"):
        return survey["subjects"]
    return f"本次问卷调查的对象为{project_name(survey)}的受益人员。"


def respondents(survey) -> tuple[str, str]:
    """Who answered, as 调研方法, 抽样方式 and 调研开展情况 name them: the default 调研对象's ('…的受益人员', '前来办事的
    群众'), or once the evaluator has written their own 调研对象 (a staff survey's 部门职工 are neither), '本次调查对象'."""
    if survey.get("subjects"):
        return "本次调查对象", "调查对象"
    return f"{project_name(survey)}的受益人员", "前来办事的群众"


def channels(result) -> tuple[bool, bool]:
    """(online: by QR code or on a hall's tablet, on paper): how the answers came, each said only when it happened;
    before any answer, online (how Manyi collects unless the evaluator enters paper forms)."""
    total = result.fieldwork.total
    return total.scanned > 0 or total.kiosk > 0 or not total.paper, total.paper > 0


def self_selected(scanned: bool, paper: bool, kiosk: bool = False) -> str:
    """Why the intervals leave out self-selection: a QR code, a hall's tablet and a paper form alike are answered by
    whoever is willing."""
    sources = [*(["扫码答卷"] if scanned else []), *(["平板答卷"] if kiosk else []), *(["纸质问卷"] if paper else [])]
    who = sources[0] if len(sources) == 1 else f"{'、'.join(sources[:-1])}和{sources[-1]}均"
    how = {"扫码答卷": "扫码作答", "纸质问卷": "填写问卷"}.get(who, "作答")
    return (f"{who}由受访者自愿作答，属于方便抽样（自选择样本），不是概率抽样。文中的置信区间和单侧置信界"
            f"只反映随机抽样误差：若满意或不满意的人更愿意{how}，结果会系统地偏离全体调查对象的真实水平，"
            "这种偏差不在区间之内，也不随样本量增加而减小。")


KIOSK_METHOD = "部分采集点设置了平板，不便使用手机的受访者可在平板上逐个填写同一问卷。"
KIOSK_RETURNS = ("平板答卷注明来源“平板”，同一台平板相邻两份答卷须间隔一定时间，平板上的打开和提交不计入扫码打开和完成率；"
                 "平板可由评价人员随时停用，设置和停用均留有记录。")
PAPER_METHOD = "不便扫码的受访者填写纸质问卷，由评价人员按问卷编号逐份录入系统。"
PAPER_RETURNS = ("纸质问卷由评价人员按问卷上的编号逐份录入，同一编号只录入一次，录入人和录入时间留有记录；"
                 "漏答必答题的纸质问卷计入回收，按无效问卷剔除并注明漏答的题号；纸质问卷没有答题用时和手机信息，"
                 "不作用时过短、同一设备重复和异常集中提交标记。")


def design_blocks(result):
    s, q = result.survey, result.questionnaire
    project = project_name(s)
    names = "、".join(p.name for p in result.points) or "各采集点"
    items = "、".join(x.question.label for x in result.questions  # what was rated: a text question rates nothing
                      if x.question.role != "demographic" and x.question.type != "text")
    per_point = "，".join(f"{p.name} {p.returned} 份" for p in result.points)
    demographic = sum(1 for x in q.questions if x.role == "demographic")
    whom, walkers = respondents(s)
    yield ("h2", "（一）调研对象")
    yield ("p", subjects(s))
    yield ("h2", "（二）调研内容")
    yield ("p", f"调查对象对{project}的观点，包括：对{items}等方面的评价。")
    yield ("h2", "（三）调研方法")
    total = result.fieldwork.total
    paper, kiosk, online = total.paper, total.kiosk, channels(result)[0]
    if online:
        yield ("p", f"针对{whom}开展在线问卷调查：在{names}张贴问卷二维码，受访者使用手机扫码后匿名作答，"
                    f"系统即时保存并汇总答卷，不收集姓名、电话等个人信息。"
                    + (KIOSK_METHOD if kiosk else "") + (PAPER_METHOD if paper else "") + "具体问卷见文末。")
    else:  # paper forms only: no QR code or tablet was answered
        yield ("p", f"针对{whom}开展纸质问卷调查：在{names}发放纸质问卷，受访者匿名填写后收回，由评价人员按问卷编号"
                    f"逐份录入系统汇总，不收集姓名、电话等个人信息。具体问卷见文末。")
    yield ("h2", "（四）抽样方式")
    how = (f"张贴二维码，由{walkers}自愿扫码作答{'或在平板上填写' if kiosk else ''}{'，并发放纸质问卷' if paper else ''}"
           if online else f"向{walkers}发放纸质问卷，由其自愿填写")
    parts = "、".join(x for x in (f"平板填写 {kiosk} 份" if kiosk else "", f"纸质问卷 {paper} 份" if paper else "") if x)
    yield ("p", f"{project}满意度调查在 {len(result.points)} 个采集点（{names}）{how}，计划样本量 {result.target_n} 份，"
                f"实际回收 {result.returned} 份" + (f"（{per_point}）" if per_point else "")
                + (f"，其中{parts}" if parts and online else "") + "。")
    yield ("p", self_selected(total.scanned > 0 or not (paper or kiosk), bool(paper), bool(kiosk)))
    yield ("h2", "（五）问卷的设计")
    author = q.signature or s.get("evaluator_org")  # who signed the questionnaire printed at the end, else the evaluator
    yield ("p", f"运用{('由' + author + '制定的') if author else ''}满意度调查问卷（{q.title}），"
                f"共 {len(q.questions)} 题（基本信息 {demographic} 题，项目实施问题 {len(q.questions) - demographic} 题），"
                f"对{project}满意度进行评价，问卷详细内容见文末。")
    yield ("h2", "（六）问卷的发放和回收")
    yield ("p", ("问卷通过二维码在线发放与回收：每份答卷提交后即时保存，重复提交只记一份；系统对用时过短、"
                 "直线作答、同一设备重复等可疑答卷自动标记，是否剔除由评价人员判断，剔除的答卷注明原因并留有记录，"
                 "不删除任何答卷。"  # Manyi records exclusions, not which answers were looked at: no 复核 claimed
                 + (KIOSK_RETURNS if kiosk else "") + (PAPER_RETURNS if paper else "")) if online else
                "问卷以纸质形式发放与回收。" + PAPER_RETURNS + "是否剔除由评价人员判断，剔除的问卷注明原因并留有记录，不删除任何问卷。")


def returns_text(result, project) -> str:
    """问卷回收情况 without "发放 = 回收": page opens and the completion rate, answers, and the response rate
    against the transactions served when the evaluator entered them."""
    total = result.fieldwork.total
    excluded = f"，{excluded_text(result)}" if result.excluded else ""
    scanned = "扫码" if total.paper or total.kiosk else ""
    opened = (f"问卷页面共被扫码打开 {total.opens} 次（{OPENS_COUNTED}），{scanned}提交 {total.scanned} 份"
              f"（完成率 {pct(total.completion_rate_pct)}）"
              if total.completion_rate_pct is not None else f"共{scanned}回收问卷 {total.scanned} 份")
    kiosk = f"；另在采集点平板上填写 {total.kiosk} 份" if total.kiosk else ""
    paper = f"；另发放纸质问卷 {total.issued} 份" if total.issued else ""
    if total.paper:
        rate = f"（纸质回收率 {pct(total.paper_rate_pct)}）" if total.paper_rate_pct is not None else ""
        paper = f"{paper or '；另'}{'，' if paper else ''}收回并录入纸质问卷 {total.paper} 份{rate}"
    together = f"，合计回收 {result.returned} 份" if total.paper or total.kiosk else ""
    if not channels(result)[0]:  # paper forms only: no scanning to report
        issued = f"发放纸质问卷 {total.issued} 份，" if total.issued else ""
        opened, paper, together = "", f"{issued}收回并录入纸质问卷 {total.paper} 份{rate}", ""
    text = f"{project}问卷调研中，{opened}{kiosk}{paper}{together}{excluded}，有效问卷 {result.valid} 份，有效率为 {rate_text(result.valid_rate_pct)}。"
    if total.response_rate_pct is not None:
        unserved = f"（{unserved_text(result)}）" if unserved_text(result) else ""  # a point the total leaves out
        text += (f"调查期间各采集点共办理业务 {total.served} 件{unserved}，有效问卷占办件量的 "
                 f"{pct(total.response_rate_pct)}（应答率）。")
    return text + flags_text(result)


