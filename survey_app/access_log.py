"""gunicorn's access log (gunicorn_conf.py) without a hall tablet's token: /k/<token> is the tablet's key (anyone
holding it answers without a phone's limits: respondent/kiosk.py), so the request line is logged as /k/***, as
deploy/nginx-manyi.conf logs it."""
from __future__ import annotations

import re

from gunicorn.glogging import Logger as GunicornLogger

TABLET_PATH = re.compile(r"(/k/)[^\s?#]+")


def masked(text: str) -> str:
    """'GET /k/b7FrXICQ HTTP/1.1' as 'GET /k/*** HTTP/1.1'; anything else as it is."""
    return TABLET_PATH.sub(r"\1***", text) if "/k/" in text else text


class Logger(GunicornLogger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f"):  # request line, path, query, referer
            if isinstance(atoms.get(name), str):
                atoms[name] = masked(atoms[name])
        return atoms
