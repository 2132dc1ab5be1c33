"""Grade a whole class: a pool of worker processes, each a grader with its own zygote.

    discover() -> entries --> worker 1 (grader + zygote, torch imported once) --+--> DIR/<student>/results.json
                         \\-> worker 2 ...                                       |    DIR/<student>/feedback.md
                                                                                 +--> DIR/<student>/grade.json (last)
    every grade.json --> DIR/grades.csv, DIR/grades_canvas.csv, DIR/summary.md, DIR/summary.html

Each student's files are written atomically as soon as they are graded, and
grade.json goes last: it records the submission's content hash and the test
suite's fingerprint, so `resume` skips exactly the students already graded with
this suite, whatever killed the previous run.
"""
import dataclasses
import hashlib
import importlib
import json
import multiprocessing
import os
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment, load_assignment
from autograder.batch.discover import BatchInputError, Entry, discover
from autograder.exporters import write_atomically
from autograder.grading import GradingError
from autograder.report import ERROR, Report

GRADE_FILE = "grade.json"
OUT_INSIDE = ("--out {out} is inside the submissions folder {submissions}, where it would be taken for a student; "
              "choose a folder outside it.")


@dataclass(frozen=True)
class Outcome:
    """What the coordinator learns when one student is done."""
    student: str
    score: float
    max_score: float
    skipped: bool  # already graded with this suite and this submission (resume)


def run_batch(assignment: Assignment, submissions: Path, out: Path, jobs: int = 1, resume: bool = False,
              on_start=None, on_done=None, timeout: float | None = None) -> list[tuple[str, Report]]:
    """Discover the class's submissions, grade them, then write grades.csv, its Canvas twin and the summary."""
    from autograder.exporters.grades import write_canvas_csv, write_grades_csv
    from autograder.report.summary import write_summary

    if out.resolve().is_relative_to(submissions.resolve()):
        raise BatchInputError(OUT_INSIDE.format(out=out, submissions=submissions))
    # The coordinator idles while workers grade: import the summary's charting meanwhile, not at the end.
    threading.Thread(target=importlib.import_module, args=("matplotlib.figure",), daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as workdir:
        entries = discover(submissions, assignment.module, Path(workdir))
        if on_start:
            on_start(len(entries))
        graded = grade_class(assignment, entries, out, jobs, resume, on_done, timeout)
    write_grades_csv(graded, out / "grades.csv")
    write_canvas_csv(graded, {entry.student: entry.name for entry in entries}, assignment.title,
                     out / "grades_canvas.csv")
    write_summary(graded, assignment.title, out)
    return graded


def grade_class(assignment: Assignment, entries: list[Entry], out: Path, jobs: int = 1, resume: bool = False,
                on_done=None, timeout: float | None = None) -> list[tuple[str, Report]]:
    """Grade every entry into `out`, `jobs` at a time; call `on_done(outcome)` as each finishes."""
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = suite_fingerprint(assignment)
    pending = []
    for entry in entries:
        if resume and _already_graded(out, entry, fingerprint):
            if on_done:
                on_done(_outcome_of(out, entry, skipped=True))
        else:
            pending.append(entry)
    if pending:
        _grade_in_workers(assignment, pending, out, jobs, fingerprint, on_done, timeout)
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

def _grade_in_workers(assignment, entries, out, jobs, fingerprint, on_done, timeout) -> None:
    """Run the pool; if a worker dies (never the student's doing: their code runs in the sandbox), start a new
    pool for what was left, and record a grading error for a student whose grading broke a worker twice."""
    attempts: dict[str, int] = {}
    while entries:
        broken = []
        context = multiprocessing.get_context("spawn")  # fresh workers: nothing inherited from the coordinator
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context, initializer=_start_worker,
                                 initargs=(assignment.name, str(assignment.course), timeout)) as pool:
            running = {pool.submit(_grade_one, entry, str(out), fingerprint): entry for entry in entries}
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
        entries = broken


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

    text = f"Internal grading error, not a fault of the submission: {type(error).__name__}: {error}"
    results = tuple(dataclasses.replace(test, status=ERROR, feedback=text) for test in list_tests(assignment))
    return Report(assignment.name, assignment.title, entry.origin, results)


# ---------------------------------------------------------------------------------------------- worker side

_worker: dict = {}


def _start_worker(assignment_name: str, course: str, timeout: float | None) -> None:
    """Start this worker's zygote, forked so that both share one import of torch, before any test is loaded."""
    from autograder.grading import TestSuite, start_sandbox

    assignment = load_assignment(assignment_name, Path(course))
    sandbox = start_sandbox(assignment.course, fork=True)  # before the suite loads any hidden test
    _worker.update(assignment=assignment, sandbox=sandbox, timeout=timeout)
    try:
        _worker["suite"] = TestSuite(assignment)
    except GradingError as error:  # said with each task: a pool whose initializer fails says only "broken"
        _worker["broken"] = error


def _grade_one(entry: Entry, out: str, fingerprint: str) -> Outcome:
    """Grade one student and store their files; only the score travels back."""
    from autograder.grading import grade

    if "broken" in _worker:
        raise _worker["broken"]
    assignment = _worker["assignment"]
    started = time.monotonic()
    if entry.path is None:
        report = _problem_report(assignment, entry, started)
    else:
        report = grade(assignment, entry.path, sandbox=_worker["sandbox"], suite=_worker["suite"],
                       timeout=_worker["timeout"])
    _store(Path(out), entry, fingerprint, report)
    return Outcome(entry.student, report.score, report.max_score, skipped=False)


def _problem_report(assignment: Assignment, entry: Entry, started: float) -> Report:
    """Every test at 0 with the reason no submission could be graded."""
    results = tuple(dataclasses.replace(test, feedback=entry.problem) for test in _worker["suite"].listing())
    return Report(assignment.name, assignment.title, entry.origin, results, duration=time.monotonic() - started)


def _store(out: Path, entry: Entry, fingerprint: str, report: Report) -> None:
    """Write the student's files, grade.json last, each atomically."""
    from autograder.exporters.gradescope import write_results
    from autograder.report import markdown

    folder = out / entry.student
    write_results(report, folder / "results.json")
    write_atomically(folder / "feedback.md", markdown.render(report))
    stored = {"student": entry.student, "origin": entry.origin, "hash": content_hash(entry), "suite": fingerprint,
              "report": report.to_dict()}
    write_atomically(folder / GRADE_FILE, json.dumps(stored, indent=1) + "\n")


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
