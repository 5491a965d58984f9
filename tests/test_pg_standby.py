"""PostgreSQL with a primary and a streaming standby (README, "Deploying on PostgreSQL"): messages name each
server by host and port, and a command pointed at the standby says so in one line."""
from survey_app.store.postgres import redact


def test_messages_name_every_host_with_its_port_and_never_the_password():
    primary = redact("postgresql://manyi:s3cret@127.0.0.1:5441/manyi")
    replica = redact("postgresql://manyi:s3cret@127.0.0.1:5442/manyi")
    assert primary == "postgresql://manyi@127.0.0.1:5441/manyi" and replica == "postgresql://manyi@127.0.0.1:5442/manyi"
    both = redact("postgresql://manyi:s3cret@h1:5432,h2:5433/manyi?target_session_attrs=read-write")
    assert both == "postgresql://manyi@h1:5432,h2:5433/manyi"
    assert redact("postgresql://manyi@h1,h2:6432/manyi") == "postgresql://manyi@h1:5432,h2:6432/manyi"
    assert redact("postgresql://manyi@db.example.cn/manyi") == "postgresql://manyi@db.example.cn:5432/manyi"
    assert redact("postgresql://manyi@[::1]:5442/manyi") == "postgresql://manyi@[::1]:5442/manyi"
    for url in ("postgresql://manyi:s3cret@h1:5432,h2:5432/manyi", "host=h1 password=s3cret dbname=manyi"):
        assert "s3cret" not in redact(url)
