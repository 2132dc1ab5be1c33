"""Grade a generated class of 200 assignment2 submissions with `grade batch`; print throughput and memory.

    python benchmarks/batch.py [--students 200] [--jobs 2]

The class mixes what a real one holds: correct solutions (.py and notebooks),
every known mistake, untouched stubs, and a few hostile submissions (an endless
loop, a segfault, sys.exit, an always-equal object, forked sleepers). The class
is graded twice: once timed, once while memory is sampled (reading PSS walks page
tables, which would slow the timed run). Memory is the peak, per worker, of the
summed PSS of the worker and everything below it (its zygote and the zygote's
children), so shared pages are counted once.
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))

from processes import command, parent, pss, tree  # noqa: E402
from submissions.assignment2.mistakes import MISTAKES  # noqa: E402
from submissions.mutations import with_mistakes  # noqa: E402

SUBMISSIONS = PROJECT / "tests" / "submissions" / "assignment2"
HOSTILE = ("infinite_loop", "segfault", "sys_exit", "always_equal", "fork_children")
SAMPLE_SECONDS = 0.1


def make_class(folder: Path, students: int) -> None:
    """Write `students` submissions, one file per student, in the proportions of a real class."""
    reference = (PROJECT / "reference" / "assignment2" / "regularization.py").read_text()
    kinds = [("hostile", name) for name in HOSTILE]
    kinds += [("stub", ".py"), ("stub", ".ipynb")] * 5
    kinds += [("mistake", name) for name in sorted(MISTAKES)] * 3
    while len(kinds) < students:
        kinds += [("correct", ".py"), ("correct", ".py"), ("correct", ".ipynb")]
    for number, (kind, detail) in enumerate(kinds[:students]):
        student = folder / f"student{number:03d}"
        if kind == "hostile":
            shutil.copy(SUBMISSIONS / "hostile" / f"{detail}.py", student.with_suffix(".py"))
        elif kind == "stub":
            shutil.copy(PROJECT / "assignments" / "assignment2" / f"regularization{detail}", student.with_suffix(detail))
        elif kind == "mistake":
            student.with_suffix(".py").write_text(with_mistakes(reference, [MISTAKES[detail]]))
        elif detail == ".ipynb":
            shutil.copy(SUBMISSIONS / "notebooks" / "correct_with_training_loop.ipynb", student.with_suffix(".ipynb"))
        else:
            student.with_suffix(".py").write_text(reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-benchmark-") as temporary:
        submissions, out = Path(temporary) / "class", Path(temporary) / "out"
        submissions.mkdir()
        make_class(submissions, options.students)
        grade = Path(sys.executable).with_name("grade")
        command = [str(grade), "batch", "assignment2", str(submissions), "--jobs", str(options.jobs), "--out"]
        started = time.perf_counter()
        code = subprocess.run([*command, str(out)], capture_output=True).returncode
        elapsed = time.perf_counter() - started
        graded = len(list(out.glob("*/grade.json")))
        peaks = _peak_memory_per_worker([*command, str(Path(temporary) / "sampled")])
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"`grade batch` exit {code}: {graded} of {options.students} submissions graded in {elapsed:.1f} s "
          f"with {options.jobs} workers: {graded / elapsed:.1f} submissions/s (start-up and summary included)")
    worst = max(peaks.values(), default=0)
    print(f"peak memory per worker (PSS of worker + zygote + children): max {worst / 2**20:.0f} MiB over "
          f"{len(peaks)} workers")


def _peak_memory_per_worker(command: list[str]) -> dict[int, int]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[int, int] = {}
    sampler = threading.Thread(target=_sample_workers, args=(process, peaks), daemon=True)
    sampler.start()
    process.wait()
    sampler.join()
    return peaks


def _sample_workers(process: subprocess.Popen, peaks: dict[int, int]) -> None:
    """Track, for each worker (a child of the coordinator), the peak PSS of its process tree."""
    while process.poll() is None:
        for worker in tree(process.pid)[1:]:
            if parent(worker) == process.pid and "resource_tracker" not in command(worker):
                peaks[worker] = max(peaks.get(worker, 0), sum(pss(pid) for pid in tree(worker)))
        time.sleep(SAMPLE_SECONDS)


if __name__ == "__main__":
    main()
