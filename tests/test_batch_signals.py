"""A batch's processes: a signal stops all of them and keeps what was graded; none holds the instructor's secrets.

Each test runs `grade batch` as the instructor would, as a process of its own (this worktree's cli.py), on a
small class with a slow submission, and looks at the machine's processes through /proc: every descendant of
the batch, the zygotes and the sandboxed children included.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.assignments import COURSE_VARIABLE
from autograder.sandbox.layers import EXIT_ORPHANED
from cli import EXIT_SIGNALLED
from conftest import PROJECT, SUBMISSIONS

HOSTILE = SUBMISSIONS / "assignment2" / "hostile"
REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
STOPPED_WITHIN = 10.0  # seconds for every process to be gone: a few on a busy 2-core machine, not 2 minutes
STARTED_WITHIN = 300.0
SECRET = "GRADER_SECRET_TOKEN"
SECRET_VALUE = "hunter2-do-not-leak-8c1f"


@pytest.fixture
def slow_class(tmp_path) -> Path:
    """Two quick students graded first, then one whose every call lingers until stopped."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.py").write_text(REFERENCE.read_text())
    (folder / "bob.py").write_text((SUBMISSIONS / "assignment2" / "partial.py").read_text())
    (folder / "cyd.py").write_text((HOSTILE / "output_slow.py").read_text())
    return folder


@pytest.fixture
def temporary(tmp_path) -> Path:
    """The batch's TMPDIR: whatever it leaves behind shows here."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda n: n.name)
def test_a_signal_stops_every_process_keeps_the_graded_and_resume_finishes(number, course, slow_class, temporary,
                                                                           tmp_path):
    out = tmp_path / "out"
    batch = _start(course, slow_class, out, temporary)
    _wait_for_graded(batch, out, 2)
    processes = _wait_for_sandboxed_child(batch)

    signalled = time.monotonic()
    os.kill(batch.pid, number)
    _, errors = batch.communicate(timeout=STOPPED_WITHIN)
    exited = time.monotonic() - signalled
    left = _wait_gone(processes, signalled + STOPPED_WITHIN)
    print(f"{number.name}: the batch exited after {exited:.2f} s, its {len(processes)} processes were gone after "
          f"{time.monotonic() - signalled:.2f} s")
    assert not left, f"still running after {STOPPED_WITHIN} s: {left}"
    assert batch.returncode == EXIT_SIGNALLED + number, errors
    assert f"Stopped by {number.name}" in errors and "--resume" in errors
    assert list(temporary.iterdir()) == []
    kept = {path.parent.name: path.read_bytes() for path in out.glob("*/grade.json")}
    assert sorted(kept) == ["ada", "bob"]

    resumed = _start(course, slow_class, out, temporary, "--resume")
    stdout, errors = resumed.communicate(timeout=STARTED_WITHIN)
    assert resumed.returncode == 0, errors
    assert "2 already graded were kept" in stdout
    assert {student: (out / student / "grade.json").read_bytes() for student in kept} == kept
    assert json.loads((out / "cyd" / "grade.json").read_text())["report"]["results"]
    assert len((out / "grades.csv").read_text().splitlines()) == 4
    assert list(temporary.iterdir()) == []


def test_workers_die_with_a_coordinator_killed_outright_and_the_next_batch_cleans_up(course, slow_class, temporary,
                                                                                     tmp_path):
    out = tmp_path / "out"
    batch = _start(course, slow_class, out, temporary)
    _wait_for_graded(batch, out, 2)
    processes = _descendants(batch.pid)
    killed = time.monotonic()
    os.kill(batch.pid, signal.SIGKILL)  # the coordinator alone: nothing of it runs any more
    batch.communicate()
    left = _wait_gone(processes, killed + STOPPED_WITHIN)
    print(f"SIGKILL: every process gone after {time.monotonic() - killed:.2f} s")
    assert not left, f"orphans still running after {STOPPED_WITHIN} s: {left}"
    assert [path.name.startswith("grade-batch-") for path in temporary.iterdir()] == [True]  # nobody could clean

    resumed = _start(course, slow_class, out, temporary, "--resume")
    _, errors = resumed.communicate(timeout=STARTED_WITHIN)
    assert resumed.returncode == 0, errors
    assert list(temporary.iterdir()) == []


def test_a_worker_whose_coordinator_is_already_gone_exits_at_once():
    worker = subprocess.run([sys.executable, "-c", "from autograder.sandbox.layers import die_with_parent; die_with_parent(1); "
                             "print('still grading')"], cwd=PROJECT, capture_output=True, text=True)
    assert worker.returncode == EXIT_ORPHANED and "still grading" not in worker.stdout, worker.stderr


def test_no_secret_of_the_instructors_environment_reaches_a_worker_or_an_output(course, tmp_path, temporary):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.py").write_text(REFERENCE.read_text())
    (folder / "eve.py").write_text((HOSTILE / "output_environment.py").read_text())
    out = tmp_path / "out"
    batch = _start(course, folder, out, temporary, environment={SECRET: SECRET_VALUE})
    environments = {}
    while batch.poll() is None:  # read every descendant's environment while it grades
        for pid, _ in _descendants(batch.pid):
            try:
                environments[pid] = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
        time.sleep(0.05)
    stdout, errors = batch.communicate()
    assert batch.returncode == 0, errors
    assert len(environments) >= 3, "no worker, zygote or child was seen"
    assert not [pid for pid, block in environments.items() if SECRET_VALUE.encode() in block]
    probe = json.loads((out / "eve" / "results.json").read_text())["tests"][0]["output"]
    assert "ENVIRONMENT PROBE read" in probe, probe  # the submission did look
    assert not [path for path in out.rglob("*") if path.is_file() and SECRET_VALUE.encode() in path.read_bytes()]
    assert SECRET_VALUE not in stdout + errors


def _start(course: Path, submissions: Path, out: Path, temporary: Path, *arguments: str,
           environment: dict | None = None) -> subprocess.Popen:
    """Run this worktree's `grade batch` in a session of its own, two workers, one second per call."""
    env = {**os.environ, COURSE_VARIABLE: str(course), "TMPDIR": str(temporary), **(environment or {})}
    command = [sys.executable, str(PROJECT / "cli.py"), "batch", "assignment2", str(submissions), "--out", str(out),
               "--jobs", "2", "--timeout", "1", *arguments]
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_graded(batch: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + STARTED_WITHIN
    while len(list(out.glob("*/grade.json"))) < count:
        assert batch.poll() is None, batch.communicate()
        assert time.monotonic() < deadline, "the batch graded too slowly to be stopped halfway"
        time.sleep(0.05)


def _wait_for_sandboxed_child(batch: subprocess.Popen) -> list[tuple[int, str]]:
    """Wait until a call of cyd's runs (coordinator, worker, zygote, child: 3 levels below); return the processes."""
    deadline = time.monotonic() + STARTED_WITHIN
    while len(levels := _descendants(batch.pid, by_level=True)) < 3:
        assert batch.poll() is None and time.monotonic() < deadline, "no sandboxed child ever ran"
        time.sleep(0.02)
    return [process for level in levels for process in level]


def _descendants(root: int, by_level: bool = False) -> list:
    """Every process below `root`, each with its start time, so a reused pid is not taken for it."""
    parents, starts = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)], starts[int(entry.name)] = int(fields[1]), fields[19]
    levels, frontier = [], [root]
    while frontier := [pid for pid, parent in parents.items() if parent in frontier]:
        levels.append([(pid, starts[pid]) for pid in frontier])
    return levels if by_level else [process for level in levels for process in level]


def _wait_gone(processes: list[tuple[int, str]], deadline: float) -> list[tuple[int, str]]:
    """Wait until none of `processes` runs (or is a zombie) any more, or the deadline; return those left."""
    while True:
        left = [(pid, start) for pid, start in processes if _still_there(pid, start)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def _still_there(pid: int, start: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == start
