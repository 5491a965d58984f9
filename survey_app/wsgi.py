"""WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app` (see `manyi serve`)."""
from . import check_deployable, create_app

app = create_app()
try:
    check_deployable(app)
except RuntimeError as e:  # one line, no traceback, whoever loads it (gunicorn, `flask --app survey_app.wsgi`)
    raise SystemExit(f"Error: {e}") from None
