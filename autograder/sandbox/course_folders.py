"""The policy on the course's folders: which a child's view hides, and who else may read the secret ones.

Student code reads only Python, its packages and the grader's own package (layers.View). Hidden even where
one of those holds them: the course folders (the course graded and the installed one: assignments, tests,
notebooks that score full marks, reference solutions, the git history) and the current folder (a class's
submissions and feedback). As root, the folders holding secrets are also made unreadable to other users, so
a child dropped to a uid of its own cannot read them even where neither Landlock nor a mount namespace hides
them. Where these layers apply is drawn in autograder/sandbox/__init__.py.

start_sandbox() applies it to a new sandbox. It imports no torch, so that a grader can start its zygote first and
import torch while the zygote does.
"""
import contextlib
import os
import stat
from pathlib import Path

from autograder.assignments import course_root
from autograder.sandbox.control import Sandbox
from autograder.sandbox.zygote import import_libraries

SECRETS = ("reference",)  # in every course folder: the solutions and hidden suites
INSTALLED_SECRETS = (".git",)  # in the installed course only: its history holds every solution too
OTHERS = stat.S_IRWXG | stat.S_IRWXO
NOTEBOOK_LIBRARIES = ("matplotlib.pyplot",)  # imported by most notebooks, and slow to import


def start_sandbox(course: Path, fork: bool = False, scratch_root: Path | None = None,
                  notebook_libraries: bool = False) -> Sandbox:
    """Start a sandbox for grading in `course`: its zygote as early as possible, so that its `import torch` overlaps
    the grader's own (or, with `fork`, sharing this process's torch: call it then before any reference or hidden
    test is loaded).

    With `notebook_libraries` (a grader that grades many: a batch's worker, a cluster's, a notebook's kernel) the
    zygote imports what students' notebooks import besides torch, for every child to share: matplotlib.pyplot
    costs a child half a second otherwise. A forking grader imports them first, sharing its pages too (it draws
    with matplotlib anyway).

    The course folders (`course` and the installed one) and the current folder are hidden from student code.
    """
    libraries = NOTEBOOK_LIBRARIES if notebook_libraries else ()
    if fork and libraries:
        import_libraries(libraries)
    return Sandbox(hidden=hidden_folders(course, course_root()), fork=fork, scratch_root=scratch_root,
                   libraries=libraries)


def hidden_folders(course: Path, installed: Path) -> list[Path]:
    """Keep the secret folders of `course` and the `installed` course from other users; return every folder a
    child's view must hide."""
    secrets = {*(course / name for name in SECRETS), *(installed / name for name in (*SECRETS, *INSTALLED_SECRETS))}
    for folder in secrets:
        keep_from_others(folder)
    folders = {*secrets, *(folder for folder in (course, installed) if (folder / "assignments").is_dir())}
    with contextlib.suppress(OSError):  # a current folder that was deleted hides nothing
        folders.add(Path.cwd())
    return sorted({folder.resolve() for folder in folders if folder.is_dir()})


def keep_from_others(folder: Path) -> None:
    """As root, take a folder's group and other permissions away: only a root grader drops children to other uids."""
    if os.geteuid() != 0 or not folder.is_dir():
        return
    mode = folder.stat().st_mode
    if mode & OTHERS:
        folder.chmod(mode & ~OTHERS)
