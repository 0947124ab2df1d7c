import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import DatabaseError, InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import (
    classify_connect_error,
    conn_params_from_options,
    parse_database_url,
)


def test_parse_database_url_railway_style_with_encoded_password():
    parts = parse_database_url("postgresql://postgres:p%40ss%2Fw0rd@roundhouse.proxy.rlwy.net:51234/railway?sslmode=require")
    assert parts == {"host": "roundhouse.proxy.rlwy.net", "port": 51234, "user": "postgres", "password": "p@ss/w0rd",
                     "dbname": "railway", "sslmode": "require"}


def test_postgres_scheme_accepted_and_discrete_options_win():
    conn = conn_params_from_options({"database_url": "postgres://u:pw@h:5433/app", "dbname": "other", "port": 6000})
    assert (conn.host, conn.port, conn.user, conn.password, conn.dbname) == ("h", 6000, "u", "pw", "other")


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "http://h/db"])
def test_wrong_scheme_is_invalid_input_with_fix(url):
    with pytest.raises(InvalidInputError) as caught:
        conn_params_from_options({"database_url": url})
    assert "postgres://" in str(caught.value) and "Fix:" in str(caught.value)


def test_missing_dbname_is_reported():
    with pytest.raises(InvalidInputError, match="no database given"):
        conn_params_from_options({"host": "h", "user": "u"})


def test_password_only_in_env_and_redacted_from_text():
    conn = conn_params_from_options({"database_url": "postgres://u:s3cr3t-XYZ@h:5432/app"})
    env = conn.env()
    assert env["PGPASSWORD"] == "s3cr3t-XYZ"
    assert "s3cr3t-XYZ" not in conn.describe()
    assert conn.redact("error near s3cr3t-XYZ") == "error near ********"


@pytest.mark.parametrize("text,needle", [
    ('FATAL:  password authentication failed for user "u"', "authentication failed"),
    ("connection to server at \"h\" (10.0.0.1), port 5432 failed: Connection refused", "unreachable"),
    ('could not translate host name "nohost" to address', "unreachable"),
])
def test_connect_errors_name_cause_and_fix(text, needle):
    conn = conn_params_from_options({"database_url": "postgres://u:pw@h:5432/app"})
    error = classify_connect_error(conn, text)
    assert isinstance(error, DatabaseError)
    assert needle in error.message and error.hint


@pytest.mark.parametrize("url,expected", [
    ("postgres://u:p%23w@h/db", "p#w"), ("postgres://u@h/db", None), (None, None), ("postgres://u:pw@h:notaport/db", "pw"),
])
def test_url_password_for_masking(url, expected):
    from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import url_password
    assert url_password(url) == expected
