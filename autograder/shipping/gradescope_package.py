"""`grade gradescope`: one assignment's autograder for Gradescope, as the zip its "Configure Autograder" page takes.

    setup.sh                      run once, as root, when Gradescope builds the image (Ubuntu 22.04, Python 3.10):
                                  a venv of the system's Python in /opt/dl-autograder with a CPU-only torch and the
                                  grader's wheel
    run_autograder                run for each submission, from /autograder: grades /autograder/submission (a .py,
                                  a notebook, or a folder holding one) into /autograder/results/results.json, always;
                                  its output for students in Markdown, or in HTML with plots (`--output-format html`)
    dl_autograder-<v>-*.whl       the grader, with this assignment's public files only (wheel.py)
    course/assignments/<name>/    this assignment's handed-out files
    course/reference/<name>/      its solution and hidden tests: nothing of any other assignment

The zip holds no torch (setup.sh installs it) and is scanned like a release (leaks.py), this assignment's reference
aside. Two variables let the project's tests run run_autograder outside Gradescope: AUTOGRADER_ROOT stands for
/autograder and GRADE_COMMAND for the installed `grade`.
"""
import json
import os
import shlex
import tempfile
import zipfile
from pathlib import Path

from autograder.assignments import Assignment
from autograder.exporters.gradescope import DEFAULT_HIDDEN_VISIBILITY, HIDDEN_VISIBILITIES, MARKDOWN, OUTPUT_FORMATS
from autograder.feedback import GRADER_FAULT
from autograder.shipping import ShippingError
from autograder.shipping.leaks import course_files, course_secrets, refuse_leaks
from autograder.shipping.wheel import build_wheel

VENV = "/opt/dl-autograder"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  # the CPU build: no CUDA libraries in a CPU-only container
EXECUTABLE = 0o755
READABLE = 0o644
COURSE = "course"
NO_REFERENCE = "{name} has no reference in {folder}: a Gradescope autograder runs the hidden tests, so it needs them."
BAD_VISIBILITY = "The hidden tests' visibility is {value!r}; Gradescope's are {allowed}."
BAD_OUTPUT_FORMAT = "The output format is {value!r}; it may be {allowed}."
# What a student reads when even the grader could not start: no test ran, so no test is listed.
NOT_STARTED = {"score": 0, "output": GRADER_FAULT.format(error="the autograder could not start (its log says why)."),
               "output_format": MARKDOWN, "visibility": "visible", "stdout_visibility": "hidden", "tests": []}

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04, Python 3.10).
# The venv is made from the system's Python, which every user can read: the sandbox runs student code as an
# unprivileged user, which must be able to read the interpreter and its packages.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv {venv}
{venv}/bin/pip install --no-cache-dir --upgrade pip
{venv}/bin/pip install --no-cache-dir --index-url {torch_index} torch
{venv}/bin/pip install --no-cache-dir ./{wheel}
# matplotlib's font cache, built once into the image rather than by every run that draws plots
{venv}/bin/python -c "import matplotlib.font_manager"
chmod -R go-rwx {course}
"""
RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, from /autograder. It always leaves a results.json: the grader
# writes one whatever the submission does, and this script writes one if the grader itself could not start.
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
grade="${{GRADE_COMMAND:-{venv}/bin/grade}}"
results="$root/results/results.json"
mkdir -p "$root/results"
rm -f "$results"
cd "$root" || exit 1
GRADE_COURSE="$root/source/{course}" "$grade" {assignment} "$root/submission" --results "$results" \\
  --hidden-visibility {visibility} --output-format {output_format}
status=$?
if [ ! -s "$results" ]; then
  echo "grade exited with status $status without writing $results"
  printf '%s\\n' {not_started} > "$results"
fi
exit 0
"""


def build_package(assignment: Assignment, out: Path, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                  output_format: str = MARKDOWN) -> list[str]:
    """Write the autograder zip of `assignment` to `out`; return the names of its members."""
    if not assignment.has_reference:
        raise ShippingError(NO_REFERENCE.format(name=assignment.name, folder=assignment.reference_dir))
    if hidden_visibility not in HIDDEN_VISIBILITIES:
        raise ShippingError(BAD_VISIBILITY.format(value=hidden_visibility, allowed=", ".join(HIDDEN_VISIBILITIES)))
    if output_format not in OUTPUT_FORMATS:
        raise ShippingError(BAD_OUTPUT_FORMAT.format(value=output_format, allowed=", ".join(OUTPUT_FORMATS)))
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, zipped = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)  # beside `out`: replaced in one step
    os.close(handle)
    zipped = Path(zipped)
    try:
        with tempfile.TemporaryDirectory(prefix="grade-gradescope-") as building:
            wheel = build_wheel([assignment], Path(building))
            members = {"setup.sh": (_setup(wheel.name).encode(), EXECUTABLE),
                       "run_autograder": (_run(assignment, hidden_visibility, output_format).encode(), EXECUTABLE),
                       wheel.name: (wheel.read_bytes(), READABLE)}
        for kind, folder in (("assignments", assignment.public_dir), ("reference", assignment.reference_dir)):
            for path in course_files(folder):
                members[f"{COURSE}/{kind}/{assignment.name}/{path.relative_to(folder).as_posix()}"] = (
                    path.read_bytes(), READABLE)
        _write_zip(zipped, members)
        refuse_leaks("autograder", zipped, course_secrets(assignment.course, course_files(assignment.reference_dir)))
        os.replace(zipped, out)
    except BaseException:
        zipped.unlink(missing_ok=True)
        raise
    return list(members)


def _setup(wheel: str) -> str:
    return SETUP.format(venv=VENV, torch_index=TORCH_INDEX, wheel=shlex.quote(wheel), course=COURSE)


def _run(assignment: Assignment, hidden_visibility: str, output_format: str) -> str:
    return RUN.format(venv=VENV, course=COURSE, assignment=shlex.quote(assignment.name), visibility=hidden_visibility,
                      output_format=output_format, not_started=shlex.quote(json.dumps(NOT_STARTED)))


def _write_zip(path: Path, members: dict[str, tuple[bytes, int]]) -> None:
    """Zip `members` (name -> content, mode) with their modes, so run_autograder stays executable once unpacked."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in members.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16  # a regular file with this mode, as unzip reads it
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
