"""`check()` inside a notebook: grade the functions the running kernel defines now, in the sandbox, never in the kernel.

    check("dropout")      in a Jupyter or Colab cell (after `from autograder import check`)
        |  the cells this kernel ran (IPython's input history), in the order it ran them; a cell that did not
        |  parse never ran, so it is left out
        v
    a notebook of those cells, cell n being the one Jupyter marks [n]
        |  grade(), as `grade` grades a saved notebook: the notebook rules keep the definitions and the setup they
        |  need (submission.py), the child runs them in the sandbox, the tests run in this process
        v
    the cell's output: in a notebook, feedback.html's content (score, tests and sentences, named mistakes, the
        plots of each failing function, images embedded, its style applying inside it only); in a terminal, the
        text `grade` prints

No object of the kernel crosses to the sandbox: the child runs the cells' source, so a check sees what the notebook
says now, without saving it. The zygote starts on the first check and serves the next ones (it ends with the
kernel), so only the first check pays for `import torch`. With the course's reference present (an instructor), the
hidden tests run too.
"""
import atexit
import dataclasses
import difflib
import json
import signal
import tempfile
import warnings
from pathlib import Path

from autograder.assignments import (Assignment, AssignmentError, GradingError, course_root, list_assignments,
                                    load_assignment)
from autograder.feedback import GRADER_FAULT, counted
from autograder.grading import grade
from autograder.plotdata import PLOTS_FAILING
from autograder.report import Report, html, text
from autograder.sandbox.control import Sandbox
from autograder.sandbox.course_folders import start_sandbox

NOT_IN_A_NOTEBOOK = ("check() grades the cells of a Jupyter or Colab notebook, and this Python is not running one; "
                     "in a terminal, run `grade ASSIGNMENT` in the folder of your file instead.")
WHICH_ASSIGNMENT = ("check() cannot tell which assignment this notebook is for: name it, as in "
                    "check(assignment={example!r}). The course has {names}.")
NO_ASSIGNMENTS = "check() found no assignment in the course at {course}."
UNKNOWN_FUNCTION = "{assignment} grades no function {name!r}{hint}; its graded functions are {functions}."
CLOSE_NAME = " (did you mean {close!r}?)"
SUBMISSION = "the cells this kernel ran"
CELLS_NOTE = "Graded the {cells} this kernel ran, in the order it ran them: cell n is the one Jupyter marks [n]."

_sandboxes: dict[Path, Sandbox] = {}  # course -> its running Sandbox, kept between checks


class CheckError(Exception):
    """check() was called where or how it cannot work; the message says what to do instead."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows these lines instead of a traceback: a usage mistake reads as one sentence."""
        return [f"CheckError: {self}"]


def check(*functions: str, assignment: str | None = None) -> None:
    """Grade the graded functions as this kernel's cells define them now, and show the result in the cell's output.

    `functions` narrows the table to some functions (`check("dropout")`); `check("assignment2")` or `assignment=`
    names the assignment, which is otherwise the one whose functions the notebook defines.
    """
    shell = _shell()
    if len(functions) == 1 and functions[0] in {a.name for a in _course()}:
        assignment, functions = functions[0], ()
    definition = _assignment(assignment, functions, shell.user_ns)
    _check_names(definition, functions)
    with tempfile.TemporaryDirectory(prefix="grade-check-") as folder:
        path = Path(folder) / f"{definition.module}.ipynb"
        cells = _write_cells(shell.history_manager, path)
        report = _grade(definition, path)
    report = dataclasses.replace(report, submission=SUBMISSION,
                                 notes=(CELLS_NOTE.format(cells=counted(cells, "cell")), *report.notes))
    if functions:
        report = dataclasses.replace(report, hidden_not_run=(0, 0.0),
                                     results=tuple(r for r in report.results if r.function in functions),
                                     plots=tuple(plot for plot in report.plots if plot.function in functions))
    _show(report)


def _shell():
    """The running IPython (Jupyter's or Colab's kernel, or a terminal IPython), whose history holds the cells."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None or getattr(shell, "history_manager", None) is None:
        raise CheckError(NOT_IN_A_NOTEBOOK)
    return shell


def _course() -> list[Assignment]:
    try:
        return list_assignments()
    except AssignmentError as error:
        raise CheckError(str(error)) from None


def _assignment(name: str | None, functions: tuple[str, ...], namespace: dict) -> Assignment:
    """The assignment named, else the one whose graded functions the kernel (or the `functions` asked) define."""
    if name:
        try:
            return load_assignment(name)
        except AssignmentError as error:
            raise CheckError(str(error)) from None
    assignments = _course()
    if not assignments:
        raise CheckError(NO_ASSIGNMENTS.format(course=course_root()))
    found = [a for a in assignments if set(functions) & set(a.functions)]
    if not found:  # none asked, or misspelled: the assignment whose functions the kernel defines most of
        defined = {a.name: sum(function in namespace for function in a.functions) for a in assignments}
        found = [a for a in assignments if defined[a.name] and defined[a.name] == max(defined.values())]
    if len(found) == 1:
        return found[0]
    raise CheckError(WHICH_ASSIGNMENT.format(example=assignments[0].name,
                                             names=", ".join(a.name for a in assignments)))


def _check_names(definition: Assignment, functions: tuple[str, ...]) -> None:
    """Refuse a name the assignment does not grade, suggesting the closest one: a typo must not read as 'no test'."""
    for name in functions:
        if name not in definition.functions:
            close = difflib.get_close_matches(name, definition.functions, n=1)
            raise CheckError(UNKNOWN_FUNCTION.format(assignment=definition.name, name=name, functions=", ".join(
                definition.functions), hint=CLOSE_NAME.format(close=close[0]) if close else ""))


def _write_cells(history, path: Path) -> int:
    """Write the kernel's cells as a notebook, cell n being input n; blank the cells that did not parse. Return how
    many cells there are."""
    cells = []
    for number, source in enumerate(history.input_hist_raw[1:], start=1):  # entry 0 is IPython's placeholder
        ran = _parses(history.input_hist_parsed[number]) if number < len(history.input_hist_parsed) else True
        cells.append({"cell_type": "code", "execution_count": number, "metadata": {}, "outputs": [],
                      "source": source if ran else ""})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}))
    return len(cells)


def _parses(source: str) -> bool:
    """Tell whether IPython could run a cell as it translated it (magics turned into calls)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _grade(definition: Assignment, path: Path) -> Report:
    """Grade in the course's sandbox, started once per kernel, leaving the kernel's torch threads as they were."""
    import torch

    threads = torch.get_num_threads()  # grading runs its own checks on one thread
    course = definition.course.resolve()
    try:
        sandbox = _sandboxes.get(course)
        if sandbox is None or sandbox.process.poll() is not None:
            sandbox = _sandboxes[course] = _started_without_interrupts(definition.course)
            atexit.register(sandbox.close)
        return grade(definition, path, sandbox=sandbox, plots=PLOTS_FAILING)
    except GradingError as error:
        _sandboxes.pop(course, None)
        raise CheckError(GRADER_FAULT.format(error=error)) from None
    finally:
        torch.set_num_threads(threads)


def _started_without_interrupts(course: Path) -> Sandbox:
    """Start the zygote ignoring SIGINT: Jupyter interrupts a kernel by signalling its whole process group, and the
    zygote, which ends with the kernel, must outlive a stopped training loop (an ignored signal stays ignored
    across exec)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return start_sandbox(course, notebook_libraries=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def _show(report: Report) -> None:
    """Show the report in the cell's output: a notebook renders feedback.html's content, a terminal the text."""
    from IPython.display import display

    display({"text/plain": text.render(report), "text/html": html.render_inline(report)}, raw=True)
