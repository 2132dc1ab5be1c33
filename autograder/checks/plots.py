"""Plots for feedback.html, declared beside the tests: "when dropout fails, show these series".

    assignments/<name>/plots.py:

        @shows("dropout", title="dropout: the fraction kept over 40 calls for each p")
        def fraction_kept(student):
            counts = student.run(plot_probes.nonzero_counts, student.dropout, calls, seed=SEED)
            return Plot(x_label="p", y_label="fraction kept", series=[points("your dropout", ps, counts / n), ...])

    grading.grade(..., plots="failing") runs, after every test, the declarations of each function with a failing
    test (all of them with plots="all"): student.* calls and plot probes bring plain data back through the same
    allowlisted channel as a test's, the plot is built here in the grader --> Report.plots --> report.plots draws.

A declaration takes any of `student`, `reference` (the solution, or None where it is not here: the
declaration then overlays what it can compute without it, or shows the student's alone and says so in its
note) and `function` (the graded name it is drawn for, when it declares several; `{function}` in the title
names it too). It returns a Plot or a list of them. A plot never changes a score: when the student's code
raises or returns something unreadable, the plot is left out with that sentence (`problem`), and a fault
of the declaration itself is worded as the grader's.
"""
import dataclasses
import importlib.util
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from autograder.feedback import GRADER_FAULT, StudentFault, describe
from autograder.plotdata import (BAND, BARS, EXPECTED, HISTOGRAM, LINE, PATH, POINTS, REFERENCE, STUDENT, Plot,
                                 Series, Surface, band, bars, histogram, line, path, points, surface, values)
from autograder.sandbox.remote import RaisedError
from autograder.sandbox.wire import loaded_torch

PLOTS_FILE = "plots.py"  # in assignments/<name>/, shipped with the public tests: students' own runs draw them too
ARGUMENTS = ("student", "reference", "function")
NOT_WRITTEN = "NotImplementedError"
REFERENCE_ABSENT = "The reference solution is not here, so {what} is shown without it."
NOT_NUMBERS = "{call} returned {value}; expected {expected}."
NOT_FINITE_FROM = "{what} is not finite (NaN or infinite) from step {step} on, where its path ends."
OFF_THE_MAP = "{what} leaves the drawn area at step {step}."
UNKNOWN_ARGUMENT = "{plot} in {file} takes {name!r}; a plot may take only {arguments}"
UNKNOWN_FUNCTION = "{plot} in {file} shows {name!r}, which is not a graded name of the assignment"

__all__ = [
    "BAND", "BARS", "EXPECTED", "HISTOGRAM", "LINE", "PATH", "POINTS", "REFERENCE", "REFERENCE_ABSENT", "STUDENT",
    "Declaration", "Plot", "Series", "Surface", "band", "bars", "declarations", "draw", "histogram", "line",
    "number", "numbers", "off_the_map", "path", "points", "shows", "surface", "values",
]


@dataclass(frozen=True)
class Declaration:
    """A plot function and the graded names whose failures it explains."""
    functions: tuple[str, ...]
    title: str
    make: Callable
    arguments: tuple[str, ...]  # which of ARGUMENTS it takes


def shows(*functions: str, title: str):
    """Declare a plot of each of `functions`, drawn when one of its tests fails; `title` may say `{function}`."""
    def declare(make):
        make.declaration = Declaration(functions, title, make, tuple(inspect.signature(make).parameters))
        return make
    return declare


def declarations(path: Path, graded: tuple[str, ...]) -> list[Declaration]:
    """Import an assignment's plots.py and list its declarations in the order they are written.

    Raises ValueError for a declaration that takes an unknown argument or shows a name the assignment does not
    grade: the course's own file is broken, which its author must hear of at once.
    """
    spec = importlib.util.spec_from_file_location(f"plots_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = [value.declaration for value in vars(module).values() if hasattr(value, "declaration")]
    for declaration in found:
        shown = f"{declaration.make.__name__}()"
        unknown = [name for name in declaration.arguments if name not in ARGUMENTS]
        if unknown:
            raise ValueError(UNKNOWN_ARGUMENT.format(plot=shown, file=path, name=unknown[0],
                                                     arguments=", ".join(ARGUMENTS)))
        strangers = [name for name in declaration.functions if name not in graded]
        if strangers:
            raise ValueError(UNKNOWN_FUNCTION.format(plot=shown, file=path, name=strangers[0]))
    return found


def draw(declaration: Declaration, function: str, student, reference) -> list[Plot]:
    """Run one declaration for `function`; its plots, or one saying why it could not be drawn."""
    title = declaration.title.format(function=function)
    given = {"student": student, "reference": reference, "function": function}
    try:
        made = declaration.make(**{name: given[name] for name in declaration.arguments})
    except RaisedError as raised:
        if raised.type == NOT_WRITTEN:  # the stub as handed out: a plot of it would explain nothing
            return []
        return [Plot(function=function, title=title, problem=str(raised))]
    except StudentFault as fault:
        return [Plot(function=function, title=title, problem=str(fault))]
    except Exception as error:  # noqa: BLE001 -- a plot must never cost a grade; its fault is the grader's
        return [Plot(function=function, title=title,
                     problem=GRADER_FAULT.format(error=f"{type(error).__name__}: {error}"))]
    made = [made] if isinstance(made, Plot) else list(made)
    return [dataclasses.replace(plot, function=function, title=plot.title or title) for plot in made]


def numbers(value, call: str, shape: tuple | None = None, expected: str = "numbers") -> np.ndarray:
    """The student's `value` as a float64 array (tensors, lists and numpy scalars alike), of `shape` if given;
    a StudentFault naming `call` otherwise, which leaves the plot out with that sentence."""
    torch = loaded_torch()
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        array = None
    if array is None or (shape is not None and array.shape != shape):
        raise StudentFault(NOT_NUMBERS.format(call=call, value=describe(value), expected=expected))
    return array


def number(value, call: str) -> float:
    """The student's `value` as one float (a 0-dim tensor, a numpy scalar, a one-element array alike)."""
    array = numbers(value, call, expected="a single number")
    if array.size != 1:
        raise StudentFault(NOT_NUMBERS.format(call=call, value=describe(value), expected="a single number"))
    return float(array.reshape(()))


def off_the_map(points: np.ndarray, area: Surface, what: str) -> str:
    """Say where a path of (x, y) rows leaves what its plot shows, the surface's box: its first point that is not
    finite, or else its first outside the box; empty when it stays in sight."""
    finite = np.isfinite(points).all(axis=1)
    if not finite.all():
        return NOT_FINITE_FROM.format(what=what, step=int(np.argmin(finite)))
    inside = ((points[:, 0] >= min(area.x)) & (points[:, 0] <= max(area.x)) & (points[:, 1] >= min(area.y))
              & (points[:, 1] <= max(area.y)))
    return OFF_THE_MAP.format(what=what, step=int(np.argmin(inside))) if not inside.all() else ""
