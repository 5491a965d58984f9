"""Questionnaires: files of data (TOML in ``questionnaires/``, format in its README), never code.

    model.py      the frozen dataclasses (Questionnaire, Section, Question, Option, Text, HeadlineSpec),
                  the format's vocabularies and the errors
    parse.py      load(path) and parse(data, where): one file, validated; errors name file, question, field
    digest.py     a questionnaire's digest (what citizens read, what codes mean), recorded on its surveys
    catalogue.py  Catalogue(directory): a folder of them, reloaded when a file changes; one per app,
                  catalogue() in a view or command
"""
from .catalogue import Catalogue, catalogue, init_app
from .model import (DEFAULT_LANGUAGE, ChangedQuestionnaire, HEADLINE_FIGURES, LANGUAGES, ROLES, RTL_LANGUAGES, TYPES, HeadlineSpec,
                    MissingQuestionnaire, Option, Question, Questionnaire, QuestionnaireError, Section, Text)
from .parse import load, parse

__all__ = [
    "Catalogue", "catalogue", "init_app", "load", "parse",
    "Questionnaire", "Section", "Question", "Option", "Text", "HeadlineSpec", "QuestionnaireError",
    "MissingQuestionnaire", "ChangedQuestionnaire",
    "DEFAULT_LANGUAGE", "LANGUAGES", "RTL_LANGUAGES", "ROLES", "TYPES", "HEADLINE_FIGURES",
]
