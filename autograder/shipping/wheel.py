"""Build the grader's wheel from its source, holding the public files of the chosen assignments and nothing else.

    the grader's checkout: pyproject.toml, setup.py, cli.py, autograder/   --copied, without caches-->  stage/
    <course>/assignments/<name>/ of each chosen assignment                 --copied------------------>  stage/assignments/
    stage/  --pip wheel (setuptools; setup.py puts assignments/ inside the package)-->  dl_autograder-<v>-py3-none-any.whl

Staging copies only what the wheel is built from, so whatever else lies beside the source (reference/, tests/,
.git, a build/ folder left by an earlier build) can never reach it, and the wheel holds exactly the assignments
named. pip builds with the setuptools already installed when there is one, so no network is needed.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.assignments import CHECKOUT, Assignment
from autograder.shipping import ShippingError

SOURCE_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "cli.py")
PACKAGE = "autograder"
# Caches, dotfiles, and a course an earlier in-place build may have left inside the package.
LEFT_OUT_PATTERNS = ("__pycache__", "*.pyc", ".*", "course")
LEFT_OUT = shutil.ignore_patterns(*LEFT_OUT_PATTERNS)
SHOWN_LINES = 15  # of pip's error output

NO_SOURCE = ("Building the grader's wheel needs its source: {folder} has no {missing}. Run `grade` from the "
             "course's checkout (installed with `pip install -e .`), where pyproject.toml and setup.py are.")
BUILD_FAILED = "pip could not build the grader's wheel (exit status {status}):\n{detail}"


def build_wheel(assignments: list[Assignment], out: Path) -> Path:
    """Build the grader's wheel, with the public files of `assignments` inside, into the folder `out`."""
    source = grader_source()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grade-wheel-") as stage:
        stage = Path(stage)
        for name in SOURCE_FILES:
            if (source / name).is_file():
                shutil.copy2(source / name, stage / name)
        shutil.copytree(source / PACKAGE, stage / PACKAGE, ignore=LEFT_OUT)
        for assignment in assignments:
            shutil.copytree(assignment.public_dir, stage / "assignments" / assignment.name, ignore=LEFT_OUT)
        _pip_wheel(stage, out)
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise ShippingError(BUILD_FAILED.format(status=0, detail=f"it left {len(wheels)} wheels in {out}"))
    return wheels[0]


def grader_source() -> Path:
    """The checkout the grader runs from, which holds what its wheel is built from."""
    missing = [name for name in ("pyproject.toml", "setup.py", "cli.py") if not (CHECKOUT / name).is_file()]
    if missing:
        raise ShippingError(NO_SOURCE.format(folder=CHECKOUT, missing=" or ".join(missing)))
    return CHECKOUT


def _pip_wheel(stage: Path, out: Path) -> None:
    """Run pip's wheel build on `stage`; with setuptools installed here it builds offline, else pip fetches it."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--quiet", "--wheel-dir",
               str(out), str(stage)]
    if importlib.util.find_spec("setuptools") is not None:
        command.insert(-1, "--no-build-isolation")
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    finished = subprocess.run(command, cwd=stage, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        detail = "\n".join((finished.stderr or finished.stdout).strip().splitlines()[-SHOWN_LINES:])
        raise ShippingError(BUILD_FAILED.format(status=finished.returncode, detail=detail))
