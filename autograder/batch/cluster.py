"""Grade a class on a Dask cluster (`grade batch ... --cluster ADDRESS`): many machines, no shared filesystem.

    coordinator (this process)                          each Dask worker process
    --------------------------                          ------------------------
    the course's files, once, scattered to every worker  --> written to a private folder, once
    per student: (file name, bytes) --------------------> its own grader: a zygote started as a fresh
                                                           interpreter (never a fork of the threaded worker),
                                                           the suite collected once
    store(out, entry, report) <-- report as plain data --- grade(): the same code as a local batch
        writes the files       <-- its feedback files ---- rendered here, plots drawn: this grows with the workers

Only bytes and plain data travel, so workers need neither the submissions' folder nor the output folder: the
coordinator writes every student's files itself, with the same atomic, resumable code as a local batch (grade.json
last), so --resume works across local and cluster runs alike and the grades are the same. At most a few futures
per worker thread are in flight, each holding one submission's bytes: a class of 100 000 streams through.
"""
import atexit
import dataclasses
import functools
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

from autograder.assignments import Assignment, GradingError, load_assignment
from autograder.batch.discover import BatchInputError, Entry
from autograder.feedback import GRADER_FAULT
from autograder.plotdata import PLOTS_FAILING
from autograder.report import ERROR, Report

IN_FLIGHT_PER_THREAD = 3  # tasks queued per worker thread: enough that no worker waits for the coordinator
MIN_IN_FLIGHT = 8  # while an adaptive cluster has no worker yet
CONNECT_SECONDS = 30
NO_DASK = ("--cluster needs dask.distributed, which is not installed here: pip install 'dl-autograder[cluster]' "
           "(and the same on the cluster's workers).")
NO_SCHEDULER = "Could not reach the Dask scheduler at {address}: {error}"


@dataclasses.dataclass(frozen=True)
class CourseFiles:
    """One assignment's files (public and hidden tests, reference solution), as bytes by path in the course."""
    assignment: str
    fingerprint: str
    files: tuple[tuple[str, bytes], ...]


def grade_on_cluster(address: str, assignment: Assignment, entries: list[Entry], out: Path, fingerprint: str,
                     store, on_done=None, timeout: float | None = None, plots: str = PLOTS_FAILING) -> None:
    """Grade `entries` on the Dask cluster at `address` (a scheduler address or a scheduler file), storing each
    report into `out` with `store(out, entry, fingerprint, report, files)` as it arrives (`files`: the feedback
    files a worker rendered, or None); call `on_done(outcome)`."""
    client = connect(address)
    stream = _Stream(client, assignment, fingerprint,
                     lambda entry, report, files: store(out, entry, fingerprint, report, files), on_done, timeout,
                     plots)
    try:
        stream.run(entries)
    finally:
        stream.cancel()  # stopped by a signal or a broken suite: nothing more is graded for this batch
        client.close()


class _Stream:
    """A bounded number of students in flight on the cluster, each stored as its report arrives."""

    def __init__(self, client, assignment: Assignment, fingerprint: str, store, on_done, timeout: float | None,
                 plots: str):
        from autograder.grading import list_tests

        self.client, self.assignment, self.fingerprint = client, assignment, fingerprint
        self.store, self.on_done, self.timeout, self.plots = store, on_done, timeout, plots
        self.listing = functools.cache(lambda: list_tests(assignment))  # for reports written here: collected once
        self.futures: dict = {}

    def run(self, entries: list[Entry]) -> None:
        """Send the course's files to every worker once, then keep `limit` students in flight until all are done."""
        from distributed import as_completed

        self.course = self.client.scatter(course_files(self.assignment, self.fingerprint), broadcast=True)
        limit = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * sum(self.client.nthreads().values()))
        self.waiting, self.running = iter(entries), as_completed()
        while len(self.futures) < limit and self._submit_next():
            pass
        for future in self.running:
            entry = self.futures.pop(future)
            self._finished(entry, *_graded(future, self.assignment, entry, self.listing))
            self._submit_next()

    def cancel(self) -> None:
        if self.futures:
            self.client.cancel(list(self.futures))

    def _submit_next(self) -> bool:
        """Submit the next student with a file (storing those without one on the way); False when none is left."""
        for entry in self.waiting:
            if entry.path is None:  # nothing to grade: said here, as a local batch says it
                self._finished(entry, _problem_report(self.assignment, entry, self.listing), None)
                continue
            future = self.client.submit(grade_bytes, self.course, entry.path.name, entry.path.read_bytes(),
                                        self.timeout, self.plots, key=f"grade-{uuid.uuid4().hex}", pure=False)
            self.futures[future] = entry
            self.running.add(future)
            return True
        return False

    def _finished(self, entry: Entry, report: Report, files: dict[str, str] | None) -> None:
        from autograder.batch.engine import Outcome

        self.store(entry, report, files)
        if self.on_done:
            self.on_done(Outcome(entry.student, report.score, report.max_score, skipped=False))


def connect(address: str):
    """A Dask client for the scheduler at `address`, or for the one a scheduler file (dask-jobqueue, `dask
    scheduler --scheduler-file`) names; BatchInputError when dask is missing or nobody answers."""
    try:
        from distributed import Client
    except ImportError:
        raise BatchInputError(NO_DASK) from None
    scheduler_file = Path(address).is_file()
    try:
        return (Client(scheduler_file=address, timeout=CONNECT_SECONDS) if scheduler_file
                else Client(address, timeout=CONNECT_SECONDS))
    except (OSError, TimeoutError, ValueError) as error:
        raise BatchInputError(NO_SCHEDULER.format(address=address, error=error)) from None


def course_files(assignment: Assignment, fingerprint: str) -> CourseFiles:
    """The files a worker needs to grade `assignment` as this machine would: its public folder and reference."""
    course = assignment.course
    files = [(str(path.relative_to(course)), path.read_bytes())
             for folder in (assignment.public_dir, assignment.reference_dir) if folder.is_dir()
             for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts]
    return CourseFiles(assignment.name, fingerprint, tuple(files))


# ---------------------------------------------------------------------------------------------- worker side

_graders: dict[str, "_Grader"] = {}
_one_at_a_time = threading.Lock()  # a grader and its zygote serve one submission at a time


@dataclasses.dataclass
class _Grader:
    folder: Path  # private: the course's files and the submission being graded
    assignment: Assignment
    sandbox: object
    suite: object


def grade_bytes(course: CourseFiles, filename: str, data: bytes, timeout: float | None,
                plots: str = PLOTS_FAILING) -> dict:
    """Grade one submission, given as its file name and bytes, on this worker; return the report as plain data and
    its feedback files, rendered."""
    from autograder.exporters.feedback_folder import feedback_files
    from autograder.grading import grade

    if Path(filename).name != filename or filename in ("", ".", ".."):
        raise ValueError(f"not a plain file name: {filename!r}")
    with _one_at_a_time:
        grader = _graders.get(course.fingerprint) or _start_grader(course)
        folder = Path(tempfile.mkdtemp(dir=grader.folder))
        try:
            path = folder / filename
            path.write_bytes(data)
            report = grade(grader.assignment, path, sandbox=grader.sandbox, suite=grader.suite, timeout=timeout,
                           plots=plots)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return {"report": report.to_dict(), "files": feedback_files(report)}


def _start_grader(course: CourseFiles) -> _Grader:
    """Write the course's files to a private folder, start a zygote from a fresh interpreter, collect the suite."""
    from autograder.grading import TestSuite
    from autograder.sandbox.course_folders import start_sandbox

    folder = Path(tempfile.mkdtemp(prefix="grade-course-"))  # mode 0700: this worker's alone
    for relative, data in course.files:
        target = folder / relative
        if not target.resolve().is_relative_to(folder.resolve()):
            raise GradingError(f"a course file outside the course: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assignment = load_assignment(course.assignment, folder)
    sandbox = start_sandbox(folder, fork=False, notebook_libraries=True)
    grader = _Grader(folder, assignment, sandbox, None)
    atexit.register(_stop_grader, grader)
    grader.suite = TestSuite(assignment)  # a broken suite raises GradingError: the coordinator stops the batch
    _graders[course.fingerprint] = grader
    return grader


def _stop_grader(grader: _Grader) -> None:
    grader.sandbox.close()
    shutil.rmtree(grader.folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- helpers

def _graded(future, assignment: Assignment, entry: Entry, listing) -> tuple[Report, dict[str, str] | None]:
    """The report a finished task brought back and its feedback files, or every test at 0 as a grading error (its
    files yet to render) when the task failed."""
    if future.status == "finished":
        graded = future.result()
        return Report.from_dict(graded["report"]), graded["files"]
    error = future.exception()
    if isinstance(error, GradingError):  # the suite itself is broken: no student can be graded
        raise error
    text = GRADER_FAULT.format(error=f"{type(error).__name__} on a cluster worker: {error}")
    return Report.ungraded(assignment.name, assignment.title, entry.origin, listing(), text, ERROR), None


def _problem_report(assignment: Assignment, entry: Entry, listing) -> Report:
    """Every test at 0 with the reason no submission could be graded, as a local batch writes it."""
    started = time.monotonic()
    report = Report.ungraded(assignment.name, assignment.title, entry.origin, listing(), entry.problem)
    return dataclasses.replace(report, duration=time.monotonic() - started)
