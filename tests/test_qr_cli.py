"""QR codes and posters decode to the point's URL; the evaluator's commands (qr, demo,
create-survey, add-point, questionnaires) do what they print and fail clearly."""
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from survey_app import qr
from survey_app import create_app
from survey_app.cli import demo

URL = "https://manyi.example.cn/s/k3m9x2pq"
SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list:
    return [(r.text, r.format.name, r.ec_level) for r in zxingcpp.read_barcodes(image)]


def rasterize(svg: str, scale: int = 10) -> Image.Image:
    """Draw the module squares of one of our QR SVGs (a white rect and one path of squares)."""
    root = ET.fromstring(svg)
    size = int(float(root.get("viewBox").split()[2]))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    squares = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)", root.find(f"{SVG_NS}path").get("d"))
    assert squares
    for x0, y0, x1, y1 in squares:
        draw.rectangle([float(x0) * scale, float(y0) * scale, float(x1) * scale - 1, float(y1) * scale - 1], fill=0)
    return image


def test_point_url_joins_base_and_code():
    assert qr.point_url("http://192.168.1.23:5000/", "k3m9x2pq") == "http://192.168.1.23:5000/s/k3m9x2pq"


def test_png_decodes_to_the_url_and_is_big_enough_to_print():
    image = Image.open(io.BytesIO(qr.png_bytes(URL)))
    assert image.format == "PNG" and image.width == image.height >= 1200
    assert round(image.info["dpi"][0]) == 300
    assert decode(image) == [(URL, "QRCode", "Q")]


def test_svg_is_a_printable_document_that_decodes_to_the_url():
    svg = qr.svg_bytes(URL).decode()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg" and root.get("width") == "100mm"
    assert decode(rasterize(svg)) == [(URL, "QRCode", "Q")]


def test_poster_names_survey_point_code_and_anonymity_and_loads_nothing():
    html = qr.poster_html("2024年伊宁市医疗保障局部门整体绩效满意度调查", "1号窗口 <东>", "k3m9x2pq", URL)
    assert "2024年伊宁市医疗保障局部门整体绩效满意度调查" in html
    assert "1号窗口 &lt;东&gt;" in html and "<东>" not in html
    assert "<b>k3m9x2pq</b>" in html
    assert "扫码填写满意度问卷，匿名填写，不收集姓名和电话" in re.sub(r"<[^>]+>", "", html)  # no time promised; in phrases
    timed = qr.poster_html("t", "p", "k3m9x2pq", URL, invitation="您好！整份问卷的填写大约需要 2 分钟，请根据您的真实感受填写。")
    assert "扫码填写满意度问卷，约 2 分钟，匿名填写，不收集姓名和电话" in re.sub(r"<[^>]+>", "", timed)  # its own figure
    assert "size:A4" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(|@import""", html, re.I)
    inline = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert decode(rasterize(inline)) == [(URL, "QRCode", "Q")]


def test_qr_command_writes_three_files_per_point(runner, yining, tmp_path, app):
    survey_id, codes = yining
    out = tmp_path / "posters"
    result = runner.invoke(args=["qr", str(survey_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    base = app.config["PUBLIC_BASE_URL"]
    for code in codes:
        assert f"{base}/s/{code}" in result.output
        assert decode(Image.open(out / f"{code}.png")) == [(f"{base}/s/{code}", "QRCode", "Q")]
        assert "业务大厅" in (out / f"{codes[0]}-poster.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{c}{suffix}" for c in codes for suffix in (".png", ".svg", "-poster.html"))


@pytest.mark.parametrize("base", ["manyi.example.cn", "ftp://manyi.example.cn", "https://"])
def test_qr_command_refuses_a_base_url_a_phone_cannot_open(runner, yining, tmp_path, app, base):
    app.config["PUBLIC_BASE_URL"] = base
    result = runner.invoke(args=["qr", str(yining[0]), "--out", str(tmp_path / "posters")])
    assert result.exit_code == 1 and "http:// or https://" in result.output and repr(base) in result.output
    assert not (tmp_path / "posters").exists()


def test_qr_command_warns_when_the_posters_point_to_this_machine(runner, yining, tmp_path, app):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    result = runner.invoke(args=["qr", str(yining[0]), "--out", str(tmp_path / "posters")])
    assert result.exit_code == 0 and "only this machine can open" in result.stderr
    assert "only this machine" not in result.stdout
    app.config["PUBLIC_BASE_URL"] = "https://manyi.example.cn"
    quiet = runner.invoke(args=["qr", str(yining[0]), "--out", str(tmp_path / "other")])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_qr_command_defaults_to_the_instance_folder(runner, yining, tmp_path, app, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    survey_id, codes = yining
    assert runner.invoke(args=["qr", str(survey_id)]).exit_code == 0
    assert (tmp_path / "instance" / "qr" / str(survey_id) / f"{codes[1]}-poster.html").is_file()


def test_qr_command_for_an_unknown_survey_fails_clearly(runner):
    result = runner.invoke(args=["qr", "99"])
    assert result.exit_code == 1 and "no survey with id 99" in result.output


def test_demo_twice_gives_one_survey_two_points_files_and_a_kept_secret_key(runner, app, client, database,
                                                                           tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setattr(app, "instance_path", str(instance))
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    key = (instance / "config.py").read_text()
    assert re.search(r"^SECRET_KEY = '[0-9a-f]{64}'$", key, re.M)
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert (instance / "config.py").read_text() == key

    [survey] = [s for s in database.list_surveys() if s["title"] == demo.DEMO_TITLE]
    assert survey["questionnaire_id"] == "yining-2024-public"
    [earlier] = [s for s in database.list_surveys() if s["id"] != survey["id"]]  # last year's, to compare with
    assert "演示数据（虚构）" in earlier["title"] and survey["compare_with"] == earlier["id"]
    assert (survey["department"], survey["year"], survey["evaluator_org"], survey["target"], survey["target_n"]) == (
        "伊宁市医疗保障局", 2024, "新疆政通众和商务咨询有限公司", 95.0, 50)
    points = database.list_points(survey["id"])
    assert [p["name"] for p in points] == ["业务大厅", "1号窗口"]
    for p in points:
        url = f"{app.config['PUBLIC_BASE_URL']}/s/{p['code']}"
        assert url in first.output and url in second.output
        for suffix in (".png", ".svg", "-poster.html"):
            assert (instance / "qr" / str(survey["id"]) / f"{p['code']}{suffix}").is_file()
        assert "不收集姓名、电话" in client.get(f"/s/{p['code']}").get_data(as_text=True)


@pytest.mark.parametrize("existing", ["SECRET_KEY = 'mine'\n", "TIMEZONE = 'Asia/Urumqi'"])
def test_demo_never_overwrites_an_existing_config(runner, app, tmp_path, monkeypatch, existing):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(existing)
    monkeypatch.setattr(app, "instance_path", str(instance))
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    text = (instance / "config.py").read_text()
    assert text.startswith(existing) and text.count("SECRET_KEY") == 1


def test_demo_warns_when_phones_cannot_reach_the_qr_address(runner, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    result = runner.invoke(args=["demo", "--no-serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0 and "hostname -I" in result.output


@pytest.mark.parametrize("args, message", [
    (["create-survey", "no-such-questionnaire"], "unknown questionnaire 'no-such-questionnaire'; known: "),
    (["create-survey", "yining-2024-public", "--opens", "2024-13-01"], "'2024-13-01' is not a date like 2024-08-13"),
    (["create-survey", "yining-2024-public", "--closes", "next week"], "is not a date like"),
])
def test_create_survey_with_bad_input_fails_clearly_and_creates_nothing(runner, database, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and message in result.output
    assert database.list_surveys() == []


def test_create_survey_then_add_point(runner, database, app):
    created = runner.invoke(args=["create-survey", "yining-2024-public", "--year", "2024", "--opens", "2024-08-13"])
    assert created.exit_code == 0, created.output
    assert "Note:" not in created.output  # the questionnaire's texts say 2024 too
    [survey] = database.list_surveys()
    added = runner.invoke(args=["add-point", str(survey["id"]), "业务大厅"])
    [point] = database.list_points(survey["id"])
    assert added.output.strip() == f"业务大厅: {app.config['PUBLIC_BASE_URL']}/s/{point['code']}"


def test_create_survey_for_another_year_says_the_citizens_would_read_the_questionnaires_year(runner, database):
    """yining-2024-public's title and invitation say 2024: a 2025 survey made from it would show 2024 to citizens."""
    created = runner.invoke(args=["create-survey", "yining-2024-public", "--year", "2025"])
    assert created.exit_code == 0 and len(database.list_surveys()) == 1
    assert "say 2024 年, not 2025" in created.output and "copy the questionnaire file" in created.output


def test_add_point_to_an_unknown_survey_fails_clearly(runner, database):
    result = runner.invoke(args=["add-point", "42", "业务大厅"])
    assert result.exit_code == 1 and "no survey with id 42" in result.output
    assert database.execute("select count(*) from points").fetchone()[0] == 0


def test_questionnaires_check_passes_on_the_repository_files(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "OK    yining-2024-public.toml: yining-2024-public@1" in result.output
    assert "0 error(s)" in result.output


def test_questionnaires_check_names_a_broken_file_and_exits_1(runner, tmp_path):
    good = Path(__file__).parent.parent / "questionnaires" / "yining-2024-public.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text(good.read_text(encoding="utf-8").replace('questions = { q5 = 1.0 }', 'questions = { q9 = 1.0 }'),
                      encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(good), str(broken)])
    assert result.exit_code == 1
    assert "ERROR broken.toml, field 'headline'.questions: unknown question 'q9'" in result.output
    assert "OK    yining-2024-public.toml" in result.output


def test_questionnaires_check_rejects_two_files_with_one_id_and_version(runner, tmp_path):
    good = Path(__file__).parent.parent / "questionnaires" / "yining-2024-public.toml"
    copy = tmp_path / "copy.toml"
    copy.write_bytes(good.read_bytes())
    result = runner.invoke(args=["questionnaires", "check", str(good), str(copy)])
    assert result.exit_code == 1 and "copy.toml: id and version yining-2024-public@1 already used" in result.output


def test_questionnaires_list_shows_what_create_survey_accepts(runner):
    result = runner.invoke(args=["questionnaires", "list"])
    assert result.exit_code == 0
    assert "yining-2024-public@1  2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查" in result.output


def test_questionnaires_list_leaves_out_a_broken_file_and_says_so(app, tmp_path):
    good = Path(__file__).parent.parent / "questionnaires" / "yining-2024-public.toml"
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "yining-2024-public.toml").write_bytes(good.read_bytes())
    (tmp_path / "q" / "broken.toml").write_text('id = "broken"\n', encoding="utf-8")
    runner = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": app.config["DATABASE"],
                         "QUESTIONNAIRE_DIR": str(tmp_path / "q")}).test_cli_runner()  # create_app reads the folder
    result = runner.invoke(args=["questionnaires", "list"])
    assert result.exit_code == 0 and "yining-2024-public@1" in result.output
    assert not any(line.startswith("broken") for line in result.output.splitlines())
    assert "1 file(s) left out" in result.output
    check = runner.invoke(args=["questionnaires", "check"])
    assert check.exit_code == 1 and "ERROR broken.toml: missing field" in check.output


def test_demo_prints_an_evaluator_login_that_works(runner, app, client, database, tmp_path, monkeypatch):
    from tests.admin_helpers import login

    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    runner.invoke(args=["demo", "--no-serve"])
    second = runner.invoke(args=["demo", "--no-serve"])  # a re-run: same account, a new password
    password = re.search(r"user: demo  password: (\S+)", second.output).group(1)
    assert database.execute("select count(*) from users").fetchone()[0] == 1
    assert login(client, "demo", password).status_code == 302
    [survey] = [s for s in database.list_surveys() if s["title"] == demo.DEMO_TITLE]
    assert survey["responses"] == 50  # the reconstructed Yining answers, stored once over two runs
    dashboard = client.get(f"/admin/surveys/{survey['id']}").get_data(as_text=True)
    assert demo.DEMO_TITLE in dashboard and "97.6" in dashboard


def test_demo_refuses_a_database_holding_real_surveys_unless_forced(runner, app, database, yining, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    refused = runner.invoke(args=["demo", "--no-serve"])
    assert refused.exit_code == 1 and "1 survey(s) that are not the demo's" in refused.output, refused.output
    assert "nothing added" in refused.output and "--force" in refused.output and "50 invented answers" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert [s["id"] for s in database.list_surveys()] == [yining[0]] and database.user_by_name("demo") is None
    forced = runner.invoke(args=["demo", "--no-serve", "--force"])
    assert forced.exit_code == 0, forced.output
    assert any(s["title"] == demo.DEMO_TITLE for s in database.list_surveys())


def test_demo_without_the_sample_answers(runner, app, database, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    assert runner.invoke(args=["demo", "--no-serve", "--no-sample"]).exit_code == 0
    assert database.response_count() == 0


def test_the_poster_states_the_time_the_questionnaire_states(admin_client, yining):
    """An outside re-review: the poster promised 约 1 分钟 while Yining's invitation says 大约需要 2 分钟."""
    survey_id, _ = yining
    from survey_app import questionnaires
    html = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    poster = re.search(r'href="([^"]+/poster)"', html)
    assert poster, "no poster link on the survey's page"
    page = admin_client.get(poster.group(1)).get_data(as_text=True)
    assert "约 2 分钟，匿名填写" in page and "约 1 分钟" not in page
    assert "大约需要 2 分钟" in str(questionnaires.catalogue(admin_client.application).get("yining-2024-public", 1).invitation)
