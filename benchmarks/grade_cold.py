"""Time cold `grade assignment2` runs on the reference solution and measure their peak memory.

    python benchmarks/grade_cold.py [--runs 5] [--assignment assignment2]

Each run is a fresh `grade` process (its zygote imports torch anew), as a student
experiences it. Memory is the peak, over the run, of the summed proportional set
size (PSS) of the grader and every process below it, so pages the zygote shares
with its children are counted once.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from processes import pss, tree

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.01


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--assignment", default="assignment2")
    options = parser.parse_args()
    submission = next((PROJECT / "reference" / options.assignment).glob("[!t]*.py"))
    grade = Path(sys.executable).with_name("grade")
    seconds, peaks = [], []
    for _ in range(options.runs):
        elapsed, peak, code = cold_run([str(grade), options.assignment, str(submission)])
        if code != 0:
            sys.exit(f"grade exited with {code}: the reference should pass every test")
        seconds.append(elapsed)
        peaks.append(peak)
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"cold `grade {options.assignment}` on the reference, {options.runs} runs: "
          f"median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})")
    print(f"peak memory (PSS of grader + zygote + children): median {statistics.median(peaks) / 2**20:.0f} MiB, "
          f"max {max(peaks) / 2**20:.0f} MiB")


def cold_run(command: list[str]) -> tuple[float, int, int]:
    """Run `command` once; return its wall time, the peak PSS of its process tree, and its exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(process, peak), daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - started
    sampler.join()
    return elapsed, peak[0], code


def _sample_tree(process: subprocess.Popen, peak: list[int]) -> None:
    while process.poll() is None:
        peak[0] = max(peak[0], sum(pss(pid) for pid in tree(process.pid)))
        time.sleep(SAMPLE_SECONDS)


if __name__ == "__main__":
    main()
