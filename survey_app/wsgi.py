"""WSGI entry point for gunicorn: `gunicorn survey_app.wsgi:app` (see `manyi serve`)."""
from . import DEV_SECRET, create_app

app = create_app()
if app.config["SECRET_KEY"] == DEV_SECRET:
    raise RuntimeError("Set FLASK_SECRET_KEY (or SECRET_KEY in instance/config.py) before serving Manyi.")
