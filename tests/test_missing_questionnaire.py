"""A survey whose questionnaire file was removed: friendly 503 pages, never a 500, data untouched."""
import pytest



@pytest.fixture
def orphan(database, evaluator, yining):
    """The Yining survey pointed at a questionnaire version that is not in the folder."""
    survey_id, codes = yining
    database.execute("update surveys set questionnaire_version = 99 where id = ?", [survey_id])
    return survey_id, codes


def test_evaluator_pages_explain_the_missing_file(admin_client, orphan):
    survey_id, _ = orphan
    for path in (f"/admin/surveys/{survey_id}", f"/admin/surveys/{survey_id}/responses",
                 f"/admin/surveys/{survey_id}/export/csv", f"/admin/surveys/{survey_id}/c51"):
        page = admin_client.get(path)
        assert page.status_code == 503, path
        assert "找不到本项目使用的问卷文件 yining-2024-public@99" in page.get_data(as_text=True)


def test_citizens_get_the_try_later_page_and_nothing_is_stored(client, orphan, database):
    survey_id, (hall, _) = orphan
    for response in (client.get(f"/s/{hall}"), client.post(f"/s/{hall}", data={"q5": "A"})):
        assert response.status_code == 503 and "服务暂时不可用" in response.get_data(as_text=True)
    assert database.response_count() == 0
    client.set_cookie("mdone", str(survey_id), path="/s/")  # a phone whose answer was stored before the file went
    assert "感谢您的参与" in client.get(f"/s/{hall}/thanks").get_data(as_text=True)
