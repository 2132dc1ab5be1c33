"""Find a student's submission and cut it into chunks that a sandboxed child runs.

Nothing in this module runs student code: files are read, parsed and compiled,
never executed or imported. The data flow is:

    folder or file named on the command line
        |  find_submission()    which file to grade, or SubmissionNotFound
        v
    regularization.py | regularization.ipynb
        |  load_submission()    read + nbformat + ast: chunks, notes, problem
        v
    Submission(chunks=(Chunk, ...))          plain data, sent to the child
        |  compile_chunk() + exec, one chunk at a time, in the child only
        v
    the student's names; tracebacks quote the student's own lines

A .py file is one chunk and runs as written. A notebook gives one chunk per
top-level import, function, class, import guard or constant assignment, after
IPython-only lines are blanked. Every other statement (training loops, downloads,
plots, `net = nn.Linear(...)`) is dropped, so grading never trains or plots.
"""

import ast
import difflib
import io
import linecache
import re
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError

MAX_SOURCE_BYTES = 5_000_000
MAX_NOTEBOOK_BYTES = 100_000_000
SUFFIXES = (".py", ".ipynb")
LISTED_FILES = 10

MISSING_FILE = "There is no file {path}."
NOTHING_IN_FOLDER = "There is no {module}.py or {module}.ipynb in {folder}"
NO_OTHER_FILES = "{missing}, nor any other .py or .ipynb file."
OTHER_FILES = "{missing}; its .py and .ipynb files are: {names}."
MORE_FILES = "{names} and {count} more"
CLOSE_NAME = " Did you mean {name}?"
RENAME = " Rename it to {wanted}, or name that file instead of the folder."
BOTH_KINDS = (
    "Both {module}.py and {module}.ipynb are in {folder}; "
    "name the one to grade, e.g. {example} instead of the folder."
)

UNKNOWN_KIND = "{name} is neither a .py file nor a .ipynb notebook."
TOO_BIG = "{name} is {size} MB; the limit is {limit} MB."
CODE_TOO_BIG = "The code cells of {name} hold {size} MB of source; the limit is {limit} MB."
NOT_UTF8 = "{name} is not UTF-8 text (byte {offset} cannot be decoded); save it as UTF-8."
EMPTY = "{name} is empty."
DOES_NOT_PARSE = "{name} does not parse ({error})."
LINE_ERROR = "line {line}: {message}"
NOT_A_NOTEBOOK = "{name} is not a Jupyter notebook: {reason}."
BAD_JSON = "it is not valid JSON (line {line}, column {column})"
NBFORMAT_REFUSES = "nbformat cannot read it ({error})"
SOURCE_NOT_TEXT = "the source of cell {number} is not text"
NO_CODE_CELLS = "{name} has no code cells, or only empty ones."
NOTHING_TO_GRADE = (
    "Nothing in {name} can be graded: no code cell that parses has "
    "an import, a function, a class or a constant."
)

CELL_FILENAME = "{name}, cell {number}"
CELL_SKIPPED = "Cell {number} of {name} does not parse ({error}) and was skipped."
MAGIC_CELL_SKIPPED = (
    "Cell {number} of {name} starts with {magic}, so its functions and classes "
    "were not graded; delete that line to have them graded."
)
STATEMENTS_SKIPPED = (
    "Skipped {statements} in {cells} of {name}: "
    "grading runs only imports, definitions and constants."
)

# `files = !ls`, `t = %timeit -o f()`: no Python statement has `!` or `%`
# right after its first `=`, so a match is always IPython syntax.
_MAGIC_ASSIGNMENT = re.compile(r"\s*[^\s=#'\"][^=#'\"]*=\s*[!%]")
_HELP_LINE = re.compile(r"\s*(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_DEFINITION_LINE = re.compile(r"^(?:async\s+def|def|class)\s+\w+\s*[(:]", re.MULTILINE)
_OLD_NEWLINES = re.compile(r"\r\n?")

_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LITERAL_PARTS = (
    ast.Constant, ast.UnaryOp, ast.BinOp, ast.Tuple, ast.List, ast.Set, ast.Dict,
    ast.expr_context, ast.operator, ast.unaryop,
)


@dataclass(frozen=True)
class Chunk:
    """One piece of student code that the child compiles and runs on its own."""

    source: str  # the statement (notebook) or the whole file (.py)
    filename: str  # "regularization.py" or "regularization.ipynb, cell 5"
    first_line: int  # 1-based line of `source` within `text`
    tolerant: bool  # a notebook statement may fail without stopping the load
    text: str  # the whole file or cell, which tracebacks quote


@dataclass(frozen=True)
class Submission:
    """What load_submission found in a file: chunks to run, notes, or why nothing runs."""

    path: Path
    chunks: tuple[Chunk, ...]
    notes: tuple[str, ...]
    problem: str | None


class SubmissionNotFound(Exception):
    """The file to grade cannot be chosen; the message is the sentence to show."""


class _Unusable(Exception):
    """A file that cannot be graded at all; the message is the problem sentence."""


def find_submission(where: Path, module: str) -> Path:
    """Return the file to grade in `where` (a file or a folder), so typos are caught up front."""
    if where.is_dir():
        return _find_in_folder(where, module)
    if where.exists():
        return where
    message = MISSING_FILE.format(path=where)
    close = _closest(where.stem, _candidates(where.parent)) if where.parent.is_dir() else None
    raise SubmissionNotFound(message + (CLOSE_NAME.format(name=close) if close else ""))


def load_submission(path: Path) -> Submission:
    """Read `path` into chunks without running any of it, so the child alone executes student code.

    Notebook cells are numbered as they appear in the file, markdown and raw
    cells included: "cell 7" is the 7th cell a student scrolls past.
    """
    size = path.stat().st_size  # a missing path is the caller's bug: FileNotFoundError
    kind = path.suffix.lower()
    try:
        if kind == ".py":
            return _load_script(path, size)
        if kind == ".ipynb":
            return _load_notebook(path, size)
        raise _Unusable(UNKNOWN_KIND.format(name=path.name))
    except _Unusable as refusal:
        return Submission(path, (), (), str(refusal))


def compile_chunk(chunk: Chunk) -> types.CodeType:
    """Compile `chunk` at its own line and cache its text, so tracebacks quote the student."""
    tree = ast.parse(chunk.source, chunk.filename)
    # Statements after a `;` keep their line but not their column, which only
    # shifts the carets under that line in a traceback.
    ast.increment_lineno(tree, chunk.first_line - 1)
    lines = io.StringIO(chunk.text).readlines()  # split on "\n" only, as the parser does
    # mtime None marks the entry as not backed by a file, so checkcache keeps it.
    linecache.cache[chunk.filename] = (len(chunk.text), None, lines, chunk.filename)
    return compile(tree, chunk.filename, "exec", dont_inherit=True)


def _find_in_folder(folder: Path, module: str) -> Path:
    """Return `<module>.py` or `<module>.ipynb` in `folder`, or explain what is there instead."""
    names = _candidates(folder)
    present = [f"{module}{suffix}" for suffix in SUFFIXES if f"{module}{suffix}" in names]
    if len(present) == 2:
        example = folder / f"{module}.ipynb"
        raise SubmissionNotFound(BOTH_KINDS.format(module=module, folder=folder, example=example))
    if present:
        return folder / present[0]
    missing = NOTHING_IN_FOLDER.format(module=module, folder=folder)
    if not names:
        raise SubmissionNotFound(NO_OTHER_FILES.format(missing=missing))
    message = OTHER_FILES.format(missing=missing, names=_listing(names))
    close = _closest(module, names)
    if close:
        wanted = module + Path(close).suffix.lower()
        message += CLOSE_NAME.format(name=close) + RENAME.format(wanted=wanted)
    raise SubmissionNotFound(message)


def _candidates(folder: Path) -> list[str]:
    """List the .py and .ipynb names in `folder` as spelled, to catch case typos on any OS."""
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_file() and entry.suffix.lower() in SUFFIXES
    )


def _closest(stem: str, names: list[str]) -> str | None:
    """Return the name whose stem looks most like `stem`, ignoring case, to suggest it."""
    by_stem = {Path(name).stem.lower(): name for name in names}
    match = difflib.get_close_matches(stem.lower(), list(by_stem), n=1, cutoff=0.6)
    return by_stem[match[0]] if match else None


def _listing(names: list[str]) -> str:
    """Join file names for a sentence, cut short so a crowded folder gives a readable message."""
    shown = ", ".join(names[:LISTED_FILES])
    if len(names) <= LISTED_FILES:
        return shown
    return MORE_FILES.format(names=shown, count=len(names) - LISTED_FILES)


def _load_script(path: Path, size: int) -> Submission:
    """Make a .py file one intolerant chunk, refusing it early when it cannot even compile."""
    text = _read_text(path, size, MAX_SOURCE_BYTES)
    try:
        _compile_quietly(text, path.name)
    except (SyntaxError, ValueError) as error:
        raise _Unusable(DOES_NOT_PARSE.format(name=path.name, error=_describe(error))) from None
    return Submission(path, (Chunk(text, path.name, 1, False, text),), (), None)


def _read_text(path: Path, size: int, limit: int) -> str:
    """Return the file's text with "\\n" line ends, refusing files too big, not UTF-8 or empty."""
    if size > limit:
        size_text, limit_text = _megabytes(size), _megabytes(limit, "g")
        raise _Unusable(TOO_BIG.format(name=path.name, size=size_text, limit=limit_text))
    try:
        text = path.read_text(encoding="utf-8-sig")  # text mode turns \r\n and \r into \n
    except UnicodeDecodeError as error:
        raise _Unusable(NOT_UTF8.format(name=path.name, offset=error.start)) from None
    if not text.strip():
        raise _Unusable(EMPTY.format(name=path.name))
    return text


def _megabytes(size: int, spec: str = ".1f") -> str:
    """Format a byte count in decimal megabytes, the unit the size messages use."""
    return format(size / 1_000_000, spec)


def _compile_quietly(source: str | ast.Module, filename: str) -> None:
    """Compile without running, so syntax errors surface here and not mid-grading."""
    with warnings.catch_warnings():
        # Warnings about student code (e.g. invalid escapes) are the child's to report.
        warnings.simplefilter("ignore")
        compile(source, filename, "exec", dont_inherit=True)


def _describe(error: SyntaxError | ValueError) -> str:
    """Say where and why compiling failed, in the words of Python's own error."""
    if not isinstance(error, SyntaxError):
        return str(error)  # null bytes in the source
    if error.lineno is None:
        return error.msg
    return LINE_ERROR.format(line=error.lineno, message=error.msg)


def _load_notebook(path: Path, size: int) -> Submission:
    """Cut a notebook's code cells into one tolerant chunk per kept statement."""
    cells = _code_cells(path, size)
    chunks, notes, skipped = [], [], {}
    for number, source in cells:
        cell_chunks, note, dropped = _cell_chunks(path.name, number, source)
        chunks += cell_chunks
        if note:
            notes.append(note)
        if dropped:
            skipped[number] = dropped
    if skipped:
        notes.append(_skipped_note(path.name, skipped))
    problem = None if chunks else NOTHING_TO_GRADE.format(name=path.name)
    return Submission(path, tuple(chunks), tuple(notes), problem)


def _code_cells(path: Path, size: int) -> list[tuple[int, str]]:
    """Return (cell number, source) of code cells, refusing notebooks with no or too much code."""
    notebook = _read_notebook(path, size)
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if not isinstance(source, str):
            reason = SOURCE_NOT_TEXT.format(number=number)
            raise _Unusable(NOT_A_NOTEBOOK.format(name=path.name, reason=reason))
        cells.append((number, _OLD_NEWLINES.sub("\n", source)))
    if not any(source.strip() for _, source in cells):
        raise _Unusable(NO_CODE_CELLS.format(name=path.name))
    # Outputs (images, logs) often make notebooks huge; only the code counts.
    code_size = sum(len(source.encode("utf-8")) for _, source in cells)
    if code_size > MAX_SOURCE_BYTES:
        size_text, limit = _megabytes(code_size), _megabytes(MAX_SOURCE_BYTES, "g")
        raise _Unusable(CODE_TOO_BIG.format(name=path.name, size=size_text, limit=limit))
    return cells


def _read_notebook(path: Path, size: int) -> nbformat.NotebookNode:
    """Read `path` as a version-4 notebook, refusing anything nbformat cannot read."""
    text = _read_text(path, size, MAX_NOTEBOOK_BYTES)
    try:
        # nbformat.reads would also validate against the schema, but only to log
        # the result; the grader needs cell types and sources, which Jupyter
        # itself opens despite schema slips (e.g. cell ids in older minors).
        return nbformat.convert(nbformat.reader.reads(text), 4)
    except NotJSONError as error:
        cause = error.__cause__
        line, column = getattr(cause, "lineno", "?"), getattr(cause, "colno", "?")
        reason = BAD_JSON.format(line=line, column=column)
    # nbformat signals a malformed notebook with whatever its code trips on.
    except (ValueError, TypeError, AttributeError, KeyError, nbformat.ValidationError) as error:
        reason = NBFORMAT_REFUSES.format(error=error)
    raise _Unusable(NOT_A_NOTEBOOK.format(name=path.name, reason=reason))


def _cell_chunks(name: str, number: int, source: str) -> tuple[list[Chunk], str | None, int]:
    """Return a cell's chunks, a note if the cell was skipped, and the dropped statement count."""
    magic = _cell_magic(source)
    if magic:
        # The body may not be Python at all (%%bash, %%writefile); only say so
        # when it looks like the student's definitions would be lost.
        if _DEFINITION_LINE.search(source):
            return [], MAGIC_CELL_SKIPPED.format(number=number, name=name, magic=magic), 0
        return [], None, 0
    filename = CELL_FILENAME.format(name=name, number=number)
    text = _blank_ipython_lines(source)
    try:
        kept, dropped = _kept_statements(text, filename)
    except (SyntaxError, ValueError) as error:
        return [], CELL_SKIPPED.format(number=number, name=name, error=_describe(error)), 0
    lines = text.split("\n")
    return [_chunk(lines, node, filename, text) for node in kept], None, dropped


def _cell_magic(source: str) -> str | None:
    """Return the cell magic (`%%time`) that opens the cell, if any: IPython owns such cells."""
    for line in source.split("\n"):
        if line.strip():
            word = line.split()[0]
            return word if word.startswith("%%") else None
    return None


def _blank_ipython_lines(source: str) -> str:
    """Blank line magics, shell escapes and help lines, keeping every other line where it was."""
    out, quote, depth, continued, in_magic = [], None, 0, False, False
    for line in source.split("\n"):
        if in_magic or (quote is None and depth == 0 and not continued and _is_ipython_line(line)):
            indent = line[: len(line) - len(line.lstrip())]
            # Inside a block the line must stay a statement; the first line of a
            # magic continued with a backslash decides the indentation.
            out.append("" if in_magic or not indent else indent + "pass")
            in_magic = line.rstrip().endswith("\\")
            continue
        out.append(line)
        quote, depth, continued = _scan_line(line, quote, depth)
    return "\n".join(out)


def _is_ipython_line(line: str) -> bool:
    """Tell whether a line that starts a statement is IPython syntax rather than Python."""
    stripped = line.strip()
    return (
        stripped.startswith(("%", "!"))
        or _MAGIC_ASSIGNMENT.match(line) is not None
        or _HELP_LINE.match(line) is not None
    )


def _scan_line(line: str, quote: str | None, depth: int) -> tuple[str | None, int, bool]:
    """Follow strings and brackets through a line, so lines inside them never count as magics."""
    i, comment = 0, False
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i, quote = i + len(quote), None
                continue
        elif char == "#":
            comment = True
            break
        elif char in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else char
            i += len(quote)
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        i += 1
    continued = not comment and line.endswith("\\")
    if quote in ("'", '"') and not continued:
        quote = None  # an unclosed one-line string is a syntax error ending at the line
    return quote, depth, continued


def _kept_statements(text: str, filename: str) -> tuple[list[ast.stmt], int]:
    """Parse a cell, pick the statements to keep and count the dropped ones worth a note.

    The kept ones are compiled here so that the child never meets a SyntaxError.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the child reports warnings about student code
        body = ast.parse(text, filename).body
    kept = [node for node in body if _is_kept(node)]
    for node in kept:
        _compile_quietly(ast.Module(body=[node], type_ignores=[]), filename)
    dropped = sum(1 for node in body if not _is_kept(node) and not _is_inert(node))
    return kept, dropped


def _is_kept(node: ast.stmt) -> bool:
    """Tell whether a top-level statement only defines names, so running it cannot train or plot."""
    if isinstance(node, _DEFINITIONS):
        return True
    if isinstance(node, ast.Assign):
        return all(map(_binds_names_only, node.targets)) and _is_literal(node.value)
    if isinstance(node, ast.AnnAssign):
        return (
            isinstance(node.target, ast.Name)
            and node.value is not None
            and _is_literal(node.value)
            and not _calls_anything(node.annotation)  # annotations run at module level
        )
    if isinstance(node, ast.Try):
        return _is_import_guard(node)
    return False


def _binds_names_only(target: ast.expr) -> bool:
    """Tell whether an assignment target binds only names (`a`, `a, *b`), not attributes."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(map(_binds_names_only, target.elts))
    if isinstance(target, ast.Starred):
        return _binds_names_only(target.value)
    return isinstance(target, ast.Name)


def _is_literal(value: ast.expr) -> bool:
    """Tell whether a value is only literals and arithmetic (`-1`, `2**10`, `{"lr": 1e-3}`)."""
    # ast.walk is iterative, so a long `1 + 1 + ...` chain cannot exhaust the stack.
    return all(isinstance(part, _LITERAL_PARTS) for part in ast.walk(value))


def _calls_anything(node: ast.AST) -> bool:
    """Tell whether evaluating `node` would call something, which could run arbitrary code."""
    return any(isinstance(part, ast.Call) for part in ast.walk(node))


def _is_import_guard(node: ast.Try) -> bool:
    """Tell whether a try statement only guards imports, e.g. `wandb = None` on ImportError.

    Such guards let a notebook that imports Colab- or GPU-only packages still load.
    """
    blocks = [node.body, node.orelse, node.finalbody, *(handler.body for handler in node.handlers)]
    return (
        any(isinstance(statement, (ast.Import, ast.ImportFrom)) for statement in node.body)
        and all(_is_kept(s) or isinstance(s, ast.Pass) for block in blocks for s in block)
        and not any(_calls_anything(h.type) for h in node.handlers if h.type is not None)
    )


def _is_inert(node: ast.stmt) -> bool:
    """Tell whether a statement does nothing (`pass`, a bare string): dropping it needs no note."""
    return isinstance(node, ast.Pass) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    )


def _chunk(lines: list[str], node: ast.stmt, filename: str, text: str) -> Chunk:
    """Cut one statement, decorators included, out of its cell's lines."""
    decorators = getattr(node, "decorator_list", None)
    first = decorators[0].lineno if decorators else node.lineno
    start = 0 if decorators else node.col_offset  # decorated: `@` opens the line
    # AST columns count UTF-8 bytes, so slice bytes; cut the end first in case
    # the statement shares its only line with others (`import os; import sys`).
    picked = [line.encode("utf-8") for line in lines[first - 1 : node.end_lineno]]
    picked[-1] = picked[-1][: node.end_col_offset]
    picked[0] = picked[0][start:]
    source = b"\n".join(picked).decode("utf-8")
    return Chunk(source, filename, first, True, text)


def _skipped_note(name: str, skipped: dict[int, int]) -> str:
    """Sum up the dropped statements in one sentence naming their cells."""
    count = sum(skipped.values())
    statements = f"{count} statement" + ("s" if count > 1 else "")
    numbers = [str(number) for number in skipped]
    if len(numbers) == 1:
        cells = f"cell {numbers[0]}"
    else:
        cells = "cells " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return STATEMENTS_SKIPPED.format(statements=statements, cells=cells, name=name)
