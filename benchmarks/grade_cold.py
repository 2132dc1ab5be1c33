"""Time cold `grade assignment2` runs on the reference solution and measure their peak memory.

    python benchmarks/grade_cold.py [--runs 5] [--assignment assignment2]

Each run is a fresh `grade` process (its zygote imports torch anew), as a student
experiences it. Memory is measured in one more run: the peak of the summed
proportional set size (PSS) of the grader and every process below it, so pages
the zygote shares with its children are counted once (sampling PSS walks page
tables, so the timed runs go unsampled).
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
    command = [str(grade), options.assignment, str(submission)]
    seconds = []
    for _ in range(options.runs):
        started = time.perf_counter()
        code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if code != 0:
            sys.exit(f"grade exited with {code}: the reference should pass every test")
        seconds.append(time.perf_counter() - started)
    peak = sampled_peak(command)
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"cold `grade {options.assignment}` on the reference, {options.runs} runs: "
          f"median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})")
    print(f"peak memory (PSS of grader + zygote + children): {peak / 2**20:.0f} MiB")


def sampled_peak(command: list[str]) -> int:
    """Run `command` once more and return the peak PSS of its process tree."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(process, peak), daemon=True)
    sampler.start()
    process.wait()
    sampler.join()
    return peak[0]


def _sample_tree(process: subprocess.Popen, peak: list[int]) -> None:
    while process.poll() is None:
        peak[0] = max(peak[0], sum(pss(pid) for pid in tree(process.pid)))
        time.sleep(SAMPLE_SECONDS)


if __name__ == "__main__":
    main()
