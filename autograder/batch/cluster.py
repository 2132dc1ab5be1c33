"""Grade a class on a Dask cluster (`grade batch ... --cluster ADDRESS`): many machines, no shared filesystem.

    coordinator (this process)                          each Dask worker process (relays only)
    --------------------------                          --------------------------------------
    the course's files, once, scattered to every worker  --> written to a private folder, once, where it starts
                                                             its grader process: a fresh interpreter with one
                                                             thread and the grader's environment, which forks
                                                             its zygote and collects the suite, as a local
                                                             batch's worker does
    per student: (file name, bytes) --------------------> relayed to the grader: grade(), the same code as a
                                                           local batch
        store(out, entry, report) <-- report as plain data --
        writes the files          <-- its feedback files ---- rendered by the grader, plots drawn: this grows
                                                              with the workers

Only bytes and plain data travel, so workers need neither the submissions' folder nor the output folder: the
coordinator writes every student's files itself, with the same atomic, resumable code as a local batch (grade.json
last), so --resume works across local and cluster runs alike and the grades are the same. At most a few futures
per worker thread are in flight, each holding one submission's bytes: a class of 100 000 streams through. Grading
outside the Dask worker keeps its threads (event loop, heartbeats, memory monitor) off the grader's interpreter
lock, and spares the worker an import of torch.
"""
import atexit
import dataclasses
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path

from autograder.assignments import Assignment, GradingError
from autograder.batch.discover import BatchInputError, Entry
from autograder.batch.engine import REACHABLE, Outcome, grade_in_worker, start_worker, stop_worker
from autograder.feedback import GRADER_FAULT
from autograder.plotdata import PLOTS_FAILING
from autograder.report import ERROR, Report
from autograder.sandbox.control import fresh_environment, fresh_python

IN_FLIGHT_PER_THREAD = 3  # tasks queued per worker thread: enough that no worker waits for the coordinator
MIN_IN_FLIGHT = 8  # while an adaptive cluster has no worker yet
CONNECT_SECONDS = 30
STOP_SECONDS = 10  # for a grader process to stop its zygote and exit
GRADER_LOST = "the grader process ended twice while grading this submission (exit status {status})"
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
        self.client, self.assignment, self.fingerprint = client, assignment, fingerprint
        self.store, self.on_done, self.timeout, self.plots = store, on_done, timeout, plots
        self.listing = functools.cache(self._listing)  # for reports written here: collected once, if ever
        self.futures: dict = {}

    def _listing(self):
        from autograder.grading import list_tests  # imports torch: only a student with no file needs it here

        return list_tests(self.assignment)

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

_graders: dict[tuple, "_Grader"] = {}  # by (course fingerprint, timeout, plots), the last used last
KEPT_GRADERS = 2  # per worker: a grader and its zygote hold ~350 MiB; a cluster may serve batch after batch
_one_at_a_time = threading.Lock()  # a grader serves one submission at a time


def grade_bytes(course: CourseFiles, filename: str, data: bytes, timeout: float | None,
                plots: str = PLOTS_FAILING) -> dict:
    """Grade one submission, given as its file name and bytes, on this worker; return the report as plain data and
    its feedback files, rendered.

    This Dask worker only relays: its grader process grades. A grader that dies (never the student's doing: their
    code runs in its sandbox) is started again once for the same submission, as a local batch does.
    """
    if Path(filename).name != filename or filename in ("", ".", ".."):
        raise ValueError(f"not a plain file name: {filename!r}")
    key = (course.fingerprint, timeout, plots)
    with _one_at_a_time:
        for attempt in (1, 2):
            grader = _graders.pop(key, None) or _start_grader(course, timeout, plots)
            _graders[key] = grader
            try:
                answer = grader.grade(filename, data)
                break
            except (EOFError, OSError):
                _stop_grader(key)
                if attempt == 2:
                    raise GraderFailed(GRADER_LOST.format(status=grader.process.returncode)) from None
    if "broken" in answer:  # the suite itself is broken: the coordinator stops the batch
        raise GradingError(answer["broken"])
    if "failed" in answer:
        raise GraderFailed(answer["failed"])
    return answer


class GraderFailed(Exception):
    """A cluster worker's grader could not grade one submission: its own bug, or its process died twice."""


@dataclasses.dataclass
class _Grader:
    folder: Path  # this worker's own: the course's files, the sandbox's scratch and the submission being graded
    process: subprocess.Popen
    connection: Connection

    def grade(self, filename: str, data: bytes) -> dict:
        self.connection.send_bytes(filename.encode())
        self.connection.send_bytes(data)
        return json.loads(self.connection.recv_bytes())


def _start_grader(course: CourseFiles, timeout: float | None, plots: str) -> _Grader:
    """Write the course's files to a folder of this worker's own and start a grader process in it, first stopping
    the least recently used graders beyond KEPT_GRADERS.

    A fresh interpreter with one thread and the grader's environment alone, it forks its zygote, so that both share
    one import of torch, as a local batch's worker does: this multi-threaded worker never forks, and its own
    environment (a cluster's credentials) never reaches a child.
    """
    for oldest in list(_graders)[:len(_graders) + 1 - KEPT_GRADERS]:
        _stop_grader(oldest)
    folder = Path(tempfile.mkdtemp(prefix="grade-course-"))
    for relative, data in course.files:
        target = folder / relative
        if not target.resolve().is_relative_to(folder.resolve()):
            raise GradingError(f"a course file outside the course: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    folder.chmod(REACHABLE)  # the sandbox's scratch is made here; hidden_folders() keeps reference/ from others
    ours, theirs = socket.socketpair()
    process = subprocess.Popen(
        [sys.executable, *fresh_python("autograder.batch.cluster", "serve_grader"), str(theirs.fileno()),
         str(os.getpid()), course.assignment, "" if timeout is None else repr(timeout), plots],
        pass_fds=[theirs.fileno()], env=fresh_environment(), stdin=subprocess.DEVNULL, cwd=folder)
    theirs.close()
    return _Grader(folder, process, Connection(ours.detach()))


def _stop_grader(key: tuple) -> None:
    """Close a grader's connection (it stops its zygote and exits when it reads the end), then remove its folder."""
    grader = _graders.pop(key)
    grader.connection.close()
    try:
        grader.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        grader.process.kill()
        grader.process.wait()
    shutil.rmtree(grader.folder, ignore_errors=True)


@atexit.register
def _stop_graders() -> None:
    for key in list(_graders):
        _stop_grader(key)


def serve_grader() -> None:
    """A grader process's life: start as a local batch's worker does, in the course folder it runs in, then grade
    each (file name, bytes) its Dask worker sends until the connection ends."""
    fd, parent, assignment, timeout, plots = sys.argv[1:]
    connection = Connection(int(fd))
    start_worker(int(parent), assignment, os.getcwd(), float(timeout) if timeout else None, os.getcwd(), plots)
    try:
        while True:
            try:
                filename = connection.recv_bytes().decode()
            except EOFError:
                return
            data = connection.recv_bytes()
            connection.send_bytes(json.dumps(_grade_sent(filename, data)).encode())
    finally:
        stop_worker()


def _grade_sent(filename: str, data: bytes) -> dict:
    """One submission's report as plain data and its feedback files; or the error that broke the suite, or that
    broke this one grading (the grader's own bug)."""
    from autograder.exporters.feedback_folder import feedback_files

    folder = Path(tempfile.mkdtemp(dir=os.getcwd()))
    try:
        path = folder / filename
        path.write_bytes(data)
        report = grade_in_worker(path)
    except GradingError as error:
        return {"broken": str(error)}
    except Exception as error:
        return {"failed": f"{type(error).__name__}: {error}"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"report": report.to_dict(), "files": feedback_files(report)}


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
