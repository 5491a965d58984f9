"""What several commands share: a questionnaire named on the command line (id or id@version), and the
cleaning of text that is stored (click's ``callback=clean_line``)."""
from __future__ import annotations

import click

from .. import questionnaires
from ..safetext import clean_line as _clean_line


def find_questionnaire(ref: str):
    """The questionnaire ``id`` (newest version) or ``id@version``, or a usage error naming the known ones."""
    qid, _, version = ref.partition("@")
    try:
        return questionnaires.catalogue().get(qid, int(version) if version else None)
    except (KeyError, ValueError):
        known = ", ".join(sorted(questionnaires.catalogue().load_all()))
        raise click.BadParameter(f"unknown questionnaire {ref!r}; known: {known}") from None


def clean_line(ctx, param, value):
    """A click callback: a one-line text option or argument as stored (safetext.clean_line)."""
    return _clean_line(value)
