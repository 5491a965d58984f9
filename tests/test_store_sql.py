"""One SQL text for both databases: ``?`` and ``:name`` parameters as SQLite reads them, turned into
psycopg's ``%s`` and ``%(name)s`` (strings, casts and percent signs kept as they mean)."""
from survey_app.store.common import pyformat


def test_positional_and_named_parameters_become_psycopgs():
    assert pyformat("select * from t where a = ? and b = ?") == "select * from t where a = %s and b = %s"
    assert pyformat("select :threshold, :q0 from t where id < :before") == \
        "select %(threshold)s, %(q0)s from t where id < %(before)s"


def test_strings_casts_and_percent_signs_keep_their_meaning():
    assert pyformat("select 'a?b:c' || x from t where y like '50%' and z = ?") == \
        "select 'a?b:c' || x from t where y like '50%%' and z = %s"
    assert pyformat("select hour || ':00:00', n::text, 'it''s ?' from t where n % 2 = ?") == \
        "select hour || ':00:00', n::text, 'it''s ?' from t where n %% 2 = %s"
    assert pyformat('insert into audit_log ("user") values (?)') == 'insert into audit_log ("user") values (%s)'
