"""Prove that a shipment holds none of the course's solutions, by scanning every file of it.

    secrets, read from the course   every file of reference/ and tests/submissions/, by content; each function body
                                    in them (.py files, notebooks' code cells) that no handed-out file holds too;
                                    each decimal number of MIN_DIGITS or more digits in reference/ that no
                                    handed-out file holds too
    the shipment, every file        as bytes, as text and, for Python and notebooks' code, as syntax; a .whl or
                                    .zip member by member, a notebook cell by cell
        --> one sentence per secret found: which file holds what, and which course file it comes from

A body matches whether it was copied as written (its text, whitespace and comment lines aside, in any file: a README or a Markdown
cell too) or reformatted (the same syntax tree, in a function of any name). Bodies shorter than MIN_BODY characters
(`return x`) say nothing of a solution and would match honest code, so they are left out; so are the bodies the
handed-out files hold themselves (the stub's set_seed) and those of `allowed` files (the one reference a Gradescope
autograder carries).
"""
import ast
import hashlib
import io
import json
import os
import re
import textwrap
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from autograder.shipping import ShippingError

SECRET_FOLDERS = ("reference", "tests/submissions")
ANSWER_KEYS = "reference"  # whose numbers are expected values
MIN_BODY = 40  # characters of a body, whitespace collapsed
MIN_DIGITS = 5
ARCHIVES = (".whl", ".zip")
MAX_ARCHIVE_DEPTH = 2  # a wheel inside a zip

NOT_WRITTEN = ("The {what} was not written: {count} of its files would hold what students must not see (the first "
               "are listed below). Remove that from the handed-out files, then build it again.\n{listing}")
LISTED = 10
COPY = "{where} is a copy of {origin}."
BODY = "{where} holds the body of {function} from {origin}."
NUMBER = "{where} holds {number}, a value from {origin}."
GIT = "{where} is part of a git history."
LINK = "{where} is a symbolic link."

_DECIMAL = re.compile(r"(?<![\w.])\d[\d_]*\.\d[\d_]*(?:[eE][-+]?\d+)?(?![\w.])")


@dataclass
class Secrets:
    """What no shipment may hold, each with the course file it comes from."""
    files: dict[str, str] = field(default_factory=dict)         # sha256 of the content -> origin
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # a body's text -> (function, origin)
    trees: dict[str, tuple[str, str]] = field(default_factory=dict)  # a body's syntax tree -> (function, origin)
    numbers: dict[float, str] = field(default_factory=dict)    # value -> origin


def course_secrets(course: Path, allowed: Collection[Path] = ()) -> Secrets:
    """Read the secrets of `course`: its reference and test submissions, less what the handed-out files hold.

    `allowed` files may be shipped (a Gradescope autograder's own reference): they are neither secret nor searched.
    """
    allowed = {path.resolve() for path in allowed}
    known_texts, known_trees, known_numbers = [], set(), set()
    for path in [*course_files(course / "assignments"), *allowed]:
        text = _readable_text(path.name, path.read_bytes())
        known_texts.append(_flat(text))
        known_trees.update(ast.dump(body) for _, body, _ in _bodies(path.name, path.read_bytes()))
        known_numbers.update(_numbers(text))
    known_text = "\n".join(known_texts)
    secrets = Secrets()
    for folder in SECRET_FOLDERS:
        for path in course_files(course / folder):
            if path.resolve() in allowed:
                continue
            origin, data = path.relative_to(course).as_posix(), path.read_bytes()
            secrets.files[_digest(data)] = origin
            for function, body, text in _bodies(path.name, data):
                if text not in known_text and ast.dump(body) not in known_trees:  # the stub's `raise ...` too
                    secrets.texts.setdefault(text, (function, origin))
                    secrets.trees.setdefault(ast.dump(body), (function, origin))
            if folder == ANSWER_KEYS and path.suffix == ".py":
                for number in _numbers(data.decode(errors="replace")) - known_numbers:
                    secrets.numbers.setdefault(number, origin)
    return secrets


def find_leaks(shipment: Path, secrets: Secrets) -> list[str]:
    """Return one sentence per secret found in `shipment` (a folder or a zip file), none when it is clean."""
    found = []
    for where, data in _shipped(shipment, shipment.name if shipment.is_file() else ""):
        if data is None:
            found.append(LINK.format(where=where))
            continue
        if ".git" in where.replace("!", "/").split("/"):
            found.append(GIT.format(where=where))
        if _digest(data) in secrets.files:
            found.append(COPY.format(where=where, origin=secrets.files[_digest(data)]))
        text = _readable_text(where, data)
        flat = _flat(text)
        copied = [secret for body, secret in secrets.texts.items() if body in flat]
        reformatted = [secrets.trees[tree] for tree in (ast.dump(body) for _, body, _ in _bodies(where, data))
                       if tree in secrets.trees]
        found += [BODY.format(where=where, function=function, origin=origin) for function, origin in
                  [*copied, *reformatted]]
        found += [NUMBER.format(where=where, number=number, origin=secrets.numbers[number])
                  for number in sorted(_numbers(text) & secrets.numbers.keys())]
    return list(dict.fromkeys(found))


def refuse_leaks(what: str, shipment: Path, secrets: Secrets) -> None:
    """Raise ShippingError listing the secrets `shipment` holds, if it holds any: the `what` is then not written."""
    leaks = find_leaks(shipment, secrets)
    if leaks:
        listing = "\n".join(f"  {leak}" for leak in leaks[:LISTED])
        raise ShippingError(NOT_WRITTEN.format(what=what, count=len(leaks), listing=listing))


def course_files(folder: Path) -> list[Path]:
    """Every regular file under `folder`, caches aside, in a stable order; none when there is no such folder."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*")
                  if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts)


# ---------------------------------------------------------------- reading files


def _shipped(root: Path, label: str, depth: int = 0) -> Iterator[tuple[str, bytes | None]]:
    """Yield (where, content) for every file of a folder or archive, archives inside opened too; None for a link."""
    if root.is_file():
        yield from _archive(io.BytesIO(root.read_bytes()), label, depth)
        return
    for folder, folders, names in os.walk(root):
        for name in sorted(names + [f for f in folders if os.path.islink(os.path.join(folder, f))]):
            path = Path(folder, name)
            where = path.relative_to(root).as_posix()
            if path.is_symlink():
                yield where, None
            elif path.suffix in ARCHIVES:
                yield where, path.read_bytes()
                yield from _archive(io.BytesIO(path.read_bytes()), where, depth)
            else:
                yield where, path.read_bytes()


def _archive(handle, label: str, depth: int) -> Iterator[tuple[str, bytes | None]]:
    """Yield the members of a zip archive (a wheel is one), `label!member`, and those of archives inside it."""
    with zipfile.ZipFile(handle) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            where, data = f"{label}!{member.filename}", archive.read(member)
            yield where, data
            if member.filename.endswith(ARCHIVES) and depth < MAX_ARCHIVE_DEPTH:
                yield from _archive(io.BytesIO(data), where, depth + 1)


def _readable_text(name: str, data: bytes) -> str:
    """The text a person reads in a file: a notebook's cells rather than their JSON-escaped form."""
    text = data.decode(errors="replace")
    if name.endswith(".ipynb"):
        return "\n".join(source for _, source in _cells(text)) or text
    return text


def _cells(text: str) -> list[tuple[str, str]]:
    """(cell type, source) of each cell of an nbformat 4 notebook; none when it is not one."""
    try:
        cells = json.loads(text).get("cells", [])
        return [(cell.get("cell_type", ""), "".join(cell.get("source", ""))) for cell in cells]
    except (ValueError, AttributeError, TypeError):
        return []


def _bodies(name: str, data: bytes) -> Iterator[tuple[str, ast.Module, str]]:
    """Yield (function name, body, body text with whitespace collapsed) for each function long enough to tell."""
    text = data.decode(errors="replace")
    if name.endswith(".ipynb"):
        units = [source for kind, source in _cells(text) if kind == "code"]
    elif name.endswith(".py"):
        units = [text]
    else:
        return
    for unit in units:
        try:
            tree = ast.parse(unit)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # a cell with IPython syntax, say: its other cells still count
        lines = unit.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = _without_docstring(node.body)
                if not body:
                    continue
                flat = _flat(textwrap.dedent("\n".join(lines[body[0].lineno - 1:body[-1].end_lineno])))
                if len(flat) >= MIN_BODY:
                    yield node.name, ast.Module(body=body, type_ignores=[]), flat


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
        first.value.value, str)
    return body[1:] if docstring else body


def _numbers(text: str) -> set[float]:
    """The decimal numbers of MIN_DIGITS or more significant digits written in `text`, as values.

    Expected values are measured, so decimal (0.70710678); whole numbers are sizes and seeds, which honest code
    shares (65536), and are left out.
    """
    values = set()
    for written in _DECIMAL.findall(text):
        digits = re.split("[eE]", written)[0].replace("_", "").replace(".", "").lstrip("0")
        if len(digits) >= MIN_DIGITS:
            values.add(float(written.replace("_", "")))
    return values


def _flat(text: str) -> str:
    """The code of `text` with whitespace collapsed; comment lines go, so that a solution region reads the same
    without its BEGIN/END SOLUTION markers and the PROMPT beside it."""
    return " ".join(word for line in text.splitlines() if not line.lstrip().startswith("#") for word in line.split())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
