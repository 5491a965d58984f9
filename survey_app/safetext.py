"""Text in and text out (pure functions: no Flask, no SQL).

In: every string a person types is cleaned where it comes in, by ``clean_line`` (one-line fields:
titles, departments, point names, reasons; CLI options) or ``clean_text`` (several lines: citizens'
free text, the annex texts): no control characters, no noncharacters (U+FFFE, U+FFFF, …), no lone
surrogates and no bidi embedding/override/isolate controls (they can make a file name or a title read
differently from what it is: "Trojan Source"); line breaks become one space in a one-line field and
\\n in a text. LRM/RLM marks stay (Uyghur text may need them).

Out: text stored before that cleaning (old data, a copied database) may hold any code point a Python
str can. Every writer makes it safe its own way, showing U+FFFD (�) where a code point cannot go, so
a reader sees that something was there rather than losing it silently:

    xml_text       XLSX cells, DOCX paragraphs, SPSS labels (XML 1.0 characters only); reports/raw.py's
                   sheet_text builds on it for every cell of the raw data (CSV, XLSX, SAV: never a formula)
    utf8_text      JSON and HTML pages (``printable``, Jinja's finalize): UTF-8 cannot encode a lone
                   surrogate; Jinja's autoescape does the rest of HTML
    file_name      a download's file name (Content-Disposition): werkzeug sends it as RFC 5987
                   ``filename*`` with an ASCII fallback; no control (CR/LF), separator or bidi characters
"""
from __future__ import annotations

import re

from markupsafe import Markup

REPLACEMENT = "\ufffd"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xfffe)}{chr(plane * 0x10000 + 0xffff)}" for plane in range(1, 17))
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
# What no stored text keeps: C0 controls but tab and line feed, DEL, C1 controls, and the above.
_UNWANTED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_NONCHARACTERS}{_BIDI_CONTROLS}{_SURROGATES}]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")  # zero-width space, word joiner, BOM: a name that looks the same
_LINE_BREAKS = re.compile("\r\n|[\r\n\t\x0b\x0c\x85\u2028\u2029]")  # in a one-line field: one space each
_NOT_XML = re.compile(f"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_NOT_IN_FILE_NAME = re.compile(f'[\x00-\x1f\x7f-\x9f\\\\/:*?"<>|{_NONCHARACTERS}{_BIDI_CONTROLS}{_SURROGATES}]')


def clean_line(value: str | None) -> str | None:
    """A one-line field as stored: line breaks and tabs as spaces, nothing unwanted, no outer spaces.
    Not text at all (a file part posted under a field's name): None, as if the field were left empty."""
    if not isinstance(value, str):
        return None
    return _INVISIBLE.sub("", _UNWANTED.sub("", _LINE_BREAKS.sub(" ", value))).strip()


def clean_text(value: str | None) -> str | None:
    """A text of several lines as stored: line breaks as \\n (a browser sends \\r\\n), nothing unwanted.
    Outer spaces are left to the caller (a citizen's answer is stripped after its length is checked)."""
    if not isinstance(value, str):
        return None
    return _UNWANTED.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def xml_text(value: str) -> str:
    """Stored text as an XML 1.0 document can hold it (XLSX, DOCX): each other code point as U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, value)


def utf8_text(value: str) -> str:
    """Stored text that encodes as UTF-8 (JSON, SPSS, HTML): each lone surrogate as U+FFFD."""
    return _SURROGATE.sub(REPLACEMENT, value)


def file_name(value: str) -> str:
    """A file name from stored text (no folder, no header break): each unsafe character as "_"."""
    return _NOT_IN_FILE_NAME.sub("_", value).strip()


def printable(value):
    """Jinja's ``finalize`` (pages and posters): every ``{{ value }}`` encodes as UTF-8, else the page
    would end in a 500 on a stored lone surrogate. Anything else is left as it is."""
    if isinstance(value, str):
        cleaned = utf8_text(value)
        if cleaned != value:
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value
