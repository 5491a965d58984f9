"""Questionnaire files: every shipped file loads, the Yining file is verbatim to seed 000,
broken files fail with a message naming the file, the question and the field, and labels
come in the requested language with a fallback to zh-CN; a catalogue sees a changed folder."""
import os
import re
from pathlib import Path

import pytest

from survey_app.questionnaires import Catalogue, QuestionnaireError, load

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
SHIPPED = sorted(QUESTIONNAIRES.glob("*.toml"))


def test_the_seed_questionnaires_are_shipped():
    ids = {q.id for q in Catalogue(QUESTIONNAIRES).load_all().values()}
    assert {
        "yining-2024-public", "nanchang-window", "nanchang-staff",
        "haidong-designated-institutions", "kashgar-benefit-recipients",
    } <= ids


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_questionnaire_file_loads(path):
    q = load(path)
    assert q.path == path.name
    assert q.questions
    for qid in q.headline.weights:
        item = q.question(qid)
        assert item.role == "satisfaction" and item.points is not None
    assert sum(q.headline.weights.values()) == pytest.approx(1.0)
    # the invitation promises that answers are used for statistics only
    assert "统计" in q.invitation.get("zh-CN")
    # every satisfaction item can be scored and counted
    for item in q.questions:
        if item.role == "satisfaction":
            assert item.points is not None, item.id
            assert item.satisfied, item.id


def test_all_files_load_together_without_clashing_keys():
    loaded = Catalogue(QUESTIONNAIRES).load_all()
    assert len(loaded) == len(SHIPPED)


# --- Yining: verbatim to seed 000 (附件3, the questionnaire at its end) ---------------------

YINING_QUESTIONS = {
    "age": "您的年龄：",
    "gender": "您的性别：",
    "q1": "您是否了解本地的医保政策？",
    "q2": "您对医保结算流程是否满意？",
    "q3": "您对工作人员是否满意？",
    "q4": "您对困难群众医疗救助政策的知晓度（如低保户参保补贴、大病兜底保障）？",
    "q5": "您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？",
}
SATISFIED5 = ["非常满意", "比较满意", "一般满意", "不太满意", "不满意"]
YINING_OPTIONS = {
    "age": ["18-30 岁", "31-45 岁", "46-60 岁", "60 岁以上"],
    "gender": ["男", "女"],
    "q1": ["非常了解", "比较了解", "一般了解", "不太了解", "不了解"],
    "q2": SATISFIED5,
    "q3": SATISFIED5,
    "q4": ["非常清楚", "比较清楚", "一般", "不太清楚", "完全不清楚"],
    "q5": SATISFIED5,
}


def test_yining_questions_are_verbatim_to_the_seed():
    q = load(QUESTIONNAIRES / "yining-2024-public.toml")
    assert [item.id for item in q.questions] == list(YINING_QUESTIONS)
    for qid, text in YINING_QUESTIONS.items():
        assert q.question(qid).text.get("zh-CN") == text
    for qid, labels in YINING_OPTIONS.items():
        item = q.question(qid)
        assert [str(o.label) for o in item.options] == labels
        assert list(item.codes) == list("ABCDE"[: len(labels)])
    assert [str(s.title) for s in q.sections] == ["一、基本信息", "二、项目实施问题"]


def test_yining_invitation_is_verbatim_to_the_seed():
    q = load(QUESTIONNAIRES / "yining-2024-public.toml")
    assert q.invitation.get("zh-CN") == (
        "亲爱的先生/女士：\n您好！受伊宁市财政局的委托，我单位对 2024 年伊宁市医疗保障局部门整体绩效实施的"
        "受益人满意度情况展开调研。感谢您抽出宝贵时间参与问卷调查。整份问卷的填写大约需要 2 分钟，"
        "请根据您的真实感受填写。我们保证问卷数据仅限于统计分析，对您的个人信息将予以严格保密。"
        "感谢您的支持与配合！"
    )
    assert q.signature == "新疆政通众和商务咨询有限公司"


def test_yining_headline_is_the_overall_item_scored_on_the_100_to_20_ladder():
    q = load(QUESTIONNAIRES / "yining-2024-public.toml")
    assert dict(q.headline.weights) == {"q5": 1.0}
    assert q.headline.figure == "score"
    assert q.question("q5").points == {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
    assert q.question("q5").satisfied == {"A", "B"}
    assert [item.role for item in q.questions] == [
        "demographic", "demographic", "awareness", "satisfaction", "satisfaction", "awareness", "satisfaction",
    ]
    # the seed's 97.6: 46 非常满意, 2 比较满意, 2 一般满意 of 50
    counts = {"A": 46, "B": 2, "C": 2}
    points = q.question("q5").points
    assert sum(points[c] * n for c, n in counts.items()) / 50 == pytest.approx(97.6)


# --- broken files ---------------------------------------------------------------------------

VALID = '''\
id = "broken"
version = 1
title = "测试问卷"
invitation = "您好！本问卷匿名填写，仅用于统计分析。"

[headline]
questions = "q2"
figure = "score"

[scales.sat]
options = [
  { code = "A", label = "满意", points = 100, satisfied = true },
  { code = "B", label = "不满意", points = 0, satisfied = false },
]

[[sections]]
title = "一、问题"

[[sections.questions]]
id = "q1"
text = "您的性别："
role = "demographic"
options = [
  { code = "A", label = "男" },
  { code = "B", label = "女" },
]

[[sections.questions]]
id = "q2"
text = "您是否满意？"
role = "satisfaction"
scale = "sat"

[[sections.questions]]
id = "q3"
text = "您的建议："
type = "text"
'''

# (old, new, fragments the message must contain besides the file name)
BROKEN = {
    "unknown scale": ('scale = "sat"', 'scale = "sat7"', ["question 'q2'", "field 'scale'", "'sat7'"]),
    "bad option code": ('{ code = "A", label = "男" }', '{ code = "A-1", label = "男" }',
                        ["question 'q1'", "field 'options'", "option 1", "field 'code'", "'A-1'"]),
    "duplicate option code": ('{ code = "B", label = "女" }', '{ code = "A", label = "女" }',
                              ["question 'q1'", "option 2", "field 'code'", "duplicate"]),
    "duplicate question id": ('id = "q2"', 'id = "q1"', ["question 'q1'", "field 'id'", "duplicate"]),
    "headline names an unknown question": ('questions = "q2"', 'questions = { q2 = 1, q9 = 1 }',
                                           ["field 'headline'", "'q9'", "unknown question"]),
    "headline is not a satisfaction item": ('questions = "q2"', 'questions = "q1"',
                                            ["field 'headline'", "'q1'", "satisfaction"]),
    "missing zh-CN text": ('text = "您是否满意？"', 'text = { en = "Are you satisfied?" }',
                           ["question 'q2'", "field 'text'", "zh-CN"]),
    "bad role": ('role = "satisfaction"', 'role = "satisfied"', ["question 'q2'", "field 'role'", "'satisfied'"]),
    "bad type": ('type = "text"', 'type = "essay"', ["question 'q3'", "field 'type'", "'essay'"]),
    "points off the ladder": ("points = 100,", "points = 120,", ["scale 'sat'", "option 1", "field 'points'", "120"]),
    "misspelt question field": ('scale = "sat"', 'scale = "sat"\nrequierd = false',
                                ["question 'q2'", "requierd"]),
    "unknown language": ('title = "测试问卷"', 'title = { zh = "测试问卷" }', ["field 'title'", "unknown language"]),
    "invalid TOML": ('title = "测试问卷"', 'title = "测试问卷', ["not valid TOML", "line 3"]),
    "a score on a ladder that does not reach 100": ("points = 100,", "points = 5,",
                                                    ["field 'headline'", "'q2'", "worth 100 points, not 5"]),
}


def test_the_valid_base_file_loads(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(VALID, encoding="utf-8")
    q = load(path)
    assert [item.id for item in q.questions] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_names_the_file_question_and_field(tmp_path, case):
    old, new, fragments = BROKEN[case]
    assert old in VALID
    path = tmp_path / "broken.toml"
    path.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith("broken.toml"), message
    for fragment in fragments:
        assert fragment in message, message


def test_required_defaults_to_true_except_for_free_text(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text(VALID, encoding="utf-8")
    q = load(path)
    assert q.question("q1").required and q.question("q2").required
    assert not q.question("q3").required
    assert q.question("q3").options == ()


# --- languages ------------------------------------------------------------------------------

TRANSLATED = '''\
id = "translated"
version = 1
title = { zh-CN = "满意度调查", en = "Satisfaction survey", ug = "رازىلىق تەكشۈرۈشى" }
invitation = { zh-CN = "您好！问卷匿名，仅用于统计分析。", en = "Anonymous; for statistics only." }
headline = { questions = "gender_ok" }

[[sections]]
title = { zh-CN = "基本信息", en = "About you" }

[[sections.questions]]
id = "gender"
text = { zh-CN = "您的性别：", en = "Your gender:" }
role = "demographic"
options = [
  { code = "A", label = { zh-CN = "男", ug = "ئەر" } },
  { code = "B", label = { zh-CN = "女", ug = "ئايال" } },
]

[[sections.questions]]
id = "gender_ok"
text = "您对服务是否满意？"
role = "satisfaction"
options = [
  { code = "A", label = { zh-CN = "满意", en = "Satisfied" }, points = 100, satisfied = true },
  { code = "B", label = "不满意", points = 0 },
]
'''


def test_table_labels_return_the_language_asked_for_with_fallback_to_chinese(tmp_path):
    path = tmp_path / "translated.toml"
    path.write_text(TRANSLATED, encoding="utf-8")
    q = load(path)
    assert q.languages == ("zh-CN", "ug", "en")
    assert q.title.get("en") == "Satisfaction survey"
    assert q.title.get("ug") == "رازىلىق تەكشۈرۈشى"
    assert q.title.get() == str(q.title) == "满意度调查"
    gender = q.question("gender")
    assert gender.text.get("en") == "Your gender:"
    assert gender.text.get("ug") == "您的性别："  # no Uyghur text: falls back to zh-CN
    assert [o.label.get("ug") for o in gender.options] == ["ئەر", "ئايال"]
    assert [o.label.get("en") for o in gender.options] == ["男", "女"]
    assert q.invitation.get("ug") == "您好！问卷匿名，仅用于统计分析。"
    # a plain string is zh-CN; codes never change with the language
    overall = q.question("gender_ok")
    assert overall.text.get("en") == "您对服务是否满意？"
    assert [o.label.get("en") for o in overall.options] == ["Satisfied", "不满意"]
    assert overall.codes == ("A", "B")


def test_shipped_files_carry_english_labels():
    q = load(QUESTIONNAIRES / "nanchang-window.toml")
    assert q.question("overall").option("A").label.get("en") == "Very satisfied"
    assert q.question("overall").option("A").label.get("ug") == "非常满意"


# --- versions -------------------------------------------------------------------------------

def test_a_new_version_sits_beside_the_old_one(tmp_path):
    (tmp_path / "v1.toml").write_text(VALID, encoding="utf-8")
    v2 = VALID.replace("version = 1", "version = 2").replace("您是否满意？", "您对服务是否满意？")
    (tmp_path / "v2.toml").write_text(v2, encoding="utf-8")
    catalogue = Catalogue(tmp_path)
    assert set(catalogue.load_all()) == {"broken@1", "broken@2"}
    assert catalogue.get("broken").version == 2
    assert str(catalogue.get("broken", 1).question("q2").text) == "您是否满意？"
    with pytest.raises(KeyError):
        catalogue.get("broken", 3)


def test_the_same_id_and_version_twice_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.toml").write_text(VALID, encoding="utf-8")
    catalogue = Catalogue(tmp_path)
    assert list(catalogue.load_all()) == ["broken@1"]  # the first file still serves its surveys
    [error] = catalogue.errors()
    assert re.match(r"b\.toml: id and version broken@1 already used by a\.toml", error)


def test_a_broken_file_does_not_hide_the_others(tmp_path):
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "z.toml").write_text("id = ", encoding="utf-8")
    catalogue = Catalogue(tmp_path)
    assert list(catalogue.load_all()) == ["broken@1"]
    assert catalogue.errors()[0].startswith("z.toml: not valid TOML")


def test_the_catalogue_sees_a_changed_folder_within_the_rescan_interval(tmp_path):
    now = [100.0]
    catalogue = Catalogue(tmp_path, clock=lambda: now[0])
    (tmp_path / "a.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "z.toml").write_text("id = ", encoding="utf-8")
    first = catalogue.load_all()
    assert list(first) == ["broken@1"] and len(catalogue.errors()) == 1
    (tmp_path / "b.toml").write_text(VALID.replace("version = 1", "version = 2"), encoding="utf-8")
    (tmp_path / "z.toml").write_text(VALID.replace("version = 1", "version = 3"), encoding="utf-8")
    stat = (tmp_path / "z.toml").stat()  # a later save, whatever the file system's time resolution
    os.utime(tmp_path / "z.toml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    now[0] += catalogue.RESCAN_SECONDS  # the folder was looked at a moment ago: not yet again
    assert catalogue.load_all() is first
    now[0] += 0.5
    assert set(catalogue.load_all()) == {"broken@1", "broken@2", "broken@3"}
    assert catalogue.errors() == ()
    unchanged = catalogue.load_all()
    now[0] += 10  # listed again, but nothing changed: the same questionnaires, not parsed again
    assert catalogue.load_all() is unchanged
    assert catalogue.get("broken", 1) is unchanged["broken@1"]


def test_the_readme_example_is_a_valid_questionnaire(tmp_path):
    readme = (QUESTIONNAIRES / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "demo-window.toml"
    path.write_text(example, encoding="utf-8")
    q = load(path)
    assert q.key == "demo-window@1"
    assert dict(q.headline.weights) == {"overall": 1.0} and q.headline.figure == "rate"
    assert not q.question("suggestion").required


def test_a_file_saved_with_a_bom_by_notepad_loads(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert load(path).key == "broken@1"


@pytest.mark.parametrize("old, new, fragment", [
    ('version = 1\n', 'version = 1\ntitel = "错字"\n', "unknown field(s) ['titel']"),
    ('title = "一、问题"\n', 'title = "一、问题"\nnote = "x"\n', "section 1: unknown field(s) ['note']"),
    ('figure = "score"', 'figure = "rate"\n', None),
    ('invitation = "您好！本问卷匿名填写，仅用于统计分析。"\n',
     'invitation = "您好！本问卷匿名填写，仅用于统计分析。"\nsignature = { zh-CN = "某公司" }\n', "field 'signature'"),
])
def test_misspelt_or_unusable_fields_are_refused(tmp_path, old, new, fragment):
    text = VALID.replace(old, new)
    if fragment is None:  # a rate headline whose options mark nothing as satisfied
        text = text.replace("satisfied = true", "satisfied = false")
        fragment = "'rate' needs options marked satisfied"
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    assert str(caught.value).startswith("bad.toml") and fragment in str(caught.value)


@pytest.mark.parametrize("reserved", ["key", "lang", "csrf_token"])
def test_a_question_id_the_form_uses_itself_is_refused(tmp_path, reserved):
    path = tmp_path / "clash.toml"
    path.write_text(VALID.replace('id = "q1"', f'id = "{reserved}"'), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=f"^clash.toml, .*question '{reserved}', field 'id'"):
        load(path)


def test_a_score_chosen_for_a_ladder_that_is_not_0_to_100_is_judged_as_a_rate(tmp_path):
    """A survey may ask for 满意度得分 (c51_figure = "score") on a questionnaire whose ladder is 1–5: no rule
    scores that as a percentage, so the headline is the rate, and says why (it once raised: a 500 on every page)."""
    from survey_app import headline as headlines, results
    path = tmp_path / "broken.toml"
    path.write_text(VALID.replace('figure = "score"', 'figure = "rate"').replace("points = 100,", "points = 5,")
                    .replace("points = 0,", "points = 1,"), encoding="utf-8")
    q = load(path)
    qr = {x.id: results.question_result(x, {"A": 46, "B": 4} if x.id == "q2" else {}) for x in q.questions}
    h = headlines.headline({"rule": "xinjiang-c51", "c51_figure": "score"}, q, qr, None, None, None)
    assert h.figure == "rate" and h.value == 92.0 and "不是百分制" in h.notes[-1]
    from survey_app.admin.planner import score_scale
    assert headlines.figure_judged("score", q) == "rate" and score_scale(q, "score") is None  # the planner agrees
