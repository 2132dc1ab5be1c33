"""Read process trees and their memory from /proc, for the benchmarks."""
import subprocess
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.01


def tree(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            children.setdefault(parent(int(entry.name)), []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def parent(pid: int) -> int:
    """The parent pid, or -1 when the process is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages divided among the processes sharing them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def command(pid: int) -> str:
    """The command line, or "" when the process is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def peak_pss(process: subprocess.Popen) -> int:
    """Wait for `process` and return the peak PSS of its tree, sampled every SAMPLE_SECONDS while it ran."""
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], sum(pss(pid) for pid in tree(process.pid)))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    sampler.join()
    return peak[0]
