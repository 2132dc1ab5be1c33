"""Measure what feedback.html's plots add to grading one submission, as a batch worker pays it.

    python benchmarks/feedback.py [--runs 5] [--assignment assignment2 ...]

For each assignment, one submission with one known mistake (so one function fails) is graded warm, as a
worker grades the students after its first: its zygote, suite, reference and matplotlib already loaded. Each
run times grade() plus rendering feedback.html, without plots, with the failing function's plots (the
default) and with every plot (`--plots all`); the figures are the medians' differences. Importing matplotlib,
which a process pays once, is timed on its own in a fresh interpreter.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]

from autograder.assignments import load_assignment  # noqa: E402 -- after the project is on the path
from autograder.grading import TestSuite, grade  # noqa: E402
from autograder.plotdata import PLOTS_ALL, PLOTS_FAILING, PLOTS_NONE  # noqa: E402
from autograder.report import html  # noqa: E402
from autograder.sandbox.course_folders import start_sandbox  # noqa: E402
from submissions.mutations import with_mistakes  # noqa: E402

FAILING = {  # one mistake each: the function whose plots the default draws
    "assignment1": ("submissions.assignment1.mistakes", "ShallowNarrowExercise_train_sequential_update"),
    "assignment2": ("submissions.assignment2.mistakes", "dropout_no_rescale"),
    "assignment3": ("submissions.assignment3.mistakes", "adam_step_no_bias_correction"),
    "assignment4": ("submissions.assignment4.mistakes", "train_test_split_sequential"),
}
IMPORT = "import time; t = time.perf_counter(); import autograder.report.plots, matplotlib.figure, " \
         "matplotlib.backends.backend_agg; print(time.perf_counter() - t)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--assignment", action="append", choices=sorted(FAILING))
    options = parser.parse_args()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"Python {platform.python_version()}")
    imported = subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True, cwd=PROJECT,
                              env={**os.environ, "PYTHONPATH": str(PROJECT)}, check=True)
    print(f"importing matplotlib for the plots, once per process: {float(imported.stdout):.2f} s")
    for name in options.assignment or sorted(FAILING):
        measure(name, options.runs)


def measure(name: str, runs: int) -> None:
    """Print the median seconds of grading and rendering with each plot mode, and what the plots add."""
    import importlib

    assignment = load_assignment(name, PROJECT)
    module, mistake = FAILING[name]
    reference = (assignment.reference_dir / f"{assignment.module}.py").read_text()
    submission = Path(f"/tmp/benchmark-feedback-{os.getpid()}") / name / f"{assignment.module}.py"
    submission.parent.mkdir(parents=True, exist_ok=True)
    submission.write_text(with_mistakes(reference, [importlib.import_module(module).MISTAKES[mistake]]))
    with start_sandbox(assignment.course) as sandbox:
        suite = TestSuite(assignment)
        seconds, plots = {}, {}
        for mode in (PLOTS_NONE, PLOTS_FAILING, PLOTS_ALL):
            timed(assignment, submission, sandbox, suite, mode)  # warm: first calls fill caches
            samples = [timed(assignment, submission, sandbox, suite, mode) for _ in range(runs)]
            seconds[mode] = statistics.median(sample for sample, _ in samples)
            plots[mode] = samples[0][1]
    base = seconds[PLOTS_NONE]
    print(f"{name} ({mistake}): grade + feedback.html without plots {base:.2f} s; "
          f"failing function, {plots[PLOTS_FAILING]} plots: +{seconds[PLOTS_FAILING] - base:.2f} s; "
          f"--plots all, {plots[PLOTS_ALL]} plots: +{seconds[PLOTS_ALL] - base:.2f} s")


def timed(assignment, submission: Path, sandbox, suite, mode: str) -> tuple[float, int]:
    """Seconds to grade `submission` with plots `mode` and render its page; and how many plots it has."""
    started = time.perf_counter()
    report = grade(assignment, submission, sandbox=sandbox, suite=suite, plots=mode)
    html.render(report)
    return time.perf_counter() - started, len(report.plots)


if __name__ == "__main__":
    main()
