"""Grade one submission: load it, run the public and hidden tests under pytest, report.

    submission file --load_submission--> chunks --StudentCode--> sandboxed child
    test files --pytest (in this process)--> checks call `student.*` (remote) and
    `reference.*` (local) --> one TestResult per test --> Report

pytest runs in the grading process because the tests and the reference are
trusted; only the `student` fixture reaches into the sandbox.
"""
import dataclasses
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from autograder.assignments import Assignment, course_root
from autograder.feedback import StudentFault
from autograder.report import ERROR, FAILED, PASSED, Report, TestResult
from autograder.sandbox.remote import Sandbox, SandboxError, StudentCode
from autograder.submission import load_submission

INTERNAL_ERROR = ("Internal grading error in this test, not a fault of your code; please tell your instructor: "
                  "{error}")
UNNAMED_TEST = "test {name} has no @graded(...) name"
# pytest plugins grading has no use for; unraisableexception alone costs 0.17 s of gc.collect() per run.
UNUSED_PLUGINS = [argument for plugin in ("cacheprovider", "terminal", "unraisableexception", "threadexception",
                                          "faulthandler", "logging", "junitxml", "pastebin", "stepwise", "doctest")
                  for argument in ("-p", f"no:{plugin}")]


class GradingError(Exception):
    """The grader itself could not grade (a broken hidden suite, a sandbox that did not start)."""


def start_sandbox(course: Path) -> Sandbox:
    """Start the zygote early, so its `import torch` overlaps the grader's own start-up.

    Hidden from student code: the reference folders of `course` and of the installed course, and the
    installed course's git history, which holds every solution ever committed.
    """
    secrets = {course / "reference", course_root() / "reference", course_root() / ".git"}
    hidden = sorted({folder.resolve() for folder in secrets if folder.is_dir()})
    for folder in hidden:
        _keep_from_others(folder)
    return Sandbox(hidden=hidden)


def grade(assignment: Assignment, submission_path: Path, *, sandbox: Sandbox | None = None,
          include_hidden: bool = True, timeout: float | None = None) -> Report:
    """Grade `submission_path` against the public tests and, when the reference is here, the hidden ones."""
    started = time.monotonic()
    _single_threaded_torch()
    own_sandbox = sandbox is None
    sandbox = sandbox or start_sandbox(assignment.course)
    try:
        submission = load_submission(submission_path)
        student = StudentCode(sandbox, submission, assignment.module, banned=assignment.banned,
                              timeout=timeout or assignment.timeout)
        run_hidden = include_hidden and assignment.has_reference
        reference = assignment.load_reference() if run_hidden else None
        files = assignment.public_tests + (assignment.hidden_test_files if run_hidden else [])
        results = run_tests(files, assignment, student, reference)
        student.close()
        notes = list(submission.notes) + list(student.notes) + list(sandbox.notes)
    except SandboxError as error:
        raise GradingError(f"the sandbox failed: {error}") from None
    finally:
        if own_sandbox:
            sandbox.close()
    hidden_not_run = (0, 0.0) if run_hidden else (assignment.hidden_tests, assignment.hidden_points)
    return Report(assignment=assignment.name, title=assignment.title, submission=str(submission_path),
                  results=tuple(results), notes=tuple(notes), layers=tuple(student.layers),
                  duration=time.monotonic() - started, hidden_not_run=hidden_not_run)


def run_tests(files: list[Path], assignment: Assignment, student: StudentCode, reference) -> list[TestResult]:
    """Run test files under pytest with the `student` and `reference` fixtures; one result per test."""
    return _ranked(assignment, _run_pytest(files, assignment, student, reference).results)


def list_tests(assignment: Assignment) -> list[TestResult]:
    """Every test of the assignment that is here (public, and hidden when the reference is), without running any."""
    files = assignment.public_tests + assignment.hidden_test_files
    return _ranked(assignment, _run_pytest(files, assignment, None, None, "--collect-only").collected)


def _ranked(assignment: Assignment, results: list[TestResult]) -> list[TestResult]:
    """Order results as students read them, by function, public before hidden, and number them from 1."""
    order = {name: index for index, name in enumerate(assignment.functions)}
    ranked = sorted(results, key=lambda r: (order.get(r.function, len(order)), r.hidden, r.number))
    return [dataclasses.replace(result, number=number) for number, result in enumerate(ranked, start=1)]


def _run_pytest(files: list[Path], assignment: Assignment, student, reference, *extra: str) -> "_GradingPlugin":
    plugin = _GradingPlugin(student, reference, hidden_root=assignment.reference_dir)
    arguments = [str(f) for f in files] + [*UNUSED_PLUGINS, "-c", os.devnull, "--rootdir", str(assignment.course),
                                           "--import-mode=importlib", "-W", "ignore::pytest.PytestWarning", *extra]
    sys.dont_write_bytecode = True  # keep reference/ free of __pycache__ a later run could be fooled by
    exit_code = pytest.main(arguments, plugins=[plugin])
    if plugin.collection_errors or exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        details = "\n".join(plugin.collection_errors) or f"pytest exited with {exit_code!r}"
        raise GradingError(f"the tests in {', '.join(map(str, files))} could not run:\n{details}")
    return plugin


class _GradingPlugin:
    """Hands the fixtures to the tests and turns each outcome into a TestResult."""

    def __init__(self, student: StudentCode, reference, hidden_root: Path):
        self._student, self._reference, self.hidden_root = student, reference, hidden_root.resolve()
        self.results: list[TestResult] = []
        self.collected: list[TestResult] = []
        self.collection_errors: list[str] = []

    @pytest.fixture(scope="session")
    def student(self):
        return self._student

    @pytest.fixture(scope="session")
    def reference(self):
        return self._reference

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "graded(name, points): how students read this test, and its points")

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, items):
        self.collected = [self._result(item, None, number) for number, item in enumerate(items)]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome and answer with a bare report: pytest's own would format a traceback (35 ms) for
        every failure, and no one reads it."""
        failed = call.excinfo is not None
        if call.when == "call" or (call.when == "setup" and failed):
            self.results.append(self._result(item, call.excinfo, len(self.results)))
        skipped = failed and call.excinfo.errisinstance(pytest.skip.Exception)
        longrepr = None
        if failed:
            message = str(call.excinfo.value)[:1000]
            longrepr = (str(item.path), item.location[1] or 0, message) if skipped else message
        return pytest.TestReport(item.nodeid, item.location, {}, "skipped" if skipped else (
            "failed" if failed else "passed"), longrepr, call.when, duration=call.duration, start=call.start,
            stop=call.stop)

    def _result(self, item, excinfo, number: int) -> TestResult:
        marker = item.get_closest_marker("graded")
        name = marker.kwargs.get("name") if marker else item.name
        points = float(marker.kwargs.get("points", 1)) if marker else 0.0
        hidden = Path(str(item.path)).resolve().is_relative_to(self.hidden_root)
        status, feedback = _outcome(excinfo, marker is not None, item.name)
        score = points if status == PASSED else 0.0
        mistake = getattr(excinfo.value, "mistake", None) if excinfo else None
        return TestResult(name, score, points, status, feedback, hidden, number, mistake)


def _outcome(excinfo, named: bool, test_name: str) -> tuple[str, str]:
    """Sort an outcome by whose fault it is: none, the student's, or the grader's."""
    if not named:
        return ERROR, INTERNAL_ERROR.format(error=UNNAMED_TEST.format(name=test_name))
    if excinfo is None:
        return PASSED, ""
    error = excinfo.value
    if isinstance(error, StudentFault):
        return FAILED, str(error)
    if isinstance(error, AssertionError):
        return FAILED, str(error) or "A check of this test failed."
    return ERROR, INTERNAL_ERROR.format(error=f"{type(error).__name__}: {error}")


def _single_threaded_torch() -> None:
    """Keep the grader's torch on one thread: the checks' tensors are small, and on a busy machine (a batch runs
    a grader per core) every parallel op would wait for a descheduled second thread."""
    import torch

    torch.set_num_threads(1)


def _keep_from_others(folder: Path) -> None:
    """As root, make the instructor's folder unreadable to other users, so a child dropped to one cannot read it."""
    if os.geteuid() != 0 or not folder.is_dir():
        return
    mode = folder.stat().st_mode
    if mode & (stat.S_IRWXO | stat.S_IRWXG):
        folder.chmod(mode & ~(stat.S_IRWXO | stat.S_IRWXG))
