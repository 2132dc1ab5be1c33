"""Build one assignment's Gradescope autograder and measure one run_autograder as Gradescope's container runs it.

    python benchmarks/gradescope.py [--assignment assignment2]

- how long `grade gradescope` takes to build the zip, and its size;
- the peak memory of one run_autograder grading the reference solution: the summed proportional set size (PSS)
  of run_autograder and every process below it (grader, zygote, children), sampled every 10 ms, and, where
  cgroup v1's memory controller is mounted, the peak of a memory cgroup of its own (page cache included: what a
  container's limit counts). Gradescope's default container has 768 MB; the goal is under 700 MB;
- the same run with namespaces refused, as Docker refuses them to a container without CAP_SYS_ADMIN (here by
  the sandbox's own seccomp filter, which makes unshare, setns and mount fail with EPERM): its peak memory and
  the layers that still confined the student's code, as results.json lists them.

run_autograder runs this environment's `grade` (GRADE_COMMAND), the one `pip install -e .` made.
"""
import argparse
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from processes import peak_pss

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from autograder.assignments import load_assignment  # noqa: E402 -- after the checkout is on sys.path
from autograder.sandbox import seccomp  # noqa: E402
from autograder.shipping.gradescope_package import build_package  # noqa: E402

MEMORY_CGROUPS = Path("/sys/fs/cgroup/memory")
PR_SET_NO_NEW_PRIVS = 38
GOAL = 700 * 10**6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="assignment2")
    options = parser.parse_args()
    assignment = load_assignment(options.assignment, PROJECT)
    with tempfile.TemporaryDirectory(prefix="gradescope-bench-") as folder:
        package = Path(folder) / "autograder.zip"
        started = time.perf_counter()
        build_package(assignment, package)
        built = time.perf_counter() - started
        print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"grade gradescope {options.assignment}: {package.stat().st_size / 1e6:.2f} MB zip in {built:.1f} s")
        submission = next(assignment.reference_dir.glob(f"{assignment.module}.py"))
        for label, refuse_namespaces in (("as this machine allows", False), ("namespaces refused", True)):
            root = _unpacked(package, Path(folder) / label.replace(" ", "-"), submission)
            peak, group_peak = _measured_run(root, refuse_namespaces)
            results = json.loads((root / "results" / "results.json").read_text())
            print(f"run_autograder, {label}: score {results['score']:g}, peak PSS {peak / 1e6:.0f} MB"
                  + (f", cgroup peak {group_peak / 1e6:.0f} MB" if group_peak else "")
                  + (" (over the 700 MB goal)" if max(peak, group_peak) > GOAL else " (under the 700 MB goal)"))
            print("  layers: " + "; ".join(results["extra_data"]["sandbox"]))


def _unpacked(package: Path, root: Path, submission: Path) -> Path:
    """Lay out `root` as Gradescope lays out /autograder, with `submission` to grade."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    (root / "submission").mkdir()
    shutil.copy(submission, root / "submission" / submission.name)
    return root


def _measured_run(root: Path, refuse_namespaces: bool) -> tuple[int, int]:
    """Run run_autograder once; return its tree's peak PSS and its memory cgroup's peak (0 without one)."""
    group = _memory_cgroup()
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root),
                   "GRADE_COMMAND": str(Path(sys.executable).with_name("grade"))}
    environment.pop("GRADE_COURSE", None)

    def confine():
        if group:
            (group / "cgroup.procs").write_text(str(os.getpid()))
        if refuse_namespaces:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
            seccomp.install()

    process = subprocess.Popen([str(root / "run_autograder")], cwd=root, env=environment, preexec_fn=confine,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = peak_pss(process)
    group_peak = 0
    if group:
        group_peak = int((group / "memory.max_usage_in_bytes").read_text())
        group.rmdir()
    return peak, group_peak


def _memory_cgroup() -> Path | None:
    """A fresh cgroup v1 memory folder for one run, or None where there is none to make."""
    if not (MEMORY_CGROUPS / "cgroup.procs").exists():
        return None
    try:
        return Path(tempfile.mkdtemp(prefix="gradescope-bench-", dir=MEMORY_CGROUPS))
    except OSError:
        return None


if __name__ == "__main__":
    main()
