"""WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app` (see `manyi serve`)."""
from . import check_deployable, create_app

app = create_app()
check_deployable(app)
