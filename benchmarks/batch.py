"""Grade a generated class with `grade batch`; print throughput and memory (and, with --cluster, the same class on a
Dask LocalCluster against the local pool, and what a class of 100 000 needs).

    python benchmarks/batch.py [--assignment assignment2 | all] [--students 200] [--jobs 2] [--cluster [--pairs 3]]

The class mixes what a real one holds: correct solutions (.py, and notebooks where
the project has one), every named mistake of tests/submissions three times,
untouched stubs (.py and .ipynb), and a few hostile submissions: for assignment2
the project's own (an endless loop, a segfault, sys.exit, an always-equal object,
forked sleepers); for the others one graded function replaced by an endless loop,
sys.exit, a memory bomb, a segfault through ctypes and a fork. The class is graded
twice: once timed, once while memory is sampled (reading PSS walks page tables,
which would slow the timed run). Memory is the peak, per worker, of the summed PSS
of the worker and everything below it (its zygote and the zygote's children), so
shared pages are counted once. Throughput includes start-up and the summary.
"""
import argparse
import contextlib
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT))

from processes import command, parent, pss, tree  # noqa: E402
from submissions.mutations import Mistake, with_mistakes  # noqa: E402

from autograder.assignments import list_assignments, load_assignment  # noqa: E402

SUBMISSIONS = PROJECT / "tests" / "submissions"
ASSIGNMENT2_HOSTILE = ("infinite_loop", "segfault", "sys_exit", "always_equal", "fork_children")
HOSTILE_BODIES = {  # one graded function of the reference replaced by each
    "endless_loop": "    while True:\n        pass\n",
    "sys_exit": "    import sys\n    sys.exit(3)\n",
    "memory_bomb": "    return bytearray(2**40)\n",
    "segfault": "    import ctypes\n    return ctypes.string_at(0)\n",
    "fork": "    import os\n    os.fork()\n    return None\n",
}
SAMPLE_SECONDS = 0.1
CLASS_OF_A_MOOC = 100_000
HOUR = 3600.0
GRADE = [sys.executable, str(PROJECT / "cli.py")]  # this checkout's grader, with this interpreter


def make_class(folder: Path, students: int, assignment_name: str = "assignment2") -> None:
    """Write `students` submissions, one file per student, in the proportions of a real class."""
    import importlib

    assignment = load_assignment(assignment_name, PROJECT)
    reference = (assignment.reference_dir / f"{assignment.module}.py").read_text()
    mistakes = importlib.import_module(f"submissions.{assignment_name}.mistakes").MISTAKES
    kinds = [("hostile", name) for name in hostile_names(assignment_name)]
    kinds += [("stub", ".py"), ("stub", ".ipynb")] * 5
    kinds += [("mistake", name) for name in sorted(mistakes)] * 3
    notebook = SUBMISSIONS / assignment_name / "notebooks" / "correct_with_training_loop.ipynb"
    correct = [".py", ".py", ".ipynb"] if notebook.exists() else [".py"]
    while len(kinds) < students:
        kinds += [("correct", suffix) for suffix in correct]
    first = next(name for name in assignment.functions if name[0].islower())
    for number, (kind, detail) in enumerate(kinds[:students]):
        student = folder / f"student{number:05d}"
        if kind == "hostile" and assignment_name == "assignment2":
            shutil.copy(SUBMISSIONS / "assignment2" / "hostile" / f"{detail}.py", student.with_suffix(".py"))
        elif kind == "hostile":
            source = f"def {first}(*args, **kwargs):\n{HOSTILE_BODIES[detail]}"
            student.with_suffix(".py").write_text(with_mistakes(reference, [Mistake(function=first, source=source)]))
        elif kind == "stub":
            shutil.copy(assignment.public_dir / f"{assignment.module}{detail}", student.with_suffix(detail))
        elif kind == "mistake":
            student.with_suffix(".py").write_text(with_mistakes(reference, [mistakes[detail]]))
        elif detail == ".ipynb":
            shutil.copy(notebook, student.with_suffix(".ipynb"))
        else:
            student.with_suffix(".py").write_text(reference)


def hostile_names(assignment_name: str) -> tuple[str, ...]:
    return ASSIGNMENT2_HOSTILE if assignment_name == "assignment2" else tuple(HOSTILE_BODIES)


def measure_batch(assignment_name: str, students: int, jobs: int, memory: bool = True,
                  cluster: str | None = None) -> dict:
    """Grade a generated class once timed (and once sampled for memory); return what was measured."""
    with tempfile.TemporaryDirectory(prefix="batch-benchmark-") as temporary:
        submissions = Path(temporary) / "class"
        submissions.mkdir()
        make_class(submissions, students, assignment_name)
        where = ["--cluster", cluster] if cluster else ["--jobs", str(jobs)]
        base = [*GRADE, "batch", assignment_name, str(submissions), *where, "--out"]
        started = time.perf_counter()
        code = subprocess.run([*base, str(Path(temporary) / "out")], capture_output=True).returncode
        elapsed = time.perf_counter() - started
        graded = len(list((Path(temporary) / "out").glob("*/grade.json")))
        peaks = _peak_memory_per_worker([*base, str(Path(temporary) / "sampled")]) if memory else {}
    return {"exit": code, "graded": graded, "seconds": elapsed, "rate": graded / elapsed,
            "peak": max(peaks.values(), default=0), "workers": len(peaks)}


def workers_for_an_hour(seconds_per_submission: float, students: int = CLASS_OF_A_MOOC) -> int:
    """How many single-threaded workers grade `students` in an hour at `seconds_per_submission` each."""
    return math.ceil(students * seconds_per_submission / HOUR)


@contextlib.contextmanager
def local_cluster(workers: int):
    """A Dask LocalCluster of `workers` processes of one thread each, able to import this checkout, with Dask's
    sampling profiler off as README's recipes start workers."""
    from distributed import LocalCluster

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))
    os.environ["DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"] = "False"
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def compare_with_cluster(assignment_name: str, students: int, jobs: int, pairs: int) -> dict:
    """The same class graded by the local pool and by a fresh LocalCluster of `jobs` workers, one after the other,
    `pairs` times: this machine's speed drifts by 10% or more between minutes, so one run of each cannot tell a
    15% overhead. Returns the median rate of each, and the cluster's median time against the pool's."""
    local, remote = [], []
    for _ in range(pairs):
        local.append(measure_batch(assignment_name, students, jobs, memory=False)["seconds"])
        with local_cluster(jobs) as address:  # fresh workers: each run starts its graders, as the pool does
            remote.append(measure_batch(assignment_name, students, jobs, memory=False, cluster=address)["seconds"])
    local_seconds, remote_seconds = statistics.median(local), statistics.median(remote)
    return {"local": students / local_seconds, "cluster": students / remote_seconds,
            "overhead": remote_seconds / local_seconds - 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="assignment2", help="an assignment, or all")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cluster", action="store_true",
                        help="also grade the class on a LocalCluster of --jobs workers (needs dask.distributed)")
    parser.add_argument("--pairs", type=int, default=3, help="with --cluster: local and cluster runs, alternated")
    options = parser.parse_args()
    names = ([a.name for a in list_assignments(PROJECT)] if options.assignment == "all" else [options.assignment])
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    for name in names:
        local = measure_batch(name, options.students, options.jobs)
        print(f"{name}: `grade batch` exit {local['exit']}: {local['graded']} of {options.students} graded in "
              f"{local['seconds']:.1f} s with {options.jobs} workers: {local['rate']:.1f} submissions/s; peak memory "
              f"per worker (worker + zygote + children, PSS) {local['peak'] / 2**20:.0f} MiB")
        if options.cluster:
            compared = compare_with_cluster(name, options.students, options.jobs, options.pairs)
            print(f"{name}: the same class on a LocalCluster of {options.jobs} workers, {options.pairs} runs of each "
                  f"alternated, medians: {compared['cluster']:.1f} submissions/s against {compared['local']:.1f} on "
                  f"the local pool ({compared['overhead']:+.0%} time)")
        cost = options.jobs / local["rate"]
        print(f"{name}: {cost * 1000:.0f} ms of one worker per submission: {CLASS_OF_A_MOOC:,} submissions take "
              f"{workers_for_an_hour(cost)} workers one hour")


def _peak_memory_per_worker(command_line: list[str]) -> dict[int, int]:
    process = subprocess.Popen(command_line, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
