"""Time cold `grade ASSIGNMENT` runs on the reference solution and measure their peak memory.

    python benchmarks/grade_cold.py [--runs 5] [--assignment assignment2 | all] [--vs-floor]

Each run is a fresh `grade` process (its zygote imports torch anew), as a student
experiences it. With --vs-floor each run is paired with a bare `python -c "import
torch"` right before it, the floor no grader can beat, and the figure is the median
of the pairs' ratios: pairs taken one right after the other see the same machine
load. Memory is measured in one more run: the peak of the summed proportional set
size (PSS) of the grader and every process below it, so pages the zygote shares with
its children are counted once (sampling PSS walks page tables, so the timed runs go
unsampled).
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from processes import peak_pss

PROJECT = Path(__file__).resolve().parents[1]
FLOOR = [sys.executable, "-c", "import torch"]
GOAL = 1.25  # the bound on a cold grade against the floor


def grade_command(assignment: str) -> list[str]:
    """This checkout's `grade ASSIGNMENT reference-solution`, with this interpreter."""
    submission = next(path for path in (PROJECT / "reference" / assignment).glob("*.py")
                      if not path.name.startswith("test_"))
    return [sys.executable, str(PROJECT / "cli.py"), assignment, str(submission)]


def timed(command: list[str], must_pass: bool = False) -> float:
    """Seconds `command` takes, its output thrown away."""
    started = time.perf_counter()
    code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    if must_pass and code != 0:
        sys.exit(f"{' '.join(command)} exited with {code}: the reference should pass every test")
    return time.perf_counter() - started


def measure_cold(assignment: str, runs: int) -> dict:
    """`runs` pairs of (floor, cold grade), back to back; the medians and the median ratio."""
    pairs = [(timed(FLOOR), timed(grade_command(assignment), must_pass=True)) for _ in range(runs)]
    return {"floor": statistics.median(floor for floor, _ in pairs),
            "grade": statistics.median(grade for _, grade in pairs),
            "ratio": statistics.median(grade / floor for floor, grade in pairs),
            "min_grade": min(grade for _, grade in pairs), "max_grade": max(grade for _, grade in pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--assignment", default="assignment2", help="an assignment, or all")
    parser.add_argument("--vs-floor", action="store_true", help='pair each run with a bare `python -c "import torch"`')
    options = parser.parse_args()
    names = (sorted(path.name for path in (PROJECT / "reference").iterdir() if path.is_dir())
             if options.assignment == "all" else [options.assignment])
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    for name in names:
        if options.vs_floor:
            cold = measure_cold(name, options.runs)
            verdict = "within" if cold["ratio"] <= GOAL else "over"
            print(f"cold `grade {name}` on the reference, {options.runs} pairs: median {cold['grade']:.2f} s against "
                  f"{cold['floor']:.2f} s for `import torch`: {cold['ratio']:.2f}x ({verdict} the {GOAL}x goal)")
            continue
        seconds = [timed(grade_command(name), must_pass=True) for _ in range(options.runs)]
        print(f"cold `grade {name}` on the reference, {options.runs} runs: median {statistics.median(seconds):.2f} s "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f})")
        print(f"peak memory (PSS of grader + zygote + children): {sampled_peak(grade_command(name)) / 2**20:.0f} MiB")


def sampled_peak(command: list[str]) -> int:
    """Run `command` once more and return the peak PSS of its process tree."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return peak_pss(process)


if __name__ == "__main__":
    main()
