"""Grade a whole class: a pool of worker processes, each a grader with its own zygote.

    discover() -> entries --> worker 1 (grader + zygote, torch imported once) --+--> DIR/<student>/results.json
                         \\-> worker 2 ...                                       |    DIR/<student>/feedback.md
                                                                                 |    DIR/<student>/feedback.html
                                                                                 +--> DIR/<student>/grade.json (last)
    every grade.json --> DIR/grades.csv, DIR/grades_canvas.csv, DIR/summary.md, DIR/summary.html

Each student's files are written atomically as soon as they are graded, and
grade.json goes last: it records the submission's content hash and the test
suite's fingerprint, so `resume` skips exactly the students already graded with
this suite, whatever killed the previous run.

Stopping: SIGTERM, SIGINT or SIGHUP to the coordinator raises BatchStopped in it; it
kills its workers, and each worker's zygote and children follow (each has the
kernel's parent-death signal), then removes the batch's temporary folder, which
holds the unpacked upload and every sandbox's scratch. Workers sit in a process
group of their own, so a Ctrl-C reaches only the coordinator, which decides; and
they die with the coordinator even when it is SIGKILLed; the temporary folder
of a coordinator killed so is removed by the next batch. Workers start with
grader_environment(): each forks a zygote whose children could read every byte
the worker inherited, so nothing secret of the instructor's environment goes in.
"""
import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment, GradingError, load_assignment
from autograder.batch.discover import BatchInputError, Entry, discover
from autograder.exporters import write_atomically
from autograder.feedback import GRADER_FAULT
from autograder.plotdata import PLOTS_FAILING, load_matplotlib
from autograder.report import ERROR, Report
from autograder.sandbox import layers
from autograder.sandbox.environment import grader_environment

GRADE_FILE = "grade.json"
WORKDIR_PREFIX = "grade-batch-"  # then the coordinator's pid: a folder whose coordinator is gone is left over
SANDBOXES = "sandboxes"  # in the batch's temporary folder: the scratch of every worker's sandbox
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
REACHABLE = 0o711  # children dropped to their own uid must pass through to their scratch, never list it
OUT_INSIDE = ("--out {out} is inside the submissions folder {submissions}, where it would be taken for a student; "
              "choose a folder outside it.")


@dataclass(frozen=True)
class Outcome:
    """What the coordinator learns when one student is done."""
    student: str
    score: float
    max_score: float
    skipped: bool  # already graded with this suite and this submission (resume)


class BatchStopped(Exception):
    """A signal stopped the batch; every student graded before it is kept, for --resume."""

    def __init__(self, number: int):
        super().__init__(signal.Signals(number).name)
        self.signal = number


def run_batch(assignment: Assignment, submissions: Path, out: Path, jobs: int = 1, resume: bool = False,
              on_start=None, on_done=None, timeout: float | None = None,
              cluster: str | None = None, plots: str = PLOTS_FAILING) -> list[tuple[str, Report]]:
    """Discover the class's submissions, grade them (on the Dask cluster at `cluster`, if given), then write
    grades.csv, its Canvas twin and the summary; `plots` says whose plots each student's feedback.html shows
    (plotdata.PLOT_CHOICES)."""
    from autograder.exporters.grades import write_canvas_csv, write_grades_csv
    from autograder.exporters.summary import write_summary

    if out.resolve().is_relative_to(submissions.resolve()):
        raise BatchInputError(OUT_INSIDE.format(out=out, submissions=submissions))
    with _stopped_by_signals(), _workdir() as workdir:
        entries = discover(submissions, assignment.module, Path(workdir))
        if on_start:
            on_start(len(entries))
        graded = grade_class(assignment, entries, out, Path(workdir), jobs, resume, on_done, timeout, cluster, plots)
        write_grades_csv(graded, out / "grades.csv")
        write_canvas_csv(graded, {entry.student: entry.name for entry in entries}, assignment.title,
                         out / "grades_canvas.csv")
        write_summary(graded, assignment.title, out)
    return graded


def grade_class(assignment: Assignment, entries: list[Entry], out: Path, workdir: Path, jobs: int = 1,
                resume: bool = False, on_done=None, timeout: float | None = None,
                cluster: str | None = None, plots: str = PLOTS_FAILING) -> list[tuple[str, Report]]:
    """Grade every entry into `out`, `jobs` at a time, the workers' scratch in `workdir`, or on the Dask cluster
    at `cluster`; call `on_done(outcome)` as each finishes."""
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = suite_fingerprint(assignment)
    pending = []
    for entry in entries:
        if resume and _already_graded(out, entry, fingerprint):
            if on_done:
                on_done(_outcome_of(out, entry, skipped=True))
        else:
            pending.append(entry)
    if pending and cluster:
        from autograder.batch.cluster import grade_on_cluster

        _import_charts_meanwhile()
        grade_on_cluster(cluster, assignment, pending, out, fingerprint, _store, on_done, timeout, plots)
    elif pending:
        _grade_in_workers(assignment, pending, out, workdir, jobs, fingerprint, on_done, timeout, plots)
    return [(entry.student, load_graded(out, entry.student)) for entry in entries]


def suite_fingerprint(assignment: Assignment) -> str:
    """A hash of everything that decides a grade besides the submission: tests, reference, assignment.toml."""
    digest = hashlib.sha256()
    files = [assignment.public_dir / "assignment.toml", *assignment.public_tests, *assignment.hidden_test_files]
    if assignment.has_reference:
        files.append(assignment.reference_dir / f"{assignment.module}.py")
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_hash(entry: Entry) -> str:
    """The submission's identity for resuming: its bytes, or its problem when there is no file."""
    data = entry.path.read_bytes() if entry.path else (entry.problem or "").encode()
    return hashlib.sha256(data).hexdigest()


def load_graded(out: Path, student: str) -> Report:
    """Read back the report a worker stored for `student`."""
    return Report.from_dict(json.loads((out / student / GRADE_FILE).read_text())["report"])


# ---------------------------------------------------------------------------------------------- coordinator side

def _grade_in_workers(assignment, entries, out, workdir, jobs, fingerprint, on_done, timeout, plots) -> None:
    """Run the pool; if a worker dies (never the student's doing: their code runs in the sandbox), start a new
    pool for what was left, and record a grading error for a student whose grading broke a worker twice."""
    attempts: dict[str, int] = {}
    for folder in (workdir, workdir / SANDBOXES):
        folder.mkdir(exist_ok=True)
        folder.chmod(REACHABLE)
    environment = {**grader_environment(), "TMPDIR": str(workdir)}  # a worker's stray temporary files go too
    initargs = (os.getpid(), assignment.name, str(assignment.course), timeout, str(workdir / SANDBOXES), plots)
    while entries:
        context = multiprocessing.get_context("spawn")  # fresh workers: nothing inherited from the coordinator
        pool = None
        try:
            with _environment(environment):  # for the pool's helper process and the workers, started on submission
                pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context, initializer=start_worker,
                                           initargs=initargs)
                running = {pool.submit(_grade_one, entry, str(out), fingerprint): entry for entry in entries}
            _import_charts_meanwhile()
            entries = _collect(running, attempts, assignment, out, fingerprint, on_done)
        except BaseException:  # a signal, or a broken suite: no worker may go on grading
            _kill_workers()
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _collect(running: dict, attempts: dict[str, int], assignment, out, fingerprint, on_done) -> list[Entry]:
    """Wait for every task, storing an error report where one failed; return the entries a broken pool lost."""
    broken = []
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            entry, error = running.pop(future), future.exception()
            attempts[entry.student] = attempts.get(entry.student, 0) + 1
            if isinstance(error, BrokenProcessPool) and attempts[entry.student] < 2:
                broken.append(entry)
                continue
            if isinstance(error, GradingError):  # the suite itself is broken: no student can be graded
                raise error
            if error is not None:
                report = _error_report(assignment, entry, error)
                _store(out, entry, fingerprint, report)
                outcome = Outcome(entry.student, report.score, report.max_score, skipped=False)
            else:
                outcome = future.result()
            if on_done:
                on_done(outcome)
    return broken


@contextlib.contextmanager
def _stopped_by_signals():
    """Turn SIGTERM, SIGINT and SIGHUP into BatchStopped, so the batch unwinds through its clean-up."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals; a caller in another thread keeps the defaults
        return

    def stop(number, _frame):
        for other in STOP_SIGNALS:  # once is enough: the clean-up itself must not be interrupted
            signal.signal(other, signal.SIG_IGN)
        raise BatchStopped(number)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _workdir():
    """The batch's temporary folder, first removing those of batches killed outright (SIGKILL leaves no chance to
    clean up, and they hold students' files)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        coordinator = folder.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if coordinator.isdigit() and not _running(int(coordinator)):
            shutil.rmtree(folder, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-")
    try:
        yield folder
    finally:
        _remove_when_quiet(Path(folder))


def _remove_when_quiet(folder: Path, patience: float = 5.0) -> None:
    """Remove `folder`, retrying while a killed worker's sandboxes, which die with it but not at once, still write
    into it; what stays after `patience` seconds the next batch removes."""
    deadline = time.monotonic() + patience
    while True:
        try:
            shutil.rmtree(folder)
            return
        except OSError:
            if not folder.exists():
                return
            if time.monotonic() > deadline:
                shutil.rmtree(folder, ignore_errors=True)
                return
            time.sleep(0.05)


def _running(pid: int) -> bool:
    """Tell whether a process `pid` exists (whoever's it is)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


@contextlib.contextmanager
def _environment(variables: dict[str, str]):
    """Make `variables` the whole environment of the processes started inside, then restore this one's."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _import_charts_meanwhile() -> None:
    """Import the summary's charting while workers grade (the coordinator idles), not at the end.

    Started only once the workers are, so that no thread reads the environment while _environment swaps it.
    """
    threading.Thread(target=load_matplotlib, daemon=True).start()


def _kill_workers() -> None:
    """Kill every worker now; its zygote and the zygote's children follow by their parent-death signal."""
    workers = multiprocessing.active_children()  # the coordinator starts no other processes
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join()


def _already_graded(out: Path, entry: Entry, fingerprint: str) -> bool:
    try:
        stored = json.loads((out / entry.student / GRADE_FILE).read_text())
    except (OSError, ValueError):
        return False
    return stored.get("hash") == content_hash(entry) and stored.get("suite") == fingerprint


def _outcome_of(out: Path, entry: Entry, skipped: bool) -> Outcome:
    report = load_graded(out, entry.student)
    return Outcome(entry.student, report.score, report.max_score, skipped)


def _error_report(assignment: Assignment, entry: Entry, error: BaseException) -> Report:
    """Every test listed at 0 as a grading error (rare: it imports the tests here, in the coordinator)."""
    from autograder.grading import list_tests

    text = GRADER_FAULT.format(error=f"{type(error).__name__}: {error}")
    return Report.ungraded(assignment.name, assignment.title, entry.origin, list_tests(assignment), text, ERROR)


# ---------------------------------------------------------------------------------------------- worker side

_worker: dict = {}


def start_worker(coordinator: int, assignment_name: str, course: str, timeout: float | None,
                 scratch_root: str, plots: str) -> None:
    """Start this worker's zygote, forked so that both share one import of torch, before any test is loaded.

    Call it first thing in a fresh, single-threaded interpreter started with grader_environment(): a local batch's
    pool worker, or a cluster worker's grader process.
    """
    from autograder.grading import TestSuite
    from autograder.sandbox.course_folders import start_sandbox

    # The kernel's signal follows the thread that started this process: a local coordinator's main thread, which
    # lasts; or a Dask worker's task thread: should that one end, the grader dies and the worker starts another.
    layers.die_with_parent(coordinator)
    os.setpgid(0, 0)  # out of the terminal's foreground group: a Ctrl-C or hang-up goes to the coordinator alone
    assignment = load_assignment(assignment_name, Path(course))
    # Forked before the suite loads any hidden test; its scratch in the batch's folder, removed with it.
    sandbox = start_sandbox(assignment.course, fork=True, scratch_root=Path(scratch_root), notebook_libraries=True)
    _worker.update(assignment=assignment, sandbox=sandbox, timeout=timeout, plots=plots)
    try:
        _worker["suite"] = TestSuite(assignment)
    except GradingError as error:
        _worker["broken"] = error


def grade_in_worker(path: Path) -> Report:
    """Grade one submission with this worker's zygote and suite; GradingError when the suite is broken."""
    from autograder.grading import grade

    return grade(_worker["assignment"], path, sandbox=_worker["sandbox"], suite=_suite(), timeout=_worker["timeout"],
                 plots=_worker["plots"])


def stop_worker() -> None:
    """Stop this worker's zygote and remove its scratch folder."""
    _worker["sandbox"].close()


def _grade_one(entry: Entry, out: str, fingerprint: str) -> Outcome:
    """Grade one student and store their files; only the score travels back."""
    started = time.monotonic()
    report = (grade_in_worker(entry.path) if entry.path is not None
              else _problem_report(_worker["assignment"], entry, started))
    _store(Path(out), entry, fingerprint, report)
    return Outcome(entry.student, report.score, report.max_score, skipped=False)


def _problem_report(assignment: Assignment, entry: Entry, started: float) -> Report:
    """Every test at 0 with the reason no submission could be graded."""
    report = Report.ungraded(assignment.name, assignment.title, entry.origin, _suite().listing(), entry.problem)
    return dataclasses.replace(report, duration=time.monotonic() - started)


def _suite():
    """This worker's suite; the GradingError that broke it, said with every task (a pool whose initializer fails
    says only "broken")."""
    if "broken" in _worker:
        raise _worker["broken"]
    return _worker["suite"]


def _store(out: Path, entry: Entry, fingerprint: str, report: Report, files: dict[str, str] | None = None) -> None:
    """Write the student's feedback folder (its `files`, when rendered elsewhere already), then grade.json, each
    atomically: grade.json says the folder is done."""
    from autograder.exporters.feedback_folder import feedback_files, write_files

    folder = out / entry.student
    write_files(folder, files or feedback_files(report))
    stored = {"student": entry.student, "origin": entry.origin, "hash": content_hash(entry), "suite": fingerprint,
              "report": report.to_dict()}
    write_atomically(folder / GRADE_FILE, json.dumps(stored) + "\n")  # no indent: json's C encoder, 10x faster


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
