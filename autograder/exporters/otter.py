"""An assignment as an otter-grader course gets it: an Otter-Assign master notebook whose tests are this package's.

    reference/<name>/<module>.py  --otter_source()-->  the same solution, its regions in otter's markers
        + the course's tests (list_tests)  --master_notebook()-->  DIR/<module>.ipynb, the master notebook:
              ASSIGNMENT CONFIG; per graded function a question holding the cell that defines it (its solution)
              and one otter test per test of ours, with that test's points, hidden when ours is
        + DIR/assignments/<name>/ (assignment.toml, public tests: `files`, for students and the autograder),
          DIR/reference/<name>/ (solution, hidden suite: `autograder_files`, for the autograder only),
          DIR/autograder/ (this package, so grading needs nothing beyond the requirements)

`otter assign DIR/<module>.ipynb DIST` then builds the student notebook (the stub `grade author` writes, as
cells) and the autograder zip. Each otter test calls `verdict()` in otter's kernel, after the student's notebook
ran there: the first test of a question runs our suite on the kernel's globals (sandbox/unconfined.py stands in
for the sandbox) and every test of the question passes or fails as ours did, with our sentence. A question runs
first the tests of the functions `grade` tests before it that share a banned routine with it, so what one
function's tests learn about another (a dropout that hands its work to torch) weighs the same. Hence the same
points per function as `grade`, minus what only a separate process gives (WEAKER_UNDER_OTTER).

Otter's markers, per region of ours: `# BEGIN SOLUTION NO PROMPT` ... `# END SOLUTION`, then the prompt (ours, or
the stub's `raise NotImplementedError(...)`) as otter's `r\"\"\" # BEGIN PROMPT` ... `\"\"\"; # END PROMPT` string,
inert in the solution and code in the student's notebook. A helper of the solution's own gets no prompt.
"""
import ast
import copy
import functools
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import nbformat

import autograder
from autograder import authoring
from autograder.assignments import Assignment, load_assignment
from autograder.grading import TestSuite, list_tests
from autograder.report import PASSED
from autograder.report.safe import MAX_SENTENCE, SENTENCE_TAIL, cut, inert
from autograder.sandbox.remote import StudentCode
from autograder.sandbox.unconfined import Unconfined
from autograder.submission import Submission

DISTRIBUTION = "dl-autograder"
PACKAGE = Path(autograder.__file__).resolve().parent
STUDENT_FOLDER, INSTRUCTOR_FOLDER = "assignments", "reference"  # as in a course, so the kernel's folder is one
ASSIGNMENT_CONFIG = """\
# ASSIGNMENT CONFIG
name: {name}
requirements: {requirements}
files: {files}
autograder_files: {autograder_files}
strip_solutions_from_all_cells: true
export_cell:
  pdf: false
generate: true
tests:
  files: false
  ok_format: false
"""
TEST_CELL = '''\
""" # BEGIN TEST CONFIG
points: {points:g}
hidden: {hidden}
""" # END TEST CONFIG
def test_{question}_{number}(env):
    from autograder.exporters.otter import verdict
    verdict(env, {assignment!r}, {test!r}{first})
'''
SOLUTION_PROMPT_OPEN = '{indent}r{quotes} # BEGIN PROMPT'
SOLUTION_PROMPT_CLOSE = '{indent}{quotes}; # END PROMPT'
WEAKER_UNDER_OTTER = (
    "The student's notebook runs in otter's kernel, the process that runs the tests: there is no sandbox, so its "
    "code can read the hidden tests and the reference solution that the autograder holds, and rewrite this "
    "package, the tests or torch before they run.",
    "No source policy: a function that hands its work to a banned library routine still loses its points when "
    "the routine runs during a test, but exec and eval, reflection, threads and the other rules `grade` reads "
    "in the source are not checked.",
    "No limits per call: an endless loop or a memory bomb stops otter's whole run, not one test, and the "
    "notebook's training loops, downloads and plots all run before any test (`grade` runs only what the graded "
    "functions need).",
    "Answers still come back as copies through the allowlist, so an object that claims to equal anything fails; "
    "but code that monkeypatches torch or numpy changes what the checks themselves compute.",
)
INSTRUCTOR_NOTE = ("# IGNORE (this cell is for the instructor: otter assign leaves it out of every notebook it "
                   "writes)\n\nExported by `grade export otter {name}` from `reference/{name}/{module}.py`; each test "
                   "runs the dl-autograder test of the same name and points. What is weaker than `grade {name}`:\n\n"
                   "{weaker}")
SOURCE_OVERWRITTEN = "{path} would replace or lie inside {source}, which the export copies; export to another folder."
TRIPLE_QUOTES = "\"\"\"", "'''"
PROMPT_QUOTES = "{file}, line {line}: a prompt holding both kinds of triple quotes cannot become otter's PROMPT string."
UNKNOWN_TEST = ("{assignment} has no test named {test!r} here: export the notebook again with "
                "`grade export otter {assignment}`.")


class ExportError(Exception):
    """The assignment cannot be exported as asked; the message says why."""


# ---------------------------------------------------------------------------------------------- the export

def export(assignment: Assignment, out: Path) -> list[Path]:
    """Write the master notebook and the folders its ASSIGNMENT CONFIG names into `out`; return what was written."""
    folders = {out / STUDENT_FOLDER / assignment.name: (assignment.public_dir, _stub_files(assignment)),
               out / INSTRUCTOR_FOLDER / assignment.name: (assignment.reference_dir, ()),
               out / PACKAGE.name: (PACKAGE, ())}
    for target, (source, _) in folders.items():  # replacing a source, or copying it into itself, would ruin it
        if target.resolve().is_relative_to(source.resolve()):
            raise ExportError(SOURCE_OVERWRITTEN.format(path=target, source=source))
    notebook = master_notebook(assignment)
    for target, (source, left_out) in folders.items():
        shutil.rmtree(target, ignore_errors=True)  # a test file an older export left would be collected too
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", *left_out))
    master = out / f"{assignment.module}.ipynb"
    nbformat.write(notebook, master)
    return [master, *folders]


def master_notebook(assignment: Assignment) -> nbformat.NotebookNode:
    """The Otter-Assign master notebook of `assignment` (see the module docstring)."""
    path = assignment.reference_dir / f"{assignment.module}.py"
    cells = authoring.notebook_from_source(otter_source(path.read_text(encoding="utf-8"), str(path))).cells
    questions = _question_names(assignment.functions, cells)
    tests = list_tests(assignment)
    defining = _defining_cells(cells, assignment.functions)
    out = [nbformat.v4.new_raw_cell(_assignment_config(assignment)),
           nbformat.v4.new_markdown_cell(INSTRUCTOR_NOTE.format(
               name=assignment.name, module=assignment.module,
               weaker="\n".join(f"- {sentence}" for sentence in WEAKER_UNDER_OTTER)))]
    for index, cell in enumerate(cells):
        out.append(cell)
        for function in (name for name in assignment.functions if defining.get(name) == index):
            out[-1:] = _question(assignment, questions[function], cell, [t for t in tests if t.function == function])
    for function in (name for name in assignment.functions if name not in defining):  # defined by no cell of its own
        out += _question(assignment, questions[function], None, [t for t in tests if t.function == function])
    notebook = nbformat.v4.new_notebook(cells=out, metadata={"kernelspec": dict(authoring.KERNELSPEC),
                                                             "language_info": {"name": "python"}})
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"
    nbformat.validate(notebook)
    return notebook


def otter_source(source: str, filename: str = "the solution") -> str:
    """The annotated solution with each region in otter's markers (see the module docstring)."""
    authoring.student_version(source, filename)  # a malformed region is refused here, naming its line
    functions = authoring.functions_by_line(source)
    out, region, prompt, indent = [], None, [], ""
    waiting = None  # (indent, prompt lines) of a region whose PROMPT string goes before the next line of code
    for number, line in enumerate(source.splitlines(), start=1):
        marker = authoring.REGION_MARKER.match(line)
        if marker is None and region == "PROMPT":
            prompt.append(authoring.uncomment_prompt_line(line, indent, filename, number))
        elif marker is None:
            if waiting and line.strip() and region is None:
                out += _prompt_string(waiting, line, filename, number)
                waiting = None
            out.append(line)
        else:
            edge, kind, indent = marker["edge"], marker["kind"], marker["indent"]
            region = kind if edge == "BEGIN" else None
            if edge == "BEGIN" and kind == "SOLUTION":
                out += _prompt_string(waiting, line, filename, number) if waiting else []
                out.append(f"{indent}# BEGIN SOLUTION NO PROMPT")
                function = functions.get(number)  # none at module level: a helper of the solution's own
                waiting = (indent, [indent + authoring.NOT_DONE.format(name=function)]) if function else None
            elif kind == "SOLUTION":
                out.append(f"{indent}# END SOLUTION")
            elif edge == "BEGIN":
                prompt = []
            else:
                waiting = (indent, prompt)
    return "\n".join(out + (_prompt_string(waiting, "", filename, number) if waiting else [])) + "\n"


# ---------------------------------------------------------------------------------------------- in otter's kernel

def verdict(env: dict, assignment_name: str, test_name: str, first: bool = False) -> None:
    """Pass, or raise AssertionError with the test's sentence: one test of ours, judged on the kernel's globals.

    `first` (the question's first test) runs the suite afresh, so a check run again after a fix sees the fix; the
    question's other tests read what that run found. The course is the kernel's folder, where otter puts the
    folders the export wrote.
    """
    assignment, suite = _suite(Path.cwd().resolve(), assignment_name)
    question = (assignment_name, test_name.split(":", 1)[0])
    if first or question not in _FOUND:
        _FOUND[question] = _run_until(env, assignment, suite, question[1])
    result = _FOUND[question].get(test_name)
    if result is None:
        raise AssertionError(UNKNOWN_TEST.format(assignment=assignment_name, test=test_name))
    if result.status != PASSED:
        raise AssertionError(inert(cut(f"{result.name}: {result.feedback}", MAX_SENTENCE, SENTENCE_TAIL)))


_FOUND: dict[tuple[str, str], dict] = {}  # (assignment, function) -> its tests' results by name, from the first test


@functools.cache
def _suite(course: Path, name: str) -> tuple[Assignment, TestSuite]:
    """The assignment and its suite, collected once per kernel: a question checked again reuses them."""
    assignment = load_assignment(name, course)
    return assignment, TestSuite(assignment)


def _run_until(env: dict, assignment: Assignment, suite: TestSuite, function: str) -> dict:
    """Run on `env` the tests of `function`, after those of the graded functions `grade` tests before it that share
    a banned routine with it: which of them hand their work to that routine decides whom a call is charged to."""
    order = list(assignment.functions)
    shared = set(assignment.banned.get(function, ()))
    earlier = order[:order.index(function)] if function in order else []
    wanted = {function, *(name for name in earlier if shared & set(assignment.banned.get(name, ())))}
    prefix = copy.copy(suite)
    prefix.tests = [test for test in suite.tests if test.name.split(":", 1)[0] in wanted]
    submission = Submission(Path(f"{assignment.module}.ipynb"), (), (), None)
    student = StudentCode(Unconfined(env), submission, assignment.module, banned=assignment.banned,
                          timeout=assignment.timeout)
    return {result.name: result for result in prefix.run(student)}


# ---------------------------------------------------------------------------------------------- helpers

def _assignment_config(assignment: Assignment) -> str:
    requirements = [requirement for requirement in metadata.requires(DISTRIBUTION) or ()
                    if "extra ==" not in requirement]
    return ASSIGNMENT_CONFIG.format(name=json.dumps(assignment.name), requirements=json.dumps(requirements),
                                    files=json.dumps([STUDENT_FOLDER, PACKAGE.name]),
                                    autograder_files=json.dumps([INSTRUCTOR_FOLDER]))


def _stub_files(assignment: Assignment) -> tuple[str, ...]:
    """The stub and its twin: the student notebook otter assign writes takes their place."""
    return f"{assignment.module}.py", f"{assignment.module}.ipynb"


def _question_names(functions, cells) -> dict[str, str]:
    """Each graded name as an otter question (a test file's name): an identifier, unique even ignoring case, as
    files are on macOS (`Dropout` beside `dropout` becomes `Dropout_class`)."""
    classes = {node.name for cell in cells if cell.cell_type == "code"
               for node in ast.parse(cell.source).body if isinstance(node, ast.ClassDef)}
    names, taken = {}, set()
    for function in functions:
        name = re.sub(r"\W", "_", function)
        if name.casefold() in taken:
            name += "_class" if function.split(".")[0] in classes else f"_{len(names) + 1}"
        taken.add(name.casefold())
        names[function] = name
    return names


def _defining_cells(cells, functions) -> dict[str, int]:
    """Map each graded name to the index of the code cell defining it at top level (a method: its class)."""
    found = {}
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        defined = {node.name for node in ast.parse(cell.source).body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        for function in functions:
            if function.split(".")[0] in defined:
                found.setdefault(function, index)
    taken = {}
    for function, index in found.items():  # a cell defining two graded names holds the first one's question
        taken.setdefault(index, function)
    return {function: index for function, index in found.items() if taken[index] == function}


def _question(assignment: Assignment, question: str, cell, tests) -> list:
    """The cells of one question: its solution cell (if any) and one otter test per test of ours."""
    raw = nbformat.v4.new_raw_cell
    solution = [raw("# BEGIN SOLUTION"), cell, raw("# END SOLUTION")] if cell is not None else []
    checks = [nbformat.v4.new_code_cell(TEST_CELL.format(
        points=test.max_score, hidden=str(test.hidden).lower(), question=question, number=number,
        assignment=assignment.name, test=test.name, first=", first=True" if number == 1 else ""))
        for number, test in enumerate(tests, start=1)]
    return [raw(f"# BEGIN QUESTION\nname: {question}"), *solution, raw("# BEGIN TESTS"), *checks,
            raw("# END TESTS"), raw("# END QUESTION")]


def _prompt_string(waiting: tuple[str, list[str]], following: str, filename: str, number: int) -> list[str]:
    """A prompt as otter's PROMPT string: its lines the code of the student's notebook, and in the solution an inert
    string at the indentation of the `following` line where that is deeper (a region ending inside a loop)."""
    indent, lines = waiting
    quotes = next((quotes for quotes in TRIPLE_QUOTES if not any(quotes in line for line in lines)), None)
    if quotes is None:
        raise authoring.AuthoringError(PROMPT_QUOTES.format(file=filename, line=number))
    deeper = following[:len(following) - len(following.lstrip())]
    indent = deeper if len(deeper) > len(indent) else indent
    return [SOLUTION_PROMPT_OPEN.format(indent=indent, quotes=quotes), *lines,
            SOLUTION_PROMPT_CLOSE.format(indent=indent, quotes=quotes)]
