"""Find a student's submission and cut it into chunks that a sandboxed child runs.

Nothing in this module runs student code: files are read, parsed and compiled,
never executed or imported. The data flow is:

    folder or file named on the command line
        |  find_submission()    which file to grade, or SubmissionNotFound
        |  find_worked_on()     ... or, of a .py and a .ipynb as a release ships them, the one the student changed
        v
    regularization.py | regularization.ipynb      opened with O_NOFOLLOW: never a link
        |  load_submission()    read + JSON + ast: chunks, notes, problem
        v
    Submission(chunks=(Chunk, ...))          plain data, sent to the child
        |  compile_chunk() + exec, one chunk at a time, in the child only (sandbox/chunks.py)
        v
    the student's names; tracebacks quote the student's own lines

A .py file runs as written, one top-level statement per chunk so that an import
of a package that is not installed (`import seaborn`) costs only what uses it:
such an import is noted and skipped, and so is a later statement that fails only
because it uses a name that import would have set. Any other failure stops the
load, as running the file would.

A notebook is read, not run. Kept are: imports, function and class definitions,
constants made of literals, import guards (try/except around imports), and the
setup the kept code needs: an assignment (`DEVICE = set_device()`), or an if/try
block made only of keepable statements, that binds a name the kept code uses,
whatever its value, found transitively. Such setup never replaces a function or
class the notebook defines. Dropped are loops, with blocks, calls on their own
(`set_seed(SEED)`, `plt.show()`), and every assignment nothing kept uses
(`model = train(...)`), so grading never trains, downloads or plots. Whatever a
kept statement runs at definition time (a setup value, a decorator, a default
argument, a class body) runs in the child under one shared budget of a few
seconds (setup_seconds); a statement over it is stopped and noted, and the load
goes on.

What grading skipped is kept with the names it would have set, so that a later
NameError can say why (explain_unset).

`from autograder import check` and the `check(...)` calls it allows are the notebook's own
helper (autograder.notebook), not the exercise: grading skips them in notebooks and .py files alike.

Links are never followed: a named file or folder that is a symbolic link, or the
chosen file of a folder, is refused with a sentence. Other links in a folder are
ignored: grading reads nothing but the chosen file. The folders above a named
path are the grader user's choice and are not checked.
"""

import __future__
import ast
import difflib
import errno
import json
import os
import re
import stat
import symtable
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox.chunks import LOAD_FAILURE, Chunk

MAX_SOURCE_BYTES = 5_000_000
MAX_NOTEBOOK_BYTES = 100_000_000
# Parsing costs the grader about 1 KB of memory per word or symbol of dense code;
# a long solution file holds 10 000.
MAX_CODE_TOKENS = 200_000
# Each JSON value costs about 60 bytes once parsed; a notebook's outputs are
# mostly long strings, which cost nothing extra.
MAX_JSON_ITEMS = 2_000_000
MAX_CODE_CELLS = 5_000
MAX_STATEMENTS = 10_000  # a notebook's, each costing the grader about 0.2 ms to classify
MAX_KEPT_STATEMENTS = 5_000
SETUP_SECONDS = 3.0  # what a notebook's kept statements may take together in the child
SETUP_SHARE = 0.3  # ... and at most this share of the call time limit the load runs under
SUFFIXES = (".py", ".ipynb")
LISTED_FILES = 10
LISTED_CELLS = 10
LISTED_CELL_NOTES = 10
EXCERPT_LENGTH = 60

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
WORKED_ON = "Both {script} and {notebook} are in {folder}: graded {chosen}, {reason}. To grade {other} instead, name it."
CHANGED_ONE = "the one changed from the file handed out ({other} is still as handed out)"
SAVED_LAST = "the one saved last, as {state} the files handed out"
BOTH_CHANGED, NEITHER_CHANGED = "both differ from", "neither differs from"

UNKNOWN_KIND = "{name} is neither a .py file nor a .ipynb notebook."
SYMBOLIC_LINK = (
    "{name} is a symbolic link, and grading never follows links: "
    "put the file itself in its place."
)
NOT_A_FILE = "{name} is not a regular file."
CANNOT_READ = "{name} cannot be read ({reason})."
TOO_BIG = "{name} is {size} MB; the limit is {limit} MB."
CODE_TOO_BIG = "The code cells of {name} hold {size} MB of source; the limit is {limit} MB."
TOO_MUCH_CODE = (
    "The code of {name} is too long to grade: {count:,} words and symbols; the limit is {limit:,}."
)
NOT_UTF8 = "{name} is not UTF-8 text (byte {offset} cannot be decoded); save it as UTF-8."
EMPTY = "{name} is empty."
DOES_NOT_PARSE = "{name} does not parse ({error})."
LINE_ERROR = "line {line}: {message}"
TOO_DEEP = "it nests too deeply for Python to read"
NOT_A_NOTEBOOK = "{name} is not a Jupyter notebook: {reason}."
BAD_JSON = "it is not valid JSON (line {line}, column {column})"
JSON_TOO_DEEP = "its JSON nests too deeply to read"
JSON_NUMBER_TOO_LONG = "it holds a number too long to read"
JSON_TOO_BIG = (
    "it holds more than {limit:,} JSON values; clear its outputs in Jupyter and save it again"
)
NOT_AN_OBJECT = "its JSON is {kind}, not a notebook"
NO_VERSION = "it has no nbformat version"
UNSUPPORTED_VERSION = (
    "its nbformat version is {version}, and the grader reads versions 3 and 4; "
    "open it in Jupyter and save it again"
)
NOT_A_LIST = "its {part} are not a list"
NOT_A_JSON_OBJECT = "{part} is not a JSON object"
SOURCE_NOT_TEXT = "the source of cell {number} is not text"
TOO_MANY_CELLS = "{name} has {count:,} code cells; the grader reads notebooks of up to {limit:,}."
TOO_MANY_STATEMENTS = (
    "{name} has more than {limit:,} statements in its code cells; the grader reads notebooks of up to that many."
)
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
MORE_CELLS_SKIPPED = "{count:,} more cells of {name} were skipped for the same reasons."
STATEMENTS_SKIPPED = (
    "Skipped {statements} in {cells} of {name}: "
    "grading runs only imports, definitions and the assignments they use."
)
KEPT_CAPPED = (
    "Only the first {limit:,} of the {count:,} statements grading would keep in {name} were kept."
)

# The end of a sentence that starts "`losses` ...": why grading did not set the name.
NOT_RUN = (
    "is only set in {place} (`{excerpt}`), which grading does not run: it runs only a "
    "notebook's imports, definitions and the assignments they use, never loops, with blocks "
    "or calls on their own. Set it in an assignment of its own, or inside the function that "
    "uses it."
)
NOT_RUN_REPLACES = (
    "is only set in {place} (`{excerpt}`), which grading does not run because it would also "
    "replace `{replaced}`, which your notebook defines."
)
NOT_RUN_CAPPED = (
    "is only set in {place} (`{excerpt}`), past the first {limit:,} statements grading keeps."
)
NOT_RUN_UNPARSED = "is only defined in {place}, which does not parse ({error}), so grading skipped it."
NOT_RUN_MAGIC = (
    "is only defined in {place}, which starts with {magic}, so grading skipped it; "
    "delete that line to have it graded."
)
FAILED_AT_LOAD = "is set in {place} (`{excerpt}`), but that statement failed when {file} was loaded: {error}"
NOT_SET_AT_LOAD = (
    "is set in {place} (`{excerpt}`), but loading {file} did not set it: that statement "
    "failed or took a branch that does not set it."
)

# `files = !ls`, `t = %timeit -o f()`: no Python statement has `!` or `%`
# right after its first `=`, so a match is always IPython syntax.
_MAGIC_ASSIGNMENT = re.compile(r"\s*[^\s=#'\"][^=#'\"]*=\s*[!%]")
_HELP_LINE = re.compile(r"\s*(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_DEFINITION_LINE = re.compile(r"^(?:async\s+def|def|class)\s+\w+\s*[(:]", re.MULTILINE)
# What a cell that cannot be parsed seems to set: `def f(`, `class C:`, `x = ...`, at line start.
_SETS_AT_LINE_START = re.compile(
    r"^(?:(?:async\s+def|def|class)\s+(\w+)|(\w+)\s*(?::[^=\n]*)?=(?!=))", re.MULTILINE
)
_OLD_NEWLINES = re.compile(r"\r\n?")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_CODE_MARK = re.compile(r"[#'\"()\[\]{}]")
_STRING_MARK = {quote: re.compile(r"\\|" + quote) for quote in ("'", '"', "'''", '"""')}
_NAME_ERROR = re.compile(r"name '(\w+)' is not defined")
_RUN_AT_ONCE = ("listcomp", "setcomp", "dictcomp", "genexpr")  # symtable's names for comprehensions

_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LITERAL_PARTS = (
    ast.Constant, ast.UnaryOp, ast.BinOp, ast.Tuple, ast.List, ast.Set, ast.Dict,
    ast.expr_context, ast.operator, ast.unaryop,
)
_KEEP, _SETUP, _DROP = "keep", "setup", "drop"
CHECK_MODULE, CHECK_NAME = "autograder", "check"  # `from autograder import check`, the notebook's helper


@dataclass(frozen=True)
class Submission:
    """What load_submission found in a file: chunks to run, notes, or why nothing runs."""

    path: Path
    chunks: tuple[Chunk, ...]
    notes: tuple[str, ...]
    problem: str | None
    # A name that only statements grading did not run would set -> why, as the end
    # of a sentence that starts with the name (NOT_RUN...).
    not_run: dict[str, str] = field(default_factory=dict)


class SubmissionNotFound(Exception):
    """The file to grade cannot be chosen; the message is the sentence to show."""


class BothKinds(SubmissionNotFound):
    """A folder holds both `<module>.py` and `<module>.ipynb`: which one counts takes knowing what was handed out."""

    def __init__(self, message: str, script: Path, notebook: Path):
        super().__init__(message)
        self.script, self.notebook = script, notebook


class _Unusable(Exception):
    """A file that cannot be graded at all; the message is the problem sentence."""


@dataclass
class _Statement:
    """A top-level notebook statement, with what deciding whether to keep it needs."""

    chunk: Chunk
    kind: str  # _KEEP (always), _SETUP (when kept code needs a name it binds) or _DROP
    reads_now: frozenset[str]  # the module-level names running it reads (a value, decorators, a class body)
    reads_later: frozenset[str]  # ... and those calling what it defines reads (function bodies)
    defines: bool  # it defines a function or class, or imports: setup never replaces those names


def find_submission(where: Path, module: str) -> Path:
    """Return the file to grade in `where` (a file or a folder), so typos are caught up front.

    A link is returned as is, never followed, so that load_submission refuses it by name.
    """
    if where.is_symlink() or not where.is_dir():
        if where.exists() or where.is_symlink():
            return where
        message = MISSING_FILE.format(path=where)
        close = _closest(where.stem, _candidates(where.parent)) if where.parent.is_dir() else None
        raise SubmissionNotFound(message + (CLOSE_NAME.format(name=close) if close else ""))
    return _find_in_folder(where, module)


def find_worked_on(where: Path, module: str, shipped: Path) -> tuple[Path, str | None]:
    """Return the file to grade in `where` and, for a folder holding both kinds, the sentence saying which was graded.

    A release hands out `<module>.py` and `<module>.ipynb` side by side, so a student's folder holds both: the one
    whose code differs from its copy in `shipped` (the assignment's handed-out files) is the one worked on; when both
    or neither do, the one saved last. The sentence says which and why, so the student can name the other.
    """
    try:
        return find_submission(where, module), None
    except BothKinds as both:
        handed_out = {path: _as_handed_out(path, shipped / path.name) for path in (both.script, both.notebook)}
        changed = [path for path, same in handed_out.items() if not same]
        if len(changed) == 1:
            chosen = changed[0]
            other = both.notebook if chosen == both.script else both.script
            reason = CHANGED_ONE.format(other=other.name)
        else:  # a tie goes to the notebook, the form most students work in
            chosen = max((both.notebook, both.script), key=lambda path: path.lstat().st_mtime_ns)
            other = both.notebook if chosen == both.script else both.script
            reason = SAVED_LAST.format(state=BOTH_CHANGED if changed else NEITHER_CHANGED)
        folder = where.name or str(where)
        return chosen, WORKED_ON.format(script=both.script.name, notebook=both.notebook.name, folder=folder,
                                        chosen=chosen.name, reason=reason, other=other.name)


def load_submission(path: Path, graded: Iterable[str] | None = None) -> Submission:
    """Read `path` into chunks without running any of it, so the child alone executes student code.

    Notebook cells are numbered as they appear in the file, markdown and raw
    cells included: "cell 7" is the 7th cell a student scrolls past. A
    notebook's setup is kept when the `graded` names need it (by default,
    when any definition does), so setup only a training helper uses never runs.
    """
    kind = path.suffix.lower()
    try:
        if kind not in SUFFIXES:  # never read: refused by name
            raise _Unusable((SYMBOLIC_LINK if path.is_symlink() else UNKNOWN_KIND).format(name=path.name))
        data = _read_file(path, MAX_NOTEBOOK_BYTES if kind == ".ipynb" else MAX_SOURCE_BYTES)
        return _load_script(path, data) if kind == ".py" else _load_notebook(path, data, graded)
    except _Unusable as refusal:
        return Submission(path, (), (), str(refusal))


def setup_seconds(timeout: float) -> float:
    """Return the budget a notebook's kept statements share, well inside the load's own time limit."""
    return min(SETUP_SECONDS, timeout * SETUP_SHARE)


def missing_global(message: str) -> str | None:
    """Return the name a NameError's message says is not defined, if it says so."""
    match = _NAME_ERROR.match(message)
    return match.group(1) if match else None


def explain_unset(submission: Submission, name: str, defined: Collection[str], notes: Iterable[str]) -> str | None:
    """Say why `name` is not among the `defined` names of the loaded module, when the submission sets it.

    `notes` are the child's load notes, which say why a statement failed. The
    answer ends a sentence that starts with the name: "`losses` is only set in ...".
    """
    if name in defined:
        return None
    for chunk in submission.chunks:
        if name in chunk.binds:
            return _why_chunk_did_not_set(submission.path.name, chunk, notes)
    return submission.not_run.get(name)


def _find_in_folder(folder: Path, module: str) -> Path:
    """Return `<module>.py` or `<module>.ipynb` in `folder`, or explain what is there instead."""
    names = _candidates(folder)
    present = [f"{module}{suffix}" for suffix in SUFFIXES if f"{module}{suffix}" in names]
    if len(present) == 2:
        script, notebook = (folder / name for name in present)
        raise BothKinds(BOTH_KINDS.format(module=module, folder=folder, example=notebook), script, notebook)
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
    """List the .py and .ipynb names in `folder` as spelled, to catch case typos on any OS.

    A link counts, so that choosing it gets the sentence about links.
    """
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if (entry.is_symlink() or entry.is_file()) and entry.suffix.lower() in SUFFIXES
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


def _as_handed_out(path: Path, original: Path) -> bool:
    """Tell whether a student's file holds the same code as its handed-out `original` (a notebook's outputs and
    metadata do not count: running the cells changes them). A file that cannot be read counts as changed."""
    try:
        if path.suffix == ".ipynb":
            return _notebook_code(path) == _notebook_code(original)
        return _script_text(path) == _script_text(original)
    except (_Unusable, OSError):
        return False


def _notebook_code(path: Path) -> list[str]:
    data = _read_file(path, MAX_NOTEBOOK_BYTES)
    return [_OLD_NEWLINES.sub("\n", source) for _, source in _notebook_cells(path.name, _decode(path.name, data))]


def _script_text(path: Path) -> str:
    return _OLD_NEWLINES.sub("\n", _decode(path.name, _read_file(path, MAX_SOURCE_BYTES)))


def _read_file(path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file `path`, never following a link, refusing files over `limit`.

    O_NOFOLLOW makes the check and the read one step, so the file cannot be
    swapped for a link in between; O_NONBLOCK keeps a FIFO from hanging the open.
    A missing path is the caller's bug: FileNotFoundError.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link
            raise _Unusable(SYMBOLIC_LINK.format(name=path.name)) from None
        raise
    except OSError as error:
        if error.errno == errno.ELOOP or path.is_symlink():
            raise _Unusable(SYMBOLIC_LINK.format(name=path.name)) from None
        raise _Unusable(CANNOT_READ.format(name=path.name, reason=error.strerror)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unusable(NOT_A_FILE.format(name=path.name))
        _check_size(path.name, info.st_size, limit)
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)  # the file may have grown since fstat
    finally:
        os.close(fd)
    _check_size(path.name, len(data), limit)
    return data


def _check_size(name: str, size: int, limit: int) -> None:
    """Refuse a file of more than `limit` bytes, in the megabytes a student sees in a file browser."""
    if size > limit:
        size_text, limit_text = _megabytes(size), _megabytes(limit, "g")
        raise _Unusable(TOO_BIG.format(name=name, size=size_text, limit=limit_text))


def _decode(name: str, data: bytes) -> str:
    """Return the file's text without a BOM, refusing what is not UTF-8 or is blank."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Unusable(NOT_UTF8.format(name=name, offset=error.start)) from None
    if not text.strip():
        raise _Unusable(EMPTY.format(name=name))
    return text


def _megabytes(size: int, spec: str = ".1f") -> str:
    """Format a byte count in decimal megabytes, the unit the size messages use."""
    return format(size / 1_000_000, spec)


def _check_length(name: str, code: str) -> None:
    """Refuse code too long to parse within the grader's memory, counting words and symbols cheaply."""
    count = _TOKEN.subn("", code)[1]
    if count > MAX_CODE_TOKENS:
        raise _Unusable(TOO_MUCH_CODE.format(name=name, count=count, limit=MAX_CODE_TOKENS))


def _compile_quietly(source: str | ast.Module, filename: str, flags: int = 0) -> None:
    """Compile without running, so syntax errors surface here and not mid-grading."""
    with warnings.catch_warnings():
        # Warnings about student code (e.g. invalid escapes) are the child's to report.
        warnings.simplefilter("ignore")
        compile(source, filename, "exec", flags=flags, dont_inherit=True)


def _parse_quietly(source: str, filename: str) -> list[ast.stmt]:
    """Parse `source` into its top-level statements, leaving warnings to the child."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename).body


def _describe(error: Exception) -> str:
    """Say where and why parsing or compiling failed, in the words of Python's own error."""
    if isinstance(error, (RecursionError, MemoryError)):
        return TOO_DEEP  # Python's parser signals deep nesting with these
    if not isinstance(error, SyntaxError):
        return str(error)  # null bytes in the source
    if error.lineno is None:
        return error.msg
    return LINE_ERROR.format(line=error.lineno, message=error.msg)


# ---------------------------------------------------------------- .py files


def _load_script(path: Path, data: bytes) -> Submission:
    """Make a .py file one chunk per top-level statement, refusing it early when it cannot even compile."""
    text = _OLD_NEWLINES.sub("\n", _decode(path.name, data))
    _check_length(path.name, text)
    try:
        _compile_quietly(text, path.name)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise _Unusable(DOES_NOT_PARSE.format(name=path.name, error=_describe(error))) from None
    try:
        body = _parse_quietly(text, path.name)
    except (RecursionError, MemoryError):  # compiles, but is too deep to cut: run it whole
        body = []
    if not body or len(body) > MAX_KEPT_STATEMENTS:
        return Submission(path, (Chunk(text, path.name, 1, False, text),), (), None)
    lines, flags, chunks = text.split("\n"), 0, []
    checks = any(map(_imports_check, body))
    for node in body:
        if _imports_check(node) or (checks and _calls_check(node)):
            continue
        flags |= _future_flags(node)
        # Only an import may fail and be skipped: it runs the package's code, not the student's.
        tolerant = isinstance(node, (ast.Import, ast.ImportFrom))
        chunks.append(_chunk(lines, node, path.name, text, tolerant=tolerant, flags=flags))
    return Submission(path, tuple(chunks), (), None)


def _future_flags(node: ast.stmt) -> int:
    """Return the compiler flags a `from __future__ import ...` statement turns on, so later chunks keep them."""
    if not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
        return 0
    features = (getattr(__future__, alias.name, None) for alias in node.names)
    return sum(feature.compiler_flag for feature in features if feature is not None)


# ---------------------------------------------------------------- notebooks: reading


def _load_notebook(path: Path, data: bytes, graded: Iterable[str] | None) -> Submission:
    """Cut a notebook's code cells into tolerant chunks: the definitions and the setup they need."""
    name = path.name
    statements, cell_notes, not_run, flags = [], [], {}, 0
    for number, source in _code_cells(name, data):
        try:
            cell, flags = _cell_statements(name, number, source, flags, MAX_STATEMENTS - len(statements))
        except _SkippedCell as skipped:
            cell_notes += [skipped.note] if skipped.note else []
            for bound in skipped.names:
                not_run.setdefault(bound, skipped.reason)
            continue
        statements += cell
    defined = {bound for statement in statements if statement.kind == _KEEP and statement.defines
               for bound in statement.chunk.binds}
    kept = _needed(statements, defined, graded)
    chunks, notes = _kept_chunks(name, statements, kept, defined, not_run)
    notes = _capped_cell_notes(name, cell_notes) + notes
    problem = None if chunks else NOTHING_TO_GRADE.format(name=name)
    return Submission(path, tuple(chunks), tuple(notes), problem, not_run)


def _code_cells(name: str, data: bytes) -> list[tuple[int, str]]:
    """Return (cell number, source) of code cells, refusing notebooks with no or too much code."""
    code = _notebook_cells(name, _decode(name, data))
    if len(code) > MAX_CODE_CELLS:
        raise _Unusable(TOO_MANY_CELLS.format(name=name, count=len(code), limit=MAX_CODE_CELLS))
    code = [(number, _OLD_NEWLINES.sub("\n", source)) for number, source in code]
    if not any(source.strip() for _, source in code):
        raise _Unusable(NO_CODE_CELLS.format(name=name))
    # Outputs (images, logs) often make notebooks huge; only the code counts.
    code_size = sum(len(source.encode("utf-8", "surrogatepass")) for _, source in code)
    if code_size > MAX_SOURCE_BYTES:
        size_text, limit = _megabytes(code_size), _megabytes(MAX_SOURCE_BYTES, "g")
        raise _Unusable(CODE_TOO_BIG.format(name=name, size=size_text, limit=limit))
    _check_length(name, "\n".join(source for _, source in code))
    return code


def _notebook_cells(name: str, text: str) -> list[tuple[int, str]]:
    """Return (number, source) of the code cells of an nbformat 3 or 4 notebook.

    Read by hand rather than through nbformat: only cell types and sources
    matter, and every part of a hostile file must be checked before use, so
    that a malformed one gets a sentence instead of a traceback.
    """
    document = _parse_json(name, text)
    version = document.get("nbformat")
    if version == 4 and not isinstance(version, bool):
        raw_cells = _json_list(name, document.get("cells", []), "cells")
        source_key = "source"
    elif version == 3 and not isinstance(version, bool):
        raw_cells = []
        for number, worksheet in enumerate(_json_list(name, document.get("worksheets", []), "worksheets"), 1):
            worksheet = _json_object(name, worksheet, f"worksheet {number}")
            raw_cells += _json_list(name, worksheet.get("cells", []), "cells")
        source_key = "input"  # version 3 keeps a code cell's source under "input"
    else:
        raise _not_a_notebook(name, _version_problem(version))
    cells = []
    for number, cell in enumerate(raw_cells, start=1):
        cell = _json_object(name, cell, f"cell {number}")
        if cell.get("cell_type") == "code":  # the rest (markdown, raw, headings) is only counted
            cells.append((number, _cell_source(name, number, cell.get(source_key, ""))))
    return cells


def _parse_json(name: str, text: str) -> dict:
    """Parse a notebook's JSON into a dict, refusing what would exhaust the parser or is not an object."""
    items = text.count(",") + text.count("[") + text.count("{")
    if items > MAX_JSON_ITEMS:
        raise _not_a_notebook(name, JSON_TOO_BIG.format(limit=MAX_JSON_ITEMS))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _not_a_notebook(name, BAD_JSON.format(line=error.lineno, column=error.colno)) from None
    except ValueError:  # an integer of more digits than Python converts
        raise _not_a_notebook(name, JSON_NUMBER_TOO_LONG) from None
    except (RecursionError, MemoryError):
        raise _not_a_notebook(name, JSON_TOO_DEEP) from None
    if not isinstance(document, dict):
        raise _not_a_notebook(name, NOT_AN_OBJECT.format(kind=_json_kind(document)))
    return document


def _json_list(name: str, value, part: str) -> list:
    """Return `value` if it is a JSON array, else refuse the notebook naming the `part`."""
    if not isinstance(value, list):
        raise _not_a_notebook(name, NOT_A_LIST.format(part=part))
    return value


def _json_object(name: str, value, part: str) -> dict:
    """Return `value` if it is a JSON object, else refuse the notebook naming the `part`."""
    if not isinstance(value, dict):
        raise _not_a_notebook(name, NOT_A_JSON_OBJECT.format(part=part))
    return value


def _cell_source(name: str, number: int, source) -> str:
    """Return a cell's source as one string; nbformat allows a list of lines."""
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if not isinstance(source, str):
        raise _not_a_notebook(name, SOURCE_NOT_TEXT.format(number=number))
    return source


def _version_problem(version) -> str:
    """Say what is wrong with a notebook's nbformat version, showing it only when it is short and plain."""
    if version is None:
        return NO_VERSION
    shown = repr(version) if isinstance(version, (str, int, float)) else _json_kind(version)
    if len(shown) > EXCERPT_LENGTH:
        shown = shown[: EXCERPT_LENGTH - 3] + "..."
    return UNSUPPORTED_VERSION.format(version=shown)


def _json_kind(value) -> str:
    """Name a JSON value's kind with its article, as a sentence needs it."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else "a boolean" if isinstance(value, bool) else "a number"


def _not_a_notebook(name: str, reason: str) -> _Unusable:
    """Make the refusal of a file that is not a notebook we can read, saying why."""
    return _Unusable(NOT_A_NOTEBOOK.format(name=name, reason=reason))


# ---------------------------------------------------------------- notebooks: cells


class _SkippedCell(Exception):
    """A cell grading skips whole: the note to show (if any) and the names it seems to set."""

    def __init__(self, note: str | None, names: tuple[str, ...], reason: str):
        super().__init__(note)
        self.note, self.names, self.reason = note, names, reason


def _cell_statements(name: str, number: int, source: str, flags: int, room: int) -> tuple[list[_Statement], int]:
    """Return a cell's statements, classified, and the __future__ flags in force after it.

    Raise _SkippedCell when the cell is a cell magic or does not parse, and
    _Unusable when it holds more than `room` statements.
    """
    place = f"cell {number}"
    magic = _cell_magic(source)
    if magic:
        # The body may not be Python at all (%%bash, %%writefile); only say so
        # when it looks like the student's definitions would be lost.
        note = MAGIC_CELL_SKIPPED.format(number=number, name=name, magic=magic)
        defines = _DEFINITION_LINE.search(source) is not None
        raise _SkippedCell(note if defines else None, _names_set_in(source),
                           NOT_RUN_MAGIC.format(place=place, magic=magic))
    filename = CELL_FILENAME.format(name=name, number=number)
    text = _blank_ipython_lines(source)
    try:
        nodes = _parse_quietly(text, filename)
        if len(nodes) > room:
            raise _Unusable(TOO_MANY_STATEMENTS.format(name=name, limit=MAX_STATEMENTS))
        return _classified(nodes, text, filename, flags)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        described = _describe(error)
        note = CELL_SKIPPED.format(number=number, name=name, error=described)
        raise _SkippedCell(note, _names_set_in(source),
                           NOT_RUN_UNPARSED.format(place=place, error=described)) from None


def _names_set_in(source: str) -> tuple[str, ...]:
    """Guess the names a cell that cannot be parsed would set, from lines that start with them."""
    found = (match.group(1) or match.group(2) for match in _SETS_AT_LINE_START.finditer(source))
    return tuple(dict.fromkeys(found))


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
    """Follow strings and brackets through a line, so lines inside them never count as magics.

    Regular expressions jump from one quote, bracket or backslash to the next,
    so a line of megabytes costs no more than its few marks.
    """
    i, comment = 0, False
    while True:
        if quote:
            mark = _STRING_MARK[quote].search(line, i)
            if mark is None:
                break
            i = mark.start() + 2 if mark.group() == "\\" else mark.end()
            quote = quote if mark.group() == "\\" else None
            continue
        mark = _CODE_MARK.search(line, i)
        if mark is None:
            break
        char, i = mark.group(), mark.start()
        if char == "#":
            comment = True
            break
        if char in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else char
            i += len(quote)
            continue
        depth = depth + 1 if char in "([{" else max(depth - 1, 0)
        i += 1
    continued = not comment and line.endswith("\\")
    if quote in ("'", '"') and not continued:
        quote = None  # an unclosed one-line string is a syntax error ending at the line
    return quote, depth, continued


def _classified(nodes: list[ast.stmt], text: str, filename: str, flags: int) -> tuple[list[_Statement], int]:
    """Classify a cell's statements; compile the always-kept ones so the child never meets a SyntaxError."""
    lines, statements = text.split("\n"), []
    for node in nodes:
        if _is_inert(node) or _imports_check(node) or _calls_check(node):  # check(): the helper, not a dropped call
            continue
        flags |= _future_flags(node)
        kind = _KEEP if _is_kept(node) or _is_defining_block(node) else _SETUP if _is_setup(node) else _DROP
        if kind != _DROP:
            try:
                _compile_quietly(ast.Module(body=[node], type_ignores=[]), filename, flags)
            except (SyntaxError, ValueError):
                if kind == _KEEP:
                    raise  # as before: a definition that cannot compile loses its whole cell
                kind = _DROP
        untimed = isinstance(node, (ast.Import, ast.ImportFrom)) or _is_import_guard(node)
        chunk = _chunk(lines, node, filename, text, tolerant=True, flags=flags, timed=not untimed)
        reads_nothing = isinstance(node, (ast.Import, ast.ImportFrom)) or (  # a literal constant
            isinstance(node, ast.Assign) and _is_literal(node.value))
        reads = (frozenset(), frozenset()) if kind == _DROP or reads_nothing else _names_read(chunk.source)
        defines = isinstance(node, _DEFINITIONS) or untimed or _is_defining_block(node)
        statements.append(_Statement(chunk, kind, *reads, defines))
    return statements, flags


# ---------------------------------------------------------------- notebooks: which statements


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


def _is_setup(node: ast.stmt) -> bool:
    """Tell whether a statement only binds names, whatever it computes: kept when kept code needs them."""
    if isinstance(node, ast.Assign):
        return all(map(_binds_names_only, node.targets))
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return isinstance(node.target, ast.Name) and node.value is not None
    return _is_keepable_block(node)


def _is_keepable_block(node: ast.stmt) -> bool:
    """Tell whether an if or try block holds only statements grading keeps (e.g. a CUDA-or-CPU choice)."""
    if isinstance(node, ast.If):
        blocks = [node.body, node.orelse]
    elif isinstance(node, ast.Try):
        blocks = [node.body, node.orelse, node.finalbody, *(handler.body for handler in node.handlers)]
    else:
        return False
    return all(_is_kept(s) or _is_setup(s) or _is_inert(s) for block in blocks for s in block)


def _is_defining_block(node: ast.stmt) -> bool:
    """Tell whether a keepable if or try block defines a function or class: kept like a definition."""
    return _is_keepable_block(node) and any(
        isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for part in _top_level_parts(node)
    )


def _top_level_parts(node: ast.stmt):
    """Yield the statements of a block and its nested blocks, not those inside functions or classes."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if not isinstance(item, _SCOPES):
            stack += [child for child in ast.iter_child_nodes(item) if isinstance(child, ast.stmt)]
            stack += [s for handler in getattr(item, "handlers", ()) for s in handler.body]


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


def _is_import_guard(node: ast.stmt) -> bool:
    """Tell whether a try statement only guards imports, e.g. `wandb = None` on ImportError.

    Such guards let a notebook that imports Colab- or GPU-only packages still load.
    """
    if not isinstance(node, ast.Try):
        return False
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


def _imports_check(node: ast.stmt) -> bool:
    """Tell whether a statement is `from autograder import check`: the notebook's helper, which grading never needs
    (and which, run in the sandbox, would count as graded code importing the grader)."""
    return (isinstance(node, ast.ImportFrom) and node.module == CHECK_MODULE and not node.level
            and all(alias.name == CHECK_NAME and alias.asname in (None, CHECK_NAME) for alias in node.names))


def _calls_check(node: ast.stmt) -> bool:
    """Tell whether a statement is a call of `check(...)` on its own line."""
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id == CHECK_NAME)


def _names_read(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the module-level names a statement reads when it runs, and those read when what it defines is called.

    symtable resolves scopes as the compiler does: a function's parameters and
    locals are not module names, a class attribute is not visible in a method.
    A class body and a comprehension run at once; a function or lambda body later.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        top = symtable.symtable(source, "<statement>", "exec")
    now = {symbol.get_name() for symbol in top.get_symbols() if symbol.is_referenced()}
    later = set()
    tables = [(table, True) for table in top.get_children()]
    while tables:
        table, parent_now = tables.pop()
        runs_now = parent_now and (table.get_type() == "class" or table.get_name() in _RUN_AT_ONCE)
        read = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
        (now if runs_now else later).update(read)
        tables += [(child, runs_now) for child in table.get_children()]
    return frozenset(now), frozenset(later - now)


def _bound_names(node: ast.stmt) -> tuple[str, ...]:
    """Return the module-level names a statement sets, without looking inside functions and classes."""
    names, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(item.name)
            continue
        if isinstance(item, (ast.Lambda, *_COMPREHENSIONS)):
            continue  # their names are their own
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
            names.append(item.id)
        elif isinstance(item, ast.alias) and item.name != "*":
            names.append(item.asname or item.name.split(".")[0])
        elif isinstance(item, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and item.name:
            names.append(item.name)
        stack.extend(ast.iter_child_nodes(item))
    return tuple(dict.fromkeys(names))


def _needed(statements: list[_Statement], defined: set[str], graded: Iterable[str] | None) -> set[int]:
    """Return the indices of the statements to keep: every definition, then the setup needed, transitively.

    Needed is what a kept statement reads when it runs, and what the `graded`
    names (by default every definition) read when called, and so on through
    whatever sets those names. Setup that would rebind one of the `defined`
    names (functions, classes, imports) is never kept: a training cell's
    `loss = loss(out, y)` must not replace the graded `loss`.
    """
    kept = {i for i, statement in enumerate(statements) if statement.kind == _KEEP}
    setters: dict[str, list[int]] = {}
    for i, statement in enumerate(statements):
        setup = statement.kind == _SETUP and not defined.intersection(statement.chunk.binds)
        if setup or statement.kind == _KEEP:
            for name in statement.chunk.binds:
                setters.setdefault(name, []).append(i)
    roots = set(graded) if graded is not None else {name for i in kept for name in statements[i].reads_later}
    needed = roots.union(*(statements[i].reads_now for i in kept))
    waiting, followed = list(needed), set()
    while waiting:
        for i in setters.get(waiting.pop(), ()):
            if i not in followed:
                followed.add(i)
                kept.add(i)
                new = (statements[i].reads_now | statements[i].reads_later) - needed
                needed |= new
                waiting += new
    return kept


def _kept_chunks(name: str, statements: list[_Statement], kept: set[int], defined: set[str],
                 not_run: dict[str, str]) -> tuple[list[Chunk], list[str]]:
    """Return the chunks to run, at most MAX_KEPT_STATEMENTS, and the notes on what was dropped.

    Every statement not run is recorded in `not_run` under the names it sets.
    """
    chunks, dropped_by_cell = [], {}
    for i, statement in enumerate(statements):
        chunk = statement.chunk
        place = chunk.filename.removeprefix(f"{name}, ")
        if i in kept and len(chunks) < MAX_KEPT_STATEMENTS:
            chunks.append(chunk)
            continue
        excerpt = _excerpt(chunk.source)
        if i in kept:
            reason = NOT_RUN_CAPPED.format(place=place, excerpt=excerpt, limit=MAX_KEPT_STATEMENTS)
        else:
            dropped_by_cell[place] = dropped_by_cell.get(place, 0) + 1
            replaced = sorted(defined.intersection(chunk.binds)) if statement.kind == _SETUP else []
            reason = (NOT_RUN_REPLACES.format(place=place, excerpt=excerpt, replaced=replaced[0]) if replaced
                      else NOT_RUN.format(place=place, excerpt=excerpt))
        for bound in chunk.binds:
            not_run.setdefault(bound, reason)
    notes = [_skipped_note(name, dropped_by_cell)] if dropped_by_cell else []
    if len(kept) > MAX_KEPT_STATEMENTS:
        notes.append(KEPT_CAPPED.format(limit=MAX_KEPT_STATEMENTS, count=len(kept), name=name))
    return chunks, notes


def _chunk(lines: list[str], node: ast.stmt, filename: str, text: str, **options) -> Chunk:
    """Cut one statement, decorators included, out of its cell's (or file's) lines."""
    decorators = getattr(node, "decorator_list", None)
    first = decorators[0].lineno if decorators else node.lineno
    start = 0 if decorators else node.col_offset  # decorated: `@` opens the line
    # AST columns count UTF-8 bytes, so slice bytes; cut the end first in case
    # the statement shares its only line with others (`import os; import sys`).
    picked = [line.encode("utf-8", "surrogatepass") for line in lines[first - 1 : node.end_lineno]]
    picked[-1] = picked[-1][: node.end_col_offset]
    picked[0] = picked[0][start:]
    source = b"\n".join(picked).decode("utf-8", "surrogatepass")
    return Chunk(source, filename, first, text=text, binds=_bound_names(node), **options)


def _excerpt(source: str) -> str:
    """Return a statement's first line, shortened, to name it in a sentence."""
    first, _, rest = source.strip().partition("\n")
    first = " ".join(first.split())
    if len(first) > EXCERPT_LENGTH:
        return first[: EXCERPT_LENGTH - 4] + " ..."
    return first + (" ..." if rest else "")


def _skipped_note(name: str, dropped_by_cell: dict[str, int]) -> str:
    """Sum up the dropped statements in one sentence naming their cells, the first few of them."""
    count = sum(dropped_by_cell.values())
    statements = f"{count:,} statement" + ("s" if count > 1 else "")
    numbers = [place.removeprefix("cell ") for place in dropped_by_cell]
    if len(numbers) == 1:
        cells = f"cell {numbers[0]}"
    elif len(numbers) <= LISTED_CELLS:
        cells = "cells " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    else:
        cells = "cells " + ", ".join(numbers[:LISTED_CELLS]) + f" and {len(numbers) - LISTED_CELLS:,} more"
    return STATEMENTS_SKIPPED.format(statements=statements, cells=cells, name=name)


def _capped_cell_notes(name: str, notes: list[str]) -> list[str]:
    """Keep the first few notes on skipped cells and count the rest, so a huge notebook reads in a few lines."""
    if len(notes) <= LISTED_CELL_NOTES:
        return notes
    more = MORE_CELLS_SKIPPED.format(count=len(notes) - LISTED_CELL_NOTES, name=name)
    return notes[:LISTED_CELL_NOTES] + [more]


def _why_chunk_did_not_set(file: str, chunk: Chunk, notes: Iterable[str]) -> str:
    """Say why a chunk that sets a name did not set it: the child's note on its failure, when there is one."""
    place = chunk.filename.removeprefix(f"{file}, ") if chunk.filename != file else (
        f"{file}, line {chunk.first_line}")
    prefix, suffix = LOAD_FAILURE.split("{error}")
    prefix = prefix.format(filename=chunk.filename, line=chunk.first_line)
    for note in notes:
        if note.startswith(prefix):
            error = note[len(prefix):].removesuffix(suffix)
            return FAILED_AT_LOAD.format(place=place, excerpt=_excerpt(chunk.source), file=file, error=error)
    return NOT_SET_AT_LOAD.format(place=place, excerpt=_excerpt(chunk.source), file=file)
