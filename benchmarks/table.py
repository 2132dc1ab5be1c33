"""One table of every assignment's speed: cold single grade, warm cost per submission, batch throughput, memory.

    python benchmarks/table.py [--runs 5] [--students 200] [--jobs 2] [--cluster [--pairs 3]]

    cold       a fresh `grade ASSIGNMENT reference` (median of --runs), and against a bare `import torch` run
               right before each (benchmarks/grade_cold.py --vs-floor)
    warm       one grader and zygote kept, the reference graded again and again: wall time per submission, the CPU
               it costs the grader and the sandbox (zygote and children), and what that CPU allows at best on
               --jobs cores; and the CPU of an empty submission (a confined child spawned, called once, reaped),
               which every submission pays whatever its tests
    batch      `grade batch` on a generated class (benchmarks/batch.py): submissions per second on --jobs workers,
               start-up and summary included, and the peak memory of a worker with its zygote and children
    100 000    workers that grade a MOOC's 100 000 submissions in an hour at the batch's cost per submission
    cluster    with --cluster: the same class on a Dask LocalCluster of --jobs workers against the local pool, --pairs
               runs of each alternated: medians of each, and the cluster's time against the pool's

Run it on a quiet machine: the load average is printed at the start and at the end.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch import compare_with_cluster, measure_batch, workers_for_an_hour
from grade_cold import measure_cold

PROJECT = Path(__file__).resolve().parents[1]
WARM_RUNS = 20
WARM = """
import json, os, statistics, sys, time
from pathlib import Path
from autograder.assignments import load_assignment
from autograder.grading import TestSuite, grade
from autograder.sandbox.course_folders import start_sandbox
from autograder.sandbox.remote import StudentCode
from autograder.submission import load_submission

def sandbox_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")

def cpu_of(work, runs):
    \"\"\"Median wall seconds of `work`, and mean CPU seconds of the grader and of the sandbox (zygote, children).\"\"\"
    walls, grader, sandbox = [], time.process_time(), sandbox_seconds(zygote.process.pid)
    for _ in range(runs):
        started = time.perf_counter()
        work()
        walls.append(time.perf_counter() - started)
    return [statistics.median(walls), (time.process_time() - grader) / runs,
            (sandbox_seconds(zygote.process.pid) - sandbox) / runs]

def reference():
    report = grade(assignment, path, sandbox=zygote, suite=suite)
    assert report.score == report.max_score, report

def empty_child():  # what any submission costs: a confined child spawned, loaded, called once and reaped
    student = StudentCode(zygote, empty, "empty")
    student.nothing()
    student.close()

assignment = load_assignment(sys.argv[1])
zygote = start_sandbox(assignment.course, fork=True, notebook_libraries=True)  # as a batch worker does
suite = TestSuite(assignment)
path = assignment.reference_dir / f"{assignment.module}.py"
empty_path = Path(sys.argv[3])
empty_path.write_text("def nothing():\\n    return None\\n")
empty = load_submission(empty_path)
reference()  # the first grading pays the first-use costs
empty_child()
print(json.dumps({"reference": cpu_of(reference, int(sys.argv[2])), "empty": cpu_of(empty_child, int(sys.argv[2]))}))
zygote.close()
"""


def measure_warm(assignment: str, runs: int = WARM_RUNS) -> dict:
    """One grader and zygote kept, as in a batch worker: the reference graded `runs` times, and an empty submission
    spawned, called once and reaped as often; for each, the median wall seconds and the mean CPU seconds of the
    grader and of the sandbox (zygote and children)."""
    with tempfile.TemporaryDirectory() as folder:
        output = subprocess.run([sys.executable, "-c", WARM, assignment, str(runs), f"{folder}/empty.py"],
                                cwd=PROJECT, check=True, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(PROJECT)}).stdout
    return {kind: dict(zip(("wall", "grader", "sandbox"), figures))
            for kind, figures in json.loads(output.splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cluster", action="store_true", help="also grade each class on a Dask LocalCluster")
    parser.add_argument("--pairs", type=int, default=3, help="with --cluster: local and cluster runs, alternated")
    parser.add_argument("--assignments", nargs="*",
                        default=sorted(p.name for p in (PROJECT / "reference").iterdir() if p.is_dir()))
    options = parser.parse_args()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f} at the start")
    rows = []
    for name in options.assignments:
        cold, warm = measure_cold(name, options.runs), measure_warm(name)
        batch = measure_batch(name, options.students, options.jobs)
        reference, empty = warm["reference"], warm["empty"]
        cpu = reference["grader"] + reference["sandbox"]
        row = [name, f"{cold['grade']:.2f} s", f"{cold['ratio']:.2f}x", f"{reference['wall'] * 1000:.0f} ms",
               f"{reference['grader'] * 1000:.0f} + {reference['sandbox'] * 1000:.0f} ms",
               f"{options.jobs / cpu:.1f}/s", f"{(empty['grader'] + empty['sandbox']) * 1000:.0f} ms",
               f"{batch['rate']:.1f}/s", f"{batch['peak'] / 2**20:.0f} MiB",
               str(workers_for_an_hour(options.jobs / batch["rate"]))]
        if options.cluster:
            compared = compare_with_cluster(name, options.students, options.jobs, options.pairs)
            row.append(f"{compared['cluster']:.1f}/s vs {compared['local']:.1f}/s ({compared['overhead']:+.0%})")
        rows.append(row)
        print(f"  {name} done ({time.strftime('%H:%M:%S')}, load average {os.getloadavg()[0]:.2f})", flush=True)
    header = ["assignment", "cold grade", "vs import torch", "warm wall", "warm CPU grader + sandbox",
              f"CPU bound ({options.jobs} cores)", "empty child CPU", f"batch ({options.jobs} workers, {options.students} students)", "peak/worker", "workers for 100k/h"]
    if options.cluster:
        header.append(f"LocalCluster vs pool ({options.jobs} workers, medians)")
    print(_table([header, *rows]))
    print(f"load average at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
