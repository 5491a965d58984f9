"""survey_app/localtime.py: the one way a stored UTC time is shown, on pages, in files and by commands."""
from datetime import datetime, timedelta, timezone

from survey_app.localtime import naive, shown

STORED = "2024-08-13T02:42:07.123456+00:00"


def test_a_stored_time_is_shown_in_the_deployments_zone_in_three_forms():
    assert shown(STORED, "Asia/Shanghai") == "2024-08-13 10:42:07"
    assert shown(STORED, "Asia/Shanghai", label="name") == "2024-08-13 10:42:07 Asia/Shanghai"
    assert shown(STORED, "Asia/Shanghai", label="offset") == "2024-08-13 10:42:07（UTC+8）"
    assert shown(STORED, "Asia/Kolkata", label="offset") == "2024-08-13 08:12:07（UTC+5:30）"
    assert shown(STORED, timezone(timedelta(hours=-3, minutes=-30)), label="offset") == "2024-08-12 23:12:07（UTC−3:30）"


def test_excel_and_spss_get_the_local_time_without_a_zone():
    assert naive(STORED, "Asia/Shanghai") == datetime(2024, 8, 13, 10, 42, 7)


def test_no_time_or_a_text_that_is_not_a_time_never_raises():
    assert shown(None, "Asia/Shanghai") == "" and shown("", "Asia/Shanghai", label="name") == ""
    assert shown("not a time at all, longer", "Asia/Shanghai") == "not a time at all, "
