"""What several commands share: a questionnaire named on the command line (id or id@version)."""
from __future__ import annotations

import click

from .. import questionnaires


def find_questionnaire(ref: str):
    """The questionnaire ``id`` (newest version) or ``id@version``, or a usage error naming the known ones."""
    qid, _, version = ref.partition("@")
    try:
        return questionnaires.catalogue().get(qid, int(version) if version else None)
    except (KeyError, ValueError):
        known = ", ".join(sorted(questionnaires.catalogue().load_all()))
        raise click.BadParameter(f"unknown questionnaire {ref!r}; known: {known}") from None
