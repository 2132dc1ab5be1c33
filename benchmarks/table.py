"""One table of every assignment's speed: cold single grade, warm cost per submission, batch throughput, memory.

    python benchmarks/table.py [--runs 5] [--students 200] [--jobs 2] [--cluster]

    cold       a fresh `grade ASSIGNMENT reference` (median of --runs), and against a bare `import torch` run
               right before each (benchmarks/grade_cold.py --vs-floor)
    warm       one grader and zygote kept, the reference graded again and again: wall time per submission, and
               the CPU it costs the grader and the sandbox (zygote and children) together
    batch      `grade batch` on a generated class (benchmarks/batch.py): submissions per second on --jobs workers,
               start-up and summary included, and the peak memory of a worker with its zygote and children
    100 000    workers that grade a MOOC's 100 000 submissions in an hour at the batch's cost per submission
    cluster    with --cluster: the same class on a Dask LocalCluster of --jobs workers, its time against the pool

Run it on a quiet machine: the load average is printed at the start and at the end.
"""
import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from batch import local_cluster, measure_batch, workers_for_an_hour
from grade_cold import measure_cold

PROJECT = Path(__file__).resolve().parents[1]
WARM_RUNS = 20
WARM = """
import os, statistics, sys, time
from pathlib import Path
from autograder.assignments import load_assignment
from autograder.grading import TestSuite, grade
from autograder.sandbox.course_folders import start_sandbox

def sandbox_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")

assignment = load_assignment(sys.argv[1])
sandbox = start_sandbox(assignment.course, fork=True, notebook_libraries=True)  # as a batch worker does
suite = TestSuite(assignment)
path = assignment.reference_dir / f"{assignment.module}.py"
grade(assignment, path, sandbox=sandbox, suite=suite)  # the first grading pays the first-use costs
walls = []
cpu_before, sandbox_before = time.process_time(), sandbox_seconds(sandbox.process.pid)
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    report = grade(assignment, path, sandbox=sandbox, suite=suite)
    walls.append(time.perf_counter() - started)
    assert report.score == report.max_score, report
cpu = time.process_time() - cpu_before + sandbox_seconds(sandbox.process.pid) - sandbox_before
sandbox.close()
print(statistics.median(walls), cpu / len(walls))
"""


def measure_warm(assignment: str, runs: int = WARM_RUNS) -> dict:
    """Median wall seconds and mean CPU seconds (grader, zygote and children) of a warm grading of the reference."""
    output = subprocess.run([sys.executable, "-c", WARM, assignment, str(runs)], cwd=PROJECT, check=True,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT)}).stdout
    wall, cpu = map(float, output.split())
    return {"wall": wall, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cluster", action="store_true", help="also grade each class on a Dask LocalCluster")
    parser.add_argument("--assignments", nargs="*",
                        default=sorted(p.name for p in (PROJECT / "reference").iterdir() if p.is_dir()))
    options = parser.parse_args()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f} at the start")
    rows = []
    for name in options.assignments:
        cold, warm = measure_cold(name, options.runs), measure_warm(name)
        batch = measure_batch(name, options.students, options.jobs)
        row = [name, f"{cold['grade']:.2f} s", f"{cold['ratio']:.2f}x", f"{warm['wall'] * 1000:.0f} ms",
               f"{warm['cpu'] * 1000:.0f} ms", f"{batch['rate']:.1f}/s", f"{batch['peak'] / 2**20:.0f} MiB",
               str(workers_for_an_hour(options.jobs / batch["rate"]))]
        if options.cluster:
            with local_cluster(options.jobs) as address:
                remote = measure_batch(name, options.students, options.jobs, memory=False, cluster=address)
            row.append(f"{remote['rate']:.1f}/s ({batch['rate'] / remote['rate'] - 1:+.0%})")
        rows.append(row)
        print(f"  {name} done ({time.strftime('%H:%M:%S')}, load average {os.getloadavg()[0]:.2f})", flush=True)
    header = ["assignment", "cold grade", "vs import torch", "warm wall", "warm CPU",
              f"batch ({options.jobs} workers, {options.students} students)", "peak/worker", "workers for 100k/h"]
    if options.cluster:
        header.append(f"LocalCluster ({options.jobs} workers)")
    print(_table([header, *rows]))
    print(f"load average at the end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
