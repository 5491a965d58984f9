"""The respondent pages' own words (buttons, notices, messages) in each language a questionnaire
offers; the questionnaire's labels come from its file. zh-CN is the default and the fallback.
Uyghur (ug) needs a native speaker's wording: until then a ug page shows these words in Chinese."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from . import forms

TEXT = {
    "zh-CN": {
        "optional": "（选填）",
        "privacy": "本问卷匿名填写，不收集姓名、电话等个人信息。",
        "submit": "提交",
        "invalid": "还有题目需要您补充，请查看标红的题目{link}。您已填写的答案都保留着。",
        "go_to": "（<a href=\"#f-{qid}\">转到该题</a>）",
        "expired": "本页已经更新。为保护您的答卷，请核对后再次点击“提交”。您已填写的答案都保留着。",
        "unavailable": "系统繁忙，您的答卷还没有保存。请稍等片刻后再次点击“提交”，您已填写的答案都保留着。",
        "closed": "本次问卷调查已经结束，感谢您的关注！",
        "not_yet": "本次问卷调查尚未开始，欢迎开始后再来填写。",
        "not_yet_on": "本次问卷调查尚未开始，将于{day}开始，欢迎届时再来填写。",
        "cookies": "您的浏览器不让本页保存它需要的一小段信息（Cookie），答卷暂时无法提交。请用微信扫码打开本页，"
                   "或在浏览器设置中允许网站保存数据（Cookie），然后再次点击“提交”。您已填写的答案都保留着。",
        "too_fast": "您填写得很快，答卷还没有保存。请稍等 {wait} 秒，核对一下答案后再点击“提交”。您已填写的答案都保留着。",
        "busy": "此刻这个网络上提交的答卷较多，您的答卷还没有保存。请稍等一两分钟后再次点击“提交”，您已填写的答案都保留着。",
        "busy_device": "这台手机刚刚已经提交了多份答卷，您的这份还没有保存。请过几分钟再次点击“提交”，您已填写的答案都保留着。",
        "honeypot": "答卷还没有保存：页面中应当留空的一栏被填写了（可能是浏览器自动填充）。请再次点击“提交”。您已填写的答案都保留着。",
        "at_most": "（最多 {n} 字）",
        "offline": "网络已断开，答卷还没有提交。您的答案都还在，请连上网络后再点击“提交”。",
        "restored": "已为您恢复上次填写但还没有提交的答案，请核对后点击“提交”。如果这些不是您的答案，请点击：",
        "fresh": "清空，重新填写",
        "closed_post": "本次问卷调查已经结束，您的答卷未能保存。感谢您的关注！",
        "leave_empty": "请勿填写此栏",
        "repeat_title": "您已提交过本问卷",
        "repeat": "您已提交过本问卷，谢谢！",
        "another": "如需为他人（如陪同的家人）填写，请点击下面的按钮。",
        "another_link": "再填写一份",
        "one_only": "本问卷每台设备限答一次。",
        "thanks_title": "提交成功",
        "thanks": "提交成功，谢谢您！",
        "saved": "您的答卷已经保存。",
        "close": "您现在可以关闭本页面。",
        "kiosk_wait": "这台平板刚刚提交过一份答卷，您的这份还没有保存。请稍等 {wait} 秒后再次点击“提交”。您已填写的答案都保留着。",
        "kiosk_next": "下一位",
        "kiosk_soon": "{seconds} 秒后本页自动回到空白问卷，请下一位群众填写。",
    },
    "en": {
        "optional": " (optional)",
        "privacy": "This questionnaire is anonymous: we do not ask for your name, phone number or other personal details.",
        "submit": "Submit",
        "invalid": "Some questions still need an answer: see the ones marked in red{link}. Your other answers are kept.",
        "go_to": " (<a href=\"#f-{qid}\">go to the question</a>)",
        "expired": "This page has been renewed. To keep your answers safe, please check them and tap "
                   "“Submit” again. Your answers are kept.",
        "unavailable": "The system is busy and your answers have not been saved yet. Please wait a moment and tap "
                       "“Submit” again. Your answers are kept.",
        "closed": "This survey has ended. Thank you for your interest!",
        "not_yet": "This survey has not started yet. You are welcome to come back once it opens.",
        "not_yet_on": "This survey has not started yet; it opens on {day}. You are welcome to come back then.",
        "cookies": "Your browser did not keep the cookie this page needs, so the answers cannot be submitted "
                   "yet. Please allow cookies in the browser settings, then tap “Submit” again. Your answers are kept.",
        "too_fast": "You answered very quickly, and your answers have not been saved yet. Please wait {wait} "
                    "seconds, check them, then tap “Submit” again. Your answers are kept.",
        "busy": "Many answers are being sent from this network right now, and yours has not been saved yet. Please "
                "wait a minute or two, then tap “Submit” again. Your answers are kept.",
        "busy_device": "This phone has just sent several answers, and this one has not been saved yet. Please tap "
                       "“Submit” again in a few minutes. Your answers are kept.",
        "honeypot": "Not saved yet: a box that should stay empty was filled in (perhaps by the browser's autofill). "
                    "Please tap “Submit” again. Your answers are kept.",
        "at_most": " (at most {n} characters)",
        "offline": "You are offline and the answers have not been sent. They are all still here: tap "
                   "“Submit” again once you are connected.",
        "restored": "The answers you gave earlier but did not send are back: please check them and tap “Submit”. "
                    "If they are not yours, tap:",
        "fresh": "Clear and start again",
        "closed_post": "This survey has ended, so your answers could not be saved. Thank you for your interest!",
        "leave_empty": "Please leave this empty",
        "repeat_title": "Already answered",
        "repeat": "You have already answered this questionnaire. Thank you!",
        "another": "To answer for someone else (a family member with you, say), tap the button below.",
        "another_link": "Answer once more",
        "one_only": "This questionnaire takes one answer per device.",
        "thanks_title": "Submitted",
        "thanks": "Submitted. Thank you!",
        "saved": "Your answers have been saved.",
        "close": "You can close this page now.",
        "kiosk_wait": "This tablet has just sent an answer, and yours has not been saved yet. Please wait {wait} "
                      "seconds, then tap “Submit” again. Your answers are kept.",
        "kiosk_next": "Next person",
        "kiosk_soon": "In {seconds} seconds this page goes back to an empty form for the next person.",
    },
}
MESSAGES = {
    "en": {
        forms.MSG_REQUIRED: "Please choose one answer.",
        forms.MSG_REQUIRED_MULTI: "Please choose at least one answer.",
        forms.MSG_CHOICE: "That answer is not one of the options; please choose again.",
        forms.MSG_TEXT_REQUIRED: "Please write an answer.",
    },
}
_LENGTH = re.compile(r"请将内容控制在 (\d+) 字以内。")


def text(lang: str) -> dict[str, str]:
    return TEXT.get(lang, TEXT["zh-CN"])


def message(msg: str, lang: str) -> str:
    """A validation message (written in Chinese in forms.py) in the page's language."""
    if lang == "en":
        length = _LENGTH.fullmatch(msg)
        if length:
            return f"Please keep it under {length.group(1)} characters."
        return MESSAGES["en"].get(msg, msg)
    return msg


RESUBMIT = ("expired", "unavailable", "cookies", "too_fast", "busy", "busy_device", "honeypot", "kiosk_wait")  # nothing to change


def notice(kind: str | None, lang: str, first_error: str | None = None, wait: int = 1) -> Markup | None:
    """The banner above a form that came back: 'invalid' (with a link to the first open question), or one
    of RESUBMIT, where the answers need no change and a 提交 button stands right under the banner; 'too_fast'
    says the seconds to ``wait`` before a tap is stored (a tap sooner is refused again)."""
    if kind in RESUBMIT:
        return Markup(escape(text(lang)[kind].replace("{wait}", str(max(1, wait)))))
    if kind == "invalid":
        link = text(lang)["go_to"].format(qid=escape(first_error)) if first_error else ""
        return Markup(escape(text(lang)["invalid"]).replace("{link}", Markup(link)))
    return None
