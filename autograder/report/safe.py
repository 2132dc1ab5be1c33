"""Make text a student controls safe to show: cut to a size a person can read, then inert where it lands.

Exception messages, returned values, file, folder and display names, student ids and notes all come from
students, and each reaches a terminal, Markdown, HTML, CSV or an LMS's JSON. A renderer first takes the
report through `shown()` (sizes), then passes every field through the function of its destination, at the
point where it writes the field:

    terminal, JSON  inert()      each control character (C0 and C1: ANSI and OSC sequences, bell, backspace,
                                 carriage return; DEL), bidi override and lone surrogate becomes its visible
                                 escape (`\\x1b`, `\\u202e`); tab, newline and the Unicode line separators
                                 become a space, unless `newlines` keeps the newlines of a multi-line block
    Markdown        markdown()   inert, then every character that can open Markdown or HTML markup gets a
                                 backslash, and so does a line-start marker (`-`, `+`, `=`, `1.`) at the start,
                                 since list items start blocks; code(): a code span fenced longer than any
                                 backtick run inside
    HTML            html_text()  inert, then html.escape (quotes too, so it is safe in attributes)
    CSV             csv_cell()   inert, then a cell starting (after spaces) with = + - or @ gets a leading `'`
                                 (OWASP's CSV-injection rule; tab and CR are already spaces). Writers also
                                 quote every cell, so a `;` inside one cannot start a cell in a `;` locale.
"""
import dataclasses
import html
import re

from autograder.report import Report

MAX_SENTENCE = 600  # characters of one lost point's sentence: 30 failing tests still fit a few hundred lines
SENTENCE_TAIL = 120  # kept from the end too: where the error was raised is said last
MAX_NOTE = 300
MAX_NOTES = 10
MAX_NAME = 120  # a file name or student id
CUT = " [... {count} characters cut ...] "
NOTES_CUT = "{count} more notes were cut; fix the ones above first."

_LINE_BREAKS = re.compile("\r\n|[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_MARKDOWN_MARKUP = re.compile(r"[\\`*\[\]<>|~&#$]|(?<![^\W_])_|_(?![^\W_])")
_BLOCK_START = re.compile(r"^(?:[-+=]|\d+[.)])(?=\s|$)")  # what opens a list item or heading at a block's start
_FORMULA_START = re.compile(r"^\s*[=+\-@]")


def shown(report: Report) -> Report:
    """Return the report as it may be shown: each sentence, note and the file name cut, at most MAX_NOTES notes.

    Showing a shown report changes nothing, so each renderer may call it whoever called it before.
    """
    results = tuple(dataclasses.replace(result, feedback=cut(result.feedback, MAX_SENTENCE, SENTENCE_TAIL))
                    for result in report.results)
    notes = list(report.notes)
    if len(notes) > MAX_NOTES:  # the line saying so counts as one of them
        notes[MAX_NOTES - 1:] = [NOTES_CUT.format(count=len(notes) - MAX_NOTES + 1)]
    notes = [cut(note, MAX_NOTE) for note in notes]
    return dataclasses.replace(report, submission=cut(report.submission, MAX_NAME), results=results,
                               notes=tuple(notes))


def cut(text: str, limit: int, tail: int = 0) -> str:
    """Shorten `text` to at most `limit` characters, keeping its start (and `tail` characters of its end)."""
    if len(text) <= limit:
        return text
    head = limit - tail - len(CUT.format(count=len(text)))
    return text[:head] + CUT.format(count=len(text) - head - tail) + (text[len(text) - tail:] if tail else "")


def inert(text: str, newlines: bool = False) -> str:
    """Make `text` plain for a terminal or JSON: no control sequence can act, no line can be forged."""
    text = _LINE_BREAKS.sub(lambda match: "\n" if newlines and match[0] in ("\n", "\r\n") else " ", text)
    return _UNSAFE.sub(_visible_escape, text)


def markdown(text: str) -> str:
    """Make `text` literal in Markdown: inert, every markup character escaped, so it renders as written.

    Spaces at either end go: leading ones could start an indented code block in a list item.
    """
    escaped = _MARKDOWN_MARKUP.sub(r"\\\g<0>", inert(text).strip())
    return _BLOCK_START.sub(lambda marker: marker[0][:-1] + "\\" + marker[0][-1], escaped, count=1)


def code(text: str) -> str:
    """Put `text` in a Markdown code span that it cannot close, whatever backticks it holds."""
    text = inert(text)
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    # Markdown strips one space from each end; the spaces keep a backtick at either end off the fence.
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_text(text: str) -> str:
    """Make `text` literal in HTML, in element content and in quoted attributes alike."""
    return html.escape(inert(text), quote=True)


def csv_cell(text: str) -> str:
    """Make `text` a CSV cell that no spreadsheet reads as a formula."""
    text = inert(text)
    return "'" + text if _FORMULA_START.match(text) else text


def _visible_escape(match: re.Match) -> str:
    character = match[0]
    return f"\\x{ord(character):02x}" if ord(character) < 0x100 else f"\\u{ord(character):04x}"
