"""The questionnaires of one folder, parsed once and again when a file in it changes.

``create_app`` builds one ``Catalogue`` per app (``init_app``) for its QUESTIONNAIRE_DIR; views and
commands get it with ``catalogue()``. Outside an app (benches, tests, scripts) a ``Catalogue`` works
on its own:

    questionnaires.catalogue().for_survey(survey)   # in a view: the version the survey was created with
    Catalogue("questionnaires").get("yining-2024-public", 1)
"""
from __future__ import annotations

import time
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

from flask import Flask, current_app

from . import fill
from .model import ChangedQuestionnaire, MissingQuestionnaire, Questionnaire, QuestionnaireError
from .parse import load

EXTENSION = "manyi.catalogue"  # the key in app.extensions


class _Scan(NamedTuple):
    checked: float  # the clock when the folder was last listed
    mtimes: tuple[tuple[str, int], ...]  # (file name, st_mtime_ns) of every *.toml in that listing
    found: Mapping[str, Questionnaire]
    errors: tuple[str, ...]


def _load_dir(directory: Path) -> tuple[Mapping[str, Questionnaire], tuple[str, ...]]:
    found, errors = {}, []
    for path in sorted(directory.glob("*.toml")):
        try:
            q = load(path)
        except QuestionnaireError as e:
            errors.append(str(e))  # one broken file must not take the other surveys down
            continue
        if q.key in found:
            errors.append(f"{path.name}: id and version {q.key} already used by {found[q.key].path}")
            continue
        found[q.key] = q
    return MappingProxyType(found), tuple(errors)


class Catalogue:
    """Every questionnaire file in ``directory``, keyed by ``id@version``.

    The respondent page asks on every request, so the folder is listed (names and modification times)
    at most every ``RESCAN_SECONDS``, and its files are parsed again only when that listing changed.
    ``clock`` (seconds, monotonic) is there for tests that move time.
    """

    RESCAN_SECONDS = 2.0
    FILLED_KEPT = 256  # filled copies kept (fill.py): one per survey that uses placeholders

    def __init__(self, directory: str | Path, *, clock: Callable[[], float] = time.monotonic):
        self.directory = Path(directory)
        self._clock = clock
        self._scan: _Scan | None = None  # replaced whole, so a reader in another thread sees one scan
        self._filled: dict[tuple, Questionnaire] = {}  # fill.fill's copies, by file and survey settings

    def __repr__(self) -> str:
        return f"Catalogue({str(self.directory)!r})"

    def _current(self) -> _Scan:
        now = self._clock()
        scan = self._scan
        if scan is None or now - scan.checked > self.RESCAN_SECONDS:
            mtimes = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(self.directory.glob("*.toml")))
            if scan is not None and scan.mtimes == mtimes:
                scan = scan._replace(checked=now)
            else:
                scan = _Scan(now, mtimes, *_load_dir(self.directory))
            self._scan = scan
        return scan

    def load_all(self) -> Mapping[str, Questionnaire]:
        """Every valid questionnaire keyed by ``id@version``; reloaded when a file changes."""
        return self._current().found

    def errors(self) -> tuple[str, ...]:
        """The error of every file that does not load (see ``manyi questionnaires check``)."""
        return self._current().errors

    def get(self, qid: str, version: int | None = None) -> Questionnaire:
        """The questionnaire ``qid`` at ``version`` (the newest when None); KeyError if absent."""
        found = self.load_all()
        if version is not None:
            exact = found.get(f"{qid}@{version}")  # the respondent page's case: one lookup
            if exact is not None:
                return exact
        matches = [q for q in found.values() if q.id == qid and (version is None or q.version == version)]
        if not matches:
            raise KeyError(f"no questionnaire {qid!r}" + (f" version {version}" if version else ""))
        return max(matches, key=lambda q: q.version)

    def for_survey(self, survey: dict) -> Questionnaire:
        """The questionnaire version a survey was created with, its texts' placeholders filled from the survey's
        settings (fill.py); MissingQuestionnaire if its file is gone, ChangedQuestionnaire (a
        MissingQuestionnaire) if it no longer reads as when the survey was created."""
        try:
            q = self.get(survey["questionnaire_id"], survey["questionnaire_version"])
        except KeyError:
            raise MissingQuestionnaire(survey) from None
        recorded = survey.get("questionnaire_digest")  # None: not recorded yet (store.record_questionnaire_digests)
        if recorded and recorded != q.digest:
            raise ChangedQuestionnaire(survey, q.digest)
        if not q.placeholders:
            return q
        key = (q.key, q.digest, *fill.values_of(survey).values())
        filled = self._filled.get(key)
        if filled is None:
            if len(self._filled) >= self.FILLED_KEPT:
                self._filled.clear()
            filled = self._filled[key] = fill.fill(q, survey)
        return filled

    def digest_of(self, qid: str, version: int) -> str | None:
        """The digest of questionnaire ``qid`` at ``version`` as found now, None when its file is not there."""
        q = self.load_all().get(f"{qid}@{version}")
        return None if q is None else q.digest


def init_app(app: Flask) -> None:
    """Give ``app`` the catalogue of its QUESTIONNAIRE_DIR (read once, here)."""
    app.extensions[EXTENSION] = Catalogue(app.config["QUESTIONNAIRE_DIR"])


def catalogue(app: Flask | None = None) -> Catalogue:
    """The catalogue of ``app``, or of the current app (in a view or a command) when None."""
    return (current_app if app is None else app).extensions[EXTENSION]
