"""`grade release`: what students receive, proven to hold none of the course's solutions.

    DIR/README.md                                how to install the grader, grade, and check inside a notebook;
                                                 each assignment's functions, public tests and hidden-test counts
    DIR/dl_autograder-<version>-py3-none-any.whl the grader, with the released assignments' public files (wheel.py)
    DIR/<assignment>/                            the stub, its notebook twin, the public tests, assignment.toml

The release is built in a temporary folder beside DIR, scanned against the course's reference and test submissions
(leaks.py), and only then moved into place: a release that would hold a solution is never written. DIR must be new
or empty, and outside the course, so that nothing else ends up in it and it is never committed with the course.
"""
import os
import shutil
import tempfile
from pathlib import Path

from autograder.assignments import CHECKOUT, Assignment
from autograder.checks.plots import PLOTS_FILE
from autograder.feedback import counted
from autograder.grading import list_tests
from autograder.shipping import ShippingError
from autograder.shipping.leaks import course_secrets, refuse_leaks
from autograder.shipping.wheel import LEFT_OUT_PATTERNS, build_wheel

GRADERS_OWN = shutil.ignore_patterns(*LEFT_OUT_PATTERNS, PLOTS_FILE)  # the plots' declarations ship in the wheel

INSIDE_COURSE = ("{out} is inside the course folder {course}; write the release elsewhere, so it never picks up the "
                 "course's files nor gets committed with them.")
NOT_EMPTY = "{out} already holds files; give a new or empty folder, so the release holds only what grade writes."
NOT_A_FOLDER = "{out} is a file; give a new or empty folder."
README = """# {names}

## Install the grader, once

With Python 3.10 or newer (in a virtual environment or a conda environment of its own):

    pip install torch --index-url https://download.pytorch.org/whl/cpu
    pip install {wheel}

The first line installs PyTorch's CPU build (skip it if torch is installed already); the second, the grader,
which holds the assignments' public tests and none of their solutions.

## Grade your work

In an assignment's folder (`cd {first}`), run:

    grade {first}

It grades {module}.py or {module}.ipynb, whichever you worked on, and says which; name a file to choose
(`grade {first} {module}.ipynb`). Every lost point comes with a sentence saying what your code returned
and what was expected. `grade list` shows every assignment's functions and points.

## Check inside the notebook (Jupyter or Colab)

In Colab, upload {wheel} to the Files pane first. Then, in a cell:

    %pip install {wheel}
    from autograder import check
    check("{function}")   # one function; check() for all of them

`check` grades the functions as your notebook defines them now, without saving, in the same sandbox as
`grade`, and shows the same sentences as a table.

## The assignments

| Assignment | Your file | Functions | Public tests | Hidden tests |
|---|---|---|---|---|
{rows}
The hidden tests are your instructor's: they check the same functions on more inputs when you hand in.
"""
ROW = "| {name} | {module}.py or .ipynb | {functions} | {public} ({public_points}) | {hidden} ({hidden_points}) |"


def build_release(assignments: list[Assignment], out: Path) -> list[str]:
    """Write the release of `assignments` into the folder `out`; return the names of what it holds."""
    course = assignments[0].course
    _check_destination(out, course)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        wheel = build_wheel(assignments, building)
        for assignment in assignments:
            shutil.copytree(assignment.public_dir, building / assignment.name, ignore=GRADERS_OWN)
        (building / "README.md").write_text(_readme(assignments, wheel.name))
        refuse_leaks("release", building, course_secrets(course))
        building.chmod(0o755)  # mkdtemp's 0700 would keep the release from whoever it is shared with
        if out.exists():
            out.rmdir()
        os.replace(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return sorted(path.name for path in out.iterdir())


def _check_destination(out: Path, course: Path) -> None:
    """Refuse a destination inside the course or the grader's checkout, a file, or a folder holding anything."""
    target = out.resolve()
    for folder in {course.resolve(), CHECKOUT}:
        if target == folder or target.is_relative_to(folder):
            raise ShippingError(INSIDE_COURSE.format(out=out, course=folder))
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ShippingError(NOT_A_FOLDER.format(out=out))
    if out.is_dir() and any(out.iterdir()):
        raise ShippingError(NOT_EMPTY.format(out=out))


def _readme(assignments: list[Assignment], wheel: str) -> str:
    """The release's README: install, grade, check; a row per assignment with its public and hidden tests."""
    rows = []
    for assignment in assignments:
        public = [test for test in list_tests(assignment) if not test.hidden]
        rows.append(ROW.format(name=assignment.name, module=assignment.module,
                               functions=", ".join(f"`{name}`" for name in assignment.functions),
                               public=counted(len(public), "test"),
                               public_points=counted(sum(test.max_score for test in public), "point"),
                               hidden=counted(assignment.hidden_tests, "test"),
                               hidden_points=counted(assignment.hidden_points, "point")))
    first = assignments[0]
    return README.format(names=", ".join(a.name for a in assignments), wheel=wheel, first=first.name,
                         module=first.module, function=first.functions[0], rows="\n".join(rows) + "\n")
