"""Write an assignment once: its annotated solution makes the student's stub, the notebook twin and the counts.

An instructor writes, per assignment,

    reference/<name>/<module>.py     the solution, in percent format (`# %%` code cells, `# %% [markdown]` cells
                                     of `# `-prefixed text), with each part students write marked:
                                         # BEGIN SOLUTION
                                         for param in model.parameters():
                                             l1 = l1 + param.abs().sum()
                                         # END SOLUTION
                                         # BEGIN PROMPT          <- optional: what students get instead,
                                         # for param in ...:        each line behind `# ` (the solution file
                                         #     l1 = l1 + ...        runs as it is, so the prompt stays inert)
                                         # END PROMPT
    reference/<name>/test_*.py       the hidden suite
    assignments/<name>/test_public.py, assignments/<name>/assignment.toml (title, module, functions, banned)

and `grade author` writes the rest:

    assignments/<name>/<module>.py     the stub: each solution region replaced by the prompt after it, or, inside
                                       a function, by `raise NotImplementedError("Complete the <name> function")`;
                                       a region at module level without a prompt (a helper of the solution's own)
                                       is left out
    assignments/<name>/<module>.ipynb  the stub's notebook twin, byte for byte the same for the same stub
    assignments/<name>/assignment.toml its [hidden] counts, read from the hidden suite

The markers are otter-grader's and nbgrader's, so instructors already know them. `stale()` names the generated
files that no longer match their source, which the project's tests check.
"""

import ast
import re
from pathlib import Path

import nbformat

CELL_MARKER = re.compile(r"^# %%(?:[ \t](?P<rest>.*))?$")
MARKDOWN_TAG = "[markdown]"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
REGION_MARKER = re.compile(r"^(?P<indent>[ \t]*)# (?P<edge>BEGIN|END) (?P<kind>SOLUTION|PROMPT)[ \t]*$")
NOT_DONE = 'raise NotImplementedError("Complete the {name} function")'
HIDDEN_SECTION = re.compile(r"(?ms)^\[hidden\]\n(?:(?!^\[).*\n?)*")
HIDDEN_COUNTS = "[hidden]\ntests = {tests}\npoints = {points:g}\n"

UNCLOSED = "{file}, line {line}: # BEGIN {kind} is never closed by # END {kind}."
UNOPENED = "{file}, line {line}: # END {kind} closes nothing."
NESTED = "{file}, line {line}: # BEGIN {kind} inside a {outer} region."
STRAY_PROMPT = "{file}, line {line}: a PROMPT region must follow a SOLUTION region."
PROMPT_LINE = "{file}, line {line}: a line of a PROMPT region must start with `{prefix}` (or be `#`)."


class AuthoringError(Exception):
    """An annotated solution that cannot be turned into a stub; the message names the file and line."""


# ---------------------------------------------------------------------------------------------- the stub

def student_version(source: str, filename: str = "the solution") -> str:
    """The stub students get from an annotated solution (see the module docstring)."""
    lines = source.splitlines()
    functions = functions_by_line(source)
    out, region, stand_in = [], None, None  # stand_in: where the last solution region's replacement went
    for number, line in enumerate(lines, start=1):
        marker = REGION_MARKER.match(line)
        if marker is None:
            if region is None:
                out.append(line)
                stand_in = stand_in if not line.strip() else None
            elif region[0] == "PROMPT":
                out.append(uncomment_prompt_line(line, region[1], filename, number))
            continue
        edge, kind, indent = marker["edge"], marker["kind"], marker["indent"]
        if edge == "BEGIN":
            if region is not None:
                raise AuthoringError(NESTED.format(file=filename, line=number, kind=kind, outer=region[0]))
            if kind == "PROMPT" and stand_in is None:
                raise AuthoringError(STRAY_PROMPT.format(file=filename, line=number))
            if kind == "PROMPT":
                del out[stand_in]  # the prompt takes the place of the solution region's default replacement
            region = (kind, indent, number)
            continue
        if region is None or region[0] != kind:
            raise AuthoringError(UNOPENED.format(file=filename, line=number, kind=kind))
        if kind == "SOLUTION":
            function = functions.get(region[2])  # by the opening line: a closing comment may follow the last line
            stand_in = len(out)
            out.append(indent + NOT_DONE.format(name=function) if function else None)  # None: nothing at top level
        region = None
    if region is not None:
        raise AuthoringError(UNCLOSED.format(file=filename, line=region[2], kind=region[0]))
    return _without_left_out(out)


def functions_by_line(source: str) -> dict[int, str]:
    """Map each line inside a function to the function's name as the stub says it (`l1_reg`, `Dropout.forward`), so
    that a solution region's stand-in (NOT_DONE) can name the function the region opens in."""
    names: dict[int, str] = {}

    def visit(node, prefix: str):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    names.update(dict.fromkeys(range(child.lineno, child.end_lineno + 1), name))
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return names


def uncomment_prompt_line(line: str, indent: str, filename: str, number: int) -> str:
    """Return a PROMPT region's line (line `number` of `filename`) as students get it: `<indent># text` becomes
    `<indent>text`, a bare `#` an empty line. Any other line raises AuthoringError naming it: uncommented, it would
    run in the solution file."""
    if line.strip() == "#":
        return ""
    if not line.startswith(indent + "# "):
        raise AuthoringError(PROMPT_LINE.format(file=filename, line=number, prefix=indent + "# "))
    return indent + line[len(indent) + 2:]


def _without_left_out(lines: list) -> str:
    """Join the stub's lines, dropping each left-out module-level region with the blank lines after it."""
    out, skipping = [], False
    for line in lines:
        if line is None:
            skipping = True
            continue
        if skipping and not line.strip():
            continue
        skipping = False
        out.append(line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- the notebook twin

def _split_cells(source):
    """Return (kind, lines) pairs, kind "code" or "markdown", in file order.

    The text before the first marker becomes a code cell of its own: the header.
    """
    cells = [("code", [])]
    for line in source.splitlines():
        marker = CELL_MARKER.match(line)
        if marker is None:
            cells[-1][1].append(line)
        elif (marker.group("rest") or "").strip() == MARKDOWN_TAG:
            cells.append(("markdown", []))
        else:
            cells.append(("code", []))
    return cells


def _uncomment(line):
    """Strip the `# ` (or bare `#`) that carries a markdown line in Python source."""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    return line


def _cell_text(kind, lines):
    """Join a cell's lines, uncommenting markdown and trimming blank edge lines."""
    if kind == "markdown":
        lines = [_uncomment(line) for line in lines]
    return "\n".join(lines).strip("\n")


def notebook_from_source(source: str) -> nbformat.NotebookNode:
    """Build an nbformat v4 notebook from percent-format Python source.

    Empty cells (such as an absent header) are dropped; ids are "cell-<index>".
    """
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, lines in _split_cells(source):
        text = _cell_text(kind, lines)
        if not text.strip():
            continue
        cell_id = f"cell-{len(notebook.cells)}"
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(text, id=cell_id))
    nbformat.validate(notebook)
    return notebook


def notebook_text(source: str) -> str:
    """The exact text of the notebook twin of percent-format `source`."""
    return nbformat.writes(notebook_from_source(source)) + "\n"


# ---------------------------------------------------------------------------------------------- an assignment

def generated_files(assignment) -> dict[Path, str]:
    """What `grade author` writes for `assignment`: its stub, the stub's twin and its assignment.toml."""
    from autograder.grading import list_tests

    source = assignment.reference_dir / f"{assignment.module}.py"
    stub = student_version(source.read_text(encoding="utf-8"), str(source))
    hidden = [test for test in list_tests(assignment) if test.hidden]
    config = assignment.public_dir / "assignment.toml"
    counts = HIDDEN_COUNTS.format(tests=len(hidden), points=sum(test.max_score for test in hidden))
    text = config.read_text(encoding="utf-8")
    toml = HIDDEN_SECTION.sub(counts, text) if HIDDEN_SECTION.search(text) else text.rstrip("\n") + "\n\n" + counts
    stub_path = assignment.public_dir / f"{assignment.module}.py"
    return {stub_path: stub, stub_path.with_suffix(".ipynb"): notebook_text(stub), config: toml}


def stale(assignment) -> list[Path]:
    """The generated files of `assignment` that differ from what its sources make now."""
    return [path for path, text in generated_files(assignment).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write(assignment) -> list[Path]:
    """Write the generated files of `assignment` that changed (with "\\n" line ends); return them."""
    changed = stale(assignment)
    files = generated_files(assignment)
    for path in changed:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(files[path])
    return changed


# ---------------------------------------------------------------------------------------------- a new assignment

SCAFFOLD = {
    "assignments/{name}/assignment.toml": """\
title = "{name}: replace this title"
module = "{name}"
functions = ["double"]
timeout = 10
""",
    "reference/{name}/{name}.py": '''\
"""{name}: replace this text with what the assignment is about.

Complete the functions below. The grader imports this module and calls them, so keep their names and
signatures.
"""

# %% [markdown]
# # {name}
#
# Write `double(x)`, which returns twice its argument: a number, a numpy array or a tensor.

# %%
import numpy as np


# %%
def double(x):
    """
    Twice x

    Args:
      x: a number, np.ndarray or torch.Tensor

    Returns:
      2 * x, of the same type as x
    """
    # BEGIN SOLUTION
    return 2 * x
    # END SOLUTION


# %%
## uncomment to test
# print(double(np.arange(3.0)))

# %% [markdown]
# Expected output:
#
# ```
# [0. 2. 4.]
# ```
''',
    "reference/{name}/test_{name}.py": '''\
"""Hidden tests of {name}: what your instructor's grading checks beyond the public tests."""
import numpy as np
import pytest

from autograder.checks import expect_same, graded


@graded("double: matches the reference for x = {{x}}", points=2)
@pytest.mark.parametrize("x", [1.5, np.arange(3.0), np.ones((2, 3))])
def test_double_matches_the_reference(student, reference, x):
    expect_same(student.double, reference.double, x)
''',
    "assignments/{name}/test_public.py": '''\
"""Public tests of {name}: run them with `grade {name}` in the folder holding {name}.py (or .ipynb)."""
from autograder.checks import expect_returns, graded


@graded("double: double(21.0) is 42.0")
def test_double_example(student):
    expect_returns(student.double, 21.0, expected=42.0)
''',
}
NOT_AN_IDENTIFIER = "{name!r} cannot name an assignment: use letters, digits and _, starting with a letter."
ALREADY_THERE = "{path} already exists: choose another name, or edit that assignment."


def scaffold(name: str, course: Path) -> list[Path]:
    """Write a new assignment that grades end to end at once (one function, one public and one hidden test), then
    its generated files; return every file written."""
    from autograder.assignments import load_assignment

    if not name.isidentifier() or not name[0].isalpha():
        raise AuthoringError(NOT_AN_IDENTIFIER.format(name=name))
    files = {course / pattern.format(name=name): text.format(name=name) for pattern, text in SCAFFOLD.items()}
    for folder in dict.fromkeys(path.parent for path in files):
        if folder.exists():
            raise AuthoringError(ALREADY_THERE.format(path=folder))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [*files, *write(load_assignment(name, course))]
