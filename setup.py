"""Build the grader with the public part of the course inside it, so that an installed `grade` finds its assignments.

    assignments/<name>/   (toml, stub, notebook twin, public tests)  -->  autograder/course/assignments/<name>/

Only `assignments/` is copied: a wheel never holds `reference/`, `tests/` or the git history, whoever builds it.
An editable install (`pip install -e .`) copies nothing: it reads the checkout itself, reference included.
Everything else about the package is in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

COURSE_SOURCE = Path(__file__).resolve().parent / "assignments"
COURSE_TARGET = ("autograder", "course", "assignments")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildWithCourse(build_py):
    """Copy the course's public files into the built package, beside the code."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False) or not COURSE_SOURCE.is_dir():
            return
        target = Path(self.build_lib, *COURSE_TARGET)
        shutil.rmtree(target, ignore_errors=True)  # a course built earlier may have had other assignments
        shutil.copytree(COURSE_SOURCE, target, ignore=LEFT_OUT)


setup(cmdclass={"build_py": BuildWithCourse})
