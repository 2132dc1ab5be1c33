"""Grade submissions: load each, run the public and hidden tests on it, report.

    test files --pytest collects once--> TestSuite (named, parametrized test functions)
    submission file --load_submission--> chunks --StudentCode--> sandboxed child
    TestSuite.run(student): each test calls `student.*` (remote) and `reference.*` (local)
        --> one TestResult per test --> Report

pytest collects the suites (parametrize, markers, assertion rewriting) once per
process; each test is then called directly with the `student` and `reference`
fixtures, which is all a grading test may ask for. A batch worker grading
hundreds of submissions so pays pytest's start-up once. Tests run in the grading
process because they and the reference are trusted; only `student` reaches into
the sandbox.
"""
import dataclasses
import inspect
import os
import string
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import policy
from autograder.assignments import Assignment, GradingError
from autograder.checks.plots import PLOTS_FILE, declarations, draw
from autograder.feedback import GRADER_FAULT, StudentFault, describe
from autograder.plotdata import PLOTS_ALL, PLOTS_NONE, Plot, load_matplotlib
from autograder.report import ERROR, FAILED, PASSED, Report, TestResult
from autograder.sandbox.control import Sandbox, SandboxError
from autograder.sandbox.course_folders import start_sandbox
from autograder.sandbox.faults import DEFAULT_BUDGET
from autograder.sandbox.remote import StudentCode
from autograder.submission import load_submission

FIXTURES = ("student", "reference")
NOT_RUN_BROKEN_RULE = "Not run: {function} breaks a rule of this assignment, as test {number} says."
MORE_VIOLATIONS = " ({count} more like it.)"
OWN_WORK_MISTAKE = "handed its work to the library routine it re-implements"
RULE_MISTAKE = "broke a rule of graded code ({rule})"
PROPERTY_WITHHELD = ("Not counted yet: this holds, but code that does nothing passes it too, so it counts once "
                     "{function} passes one of the tests of what it computes.")
UNNAMED_TEST = "{test} has no @graded(name, points) marker"
UNKNOWN_FIXTURE = "{test} asks for fixture {name!r}; grading tests may only use {fixtures}"
# pytest plugins collection has no use for.
UNUSED_PLUGINS = [argument for plugin in ("cacheprovider", "terminal", "unraisableexception", "threadexception",
                                          "faulthandler", "logging", "junitxml", "pastebin", "stepwise", "doctest")
                  for argument in ("-p", f"no:{plugin}")]


def grade(assignment: Assignment, submission_path: Path, *, sandbox: Sandbox | None = None,
          suite: "TestSuite | None" = None, include_hidden: bool = True, timeout: float | None = None,
          budget: float = DEFAULT_BUDGET, source_policy: bool = True, plots: str = PLOTS_NONE) -> Report:
    """Grade `submission_path` against the public tests and, when the reference is here, the hidden ones.

    A batch passes its own `sandbox` and `suite`, so neither is started again for every student. `timeout` bounds
    each call into the submission, `budget` all its time in the sandbox (spawning, loading, calls) together. With
    `source_policy` False every test runs even where the policy would refuse the code: the project's tests use
    it to attack the sandbox with code the policy stops first. `plots` (plotdata.PLOT_CHOICES) says whose plots
    the report carries for feedback.html: the failing functions', all, or none.
    """
    started = time.monotonic()
    _single_threaded_torch()
    own_sandbox = sandbox is None
    sandbox = sandbox or start_sandbox(assignment.course)
    try:
        suite = suite or TestSuite(assignment, include_hidden)
        if plots != PLOTS_NONE:
            suite.plot_declarations  # noqa: B018 -- a broken plots.py stops grading before any student code runs
            _load_matplotlib_meanwhile()
        submission = load_submission(submission_path, graded=assignment.functions)
        violations = policy.check(submission.chunks, assignment.functions, assignment.banned) if source_policy else []
        student = StudentCode(sandbox, submission, assignment.module, banned=assignment.banned,
                              timeout=timeout or assignment.timeout, budget=budget,
                              delegating={name for violation in violations if violation.rule == policy.OWN_WORK
                                          for name in violation.charged})
        results = suite.run(student, violations)
        charged = {name for violation in violations for name in violation.charged}
        drawn = suite.plots(student, results, plots, charged)
        student.close()
        notes = list(submission.notes) + list(student.notes) + list(sandbox.notes)
    except SandboxError as error:
        raise GradingError(f"the sandbox failed: {error}") from None
    finally:
        if own_sandbox:
            sandbox.close()
    hidden_not_run = (0, 0.0) if suite.run_hidden else (assignment.hidden_tests, assignment.hidden_points)
    return Report(assignment=assignment.name, title=assignment.title, submission=submission_path.name,
                  results=tuple(results), notes=tuple(notes), layers=tuple(student.layers),
                  duration=time.monotonic() - started, hidden_not_run=hidden_not_run, plots=drawn)


def list_tests(assignment: Assignment) -> list[TestResult]:
    """Every test of the assignment that is here (public, and hidden when the reference is), without running any."""
    return TestSuite(assignment).listing()


@dataclass(frozen=True)
class _Test:
    name: str
    points: float
    hidden: bool
    function: object      # the test function
    arguments: dict       # parametrized values, by name
    fixtures: tuple       # which of FIXTURES it takes
    problem: str | None   # why this test cannot run: a grader error, shown as such
    core: bool = True     # checks what the function computes; False: a property that doing nothing has too


class TestSuite:
    """An assignment's tests, collected once by pytest and then run against any number of submissions."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, assignment: Assignment, include_hidden: bool = True):
        self.assignment = assignment
        self.run_hidden = include_hidden and assignment.has_reference
        files = assignment.public_tests + (assignment.hidden_test_files if self.run_hidden else [])
        collector = _Collector(assignment.reference_dir)
        arguments = [*map(str, files), *UNUSED_PLUGINS, "-c", os.devnull, "--rootdir", str(assignment.course),
                     "--import-mode=importlib", "-W", "ignore::pytest.PytestWarning", "--collect-only"]
        sys.dont_write_bytecode = True  # keep reference/ free of __pycache__ a later run could be fooled by
        exit_code = pytest.main(arguments, plugins=[collector])
        if collector.errors or exit_code != pytest.ExitCode.OK:
            details = "\n".join(collector.errors) or f"pytest exited with {exit_code!r}"
            raise GradingError(f"the tests in {', '.join(map(str, files))} could not be collected:\n{details}")
        order = {name: index for index, name in enumerate(assignment.functions)}
        self.tests = sorted(collector.tests, key=lambda t: (order.get(t.name.split(":")[0], len(order)), t.hidden))
        self._reference = None
        self._plot_declarations = None

    def listing(self) -> list[TestResult]:
        """The tests as results not yet earned, in report order."""
        return [TestResult(t.name, 0.0, t.points, FAILED, "", t.hidden, number)
                for number, t in enumerate(self.tests, start=1)]

    def run(self, student: StudentCode, violations=()) -> list[TestResult]:
        """Run every test on `student`; one result per test, in report order.

        The tests of a function the source policy charges (`violations`) are not run: the first says why, once.
        """
        fixtures = {"student": student, "reference": self.reference}
        refused, told = _refusals(violations), {}
        results = []
        for number, test in enumerate(self.tests, start=1):
            function = test.name.split(":")[0]
            if function in refused:
                sentence, mistake = refused[function]
                feedback = (NOT_RUN_BROKEN_RULE.format(function=function, number=told[function])
                            if function in told else sentence)
                told.setdefault(function, number)
                results.append(TestResult(test.name, 0.0, test.points, FAILED, feedback, test.hidden, number, mistake))
                continue
            status, feedback, mistake = _outcome(test, fixtures)
            results.append(TestResult(test.name, test.points if status == PASSED else 0.0, test.points, status,
                                      feedback, test.hidden, number, mistake))
        return self._withhold_idle_properties(results)

    def _withhold_idle_properties(self, results: list[TestResult]) -> list[TestResult]:
        """Fail the passing property tests of each function whose core tests all fail, so doing nothing earns
        nothing; a function with one core test passing keeps them, so one mistake still costs one charge."""
        judged = {test.name.split(":")[0] for test in self.tests if test.core}
        working = {result.function for result, test in zip(results, self.tests)
                   if test.core and result.status == PASSED}
        return [dataclasses.replace(result, score=0.0, status=FAILED,
                                    feedback=PROPERTY_WITHHELD.format(function=result.function))
                if not test.core and result.status == PASSED and result.function in judged - working else result
                for result, test in zip(results, self.tests)]

    def plots(self, student: StudentCode, results: list[TestResult], which: str, charged=()) -> tuple[Plot, ...]:
        """Draw the plots explaining `results`: every declaration of a function with a failing test (of every
        function with `which` PLOTS_ALL), run after all the tests, so that a plot can never change a score.

        None for a submission that did not load, for a function it does not define, nor for a function the source
        policy `charged` (its tests did not run, and its code hands its work to the library).
        """
        if which == PLOTS_NONE or student.load_failure:
            return ()
        failing = {result.function.split(".")[0] for result in results if result.status != PASSED}
        drawn = []
        for declaration in self.plot_declarations:
            for function in declaration.functions:
                if (function in student.names and function not in charged
                        and (which == PLOTS_ALL or function in failing)):
                    drawn += draw(declaration, function, student, self.reference)
        return tuple(drawn)

    @property
    def plot_declarations(self) -> list:
        """The assignment's plot declarations (assignments/<name>/plots.py), imported when first needed."""
        if self._plot_declarations is None:
            path = self.assignment.public_dir / PLOTS_FILE
            try:
                self._plot_declarations = declarations(path, self.assignment.functions) if path.is_file() else []
            except Exception as error:  # the course's own file is broken: its author must hear of it
                raise GradingError(f"the plots in {path} could not be loaded: {type(error).__name__}: {error}") \
                    from None
        return self._plot_declarations

    @property
    def reference(self):
        """The reference solution, imported in this process when first needed."""
        if self._reference is None and self.run_hidden:
            self._reference = self.assignment.load_reference()
        return self._reference


class _Collector:
    """A pytest plugin that keeps what grading needs of each collected test."""

    def __init__(self, hidden_root: Path):
        self.hidden_root = hidden_root.resolve()
        self.tests: list[_Test] = []
        self.errors: list[str] = []

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "graded(name, points): how students read this test, and its points")

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext}")

    def pytest_collection_modifyitems(self, items):
        self.tests = [self._test(item) for item in items]

    def _test(self, item) -> _Test:
        marker = item.get_closest_marker("graded")
        arguments = dict(item.callspec.params) if hasattr(item, "callspec") else {}
        wanted = [name for name in inspect.signature(item.obj).parameters if name not in arguments]
        unknown = [name for name in wanted if name not in FIXTURES]
        problem = (UNNAMED_TEST.format(test=item.nodeid) if marker is None else
                   UNKNOWN_FIXTURE.format(test=item.nodeid, name=unknown[0], fixtures=" and ".join(FIXTURES))
                   if unknown else None)
        return _Test(name=_table_row_name(marker.kwargs.get("name", item.name), arguments) if marker else item.name,
                     points=float(marker.kwargs.get("points", 1)) if marker else 0.0,
                     core=bool(marker.kwargs.get("core", True)) if marker else True,
                     hidden=Path(str(item.path)).resolve().is_relative_to(self.hidden_root),
                     function=item.obj, arguments=arguments, fixtures=tuple(wanted), problem=problem)


def _table_row_name(name: str, arguments: dict) -> str:
    """A parametrized test's name with its row's values in place: "double: matches the reference for x = {x}"."""
    fields = {field for _, field, _, _ in string.Formatter().parse(name) if field}
    if not fields or not fields <= set(arguments):
        return name
    return name.format(**{field: describe(arguments[field]) for field in fields})


def _refusals(violations) -> dict[str, tuple[str, str]]:
    """Map each charged function to the sentence its first test shows (its first violation, and how many more) and
    the mistake name a class summary counts."""
    charged: dict[str, list] = {}
    for violation in violations:
        for function in violation.charged:
            charged.setdefault(function, []).append(violation)
    refusals = {}
    for function, found in charged.items():
        first = found[0]
        sentence = first.sentence + (MORE_VIOLATIONS.format(count=len(found) - 1) if len(found) > 1 else "")
        mistake = OWN_WORK_MISTAKE if first.rule == policy.OWN_WORK else RULE_MISTAKE.format(rule=first.rule)
        refusals[function] = (sentence, mistake)
    return refusals


def _outcome(test: _Test, fixtures: dict) -> tuple[str, str, str | None]:
    """Run one test and sort its outcome by whose fault it is: none, the student's, or the grader's."""
    if test.problem:
        return ERROR, GRADER_FAULT.format(error=test.problem), None
    try:
        test.function(**test.arguments, **{name: fixtures[name] for name in test.fixtures})
    except StudentFault as fault:
        return FAILED, str(fault), fault.mistake
    except (AssertionError, pytest.fail.Exception) as failure:
        return FAILED, str(failure) or "A check of this test failed.", None
    except (Exception, pytest.skip.Exception) as error:  # anything else is the grader's own bug
        return ERROR, GRADER_FAULT.format(error=f"{type(error).__name__}: {error}"), None
    return PASSED, "", None


def _load_matplotlib_meanwhile() -> None:
    """Import matplotlib for the plots in a thread, while the tests wait on the sandbox, rather than after them;
    only the first grading of a process pays the import."""
    if "matplotlib.backends.backend_agg" not in sys.modules:
        threading.Thread(target=load_matplotlib, daemon=True).start()


def _single_threaded_torch() -> None:
    """Keep the grader's torch on one thread: the checks' tensors are small, and on a busy machine (a batch runs
    a grader per core) every parallel op would wait for a descheduled second thread."""
    import torch

    torch.set_num_threads(1)
