"""Measure what hostile answers and hostile submissions cost the grader: memory per frame, wall time per student.

    python benchmarks/channel.py frames [--tree PATH]   # peak memory decoding each hostile frame
    python benchmarks/channel.py grade [--tree PATH] [NAME...]  # `grade` each (or the named) channel_* submission
    python benchmarks/channel.py budget [--tree PATH]   # the slow-load-then-crash submission, default limits

`frames` writes each frame from another process, as a child would, and reads it in
a fresh process with torch imported, as the grader does (wire.recv_frame, then
wire.load_answer): the figure is that process's peak RSS minus its RSS before the
frame arrived. The first frames are the worst found when answers were capped only
at 256 MiB; the last ones are the worst the current caps accept. `--tree` measures
another checkout (e.g. the commit before the caps) with the same frames.
`grade` and `budget` run the `grade` command and report its wall time and the peak
RSS (VmHWM) of the grading process itself.
"""
import argparse
import json
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
HOSTILE = PROJECT / "tests" / "submissions" / "assignment2" / "hostile"
MIB = 2**20
SAFETY_LIMIT = 12 * 2**30  # address space the reading process may take: a frame that wants more fails there
P = 2**61 - 1  # ints that are multiples of it all hash to 0


def answer(tree_json: bytes, blobs: bytes = b"", lengths=()) -> bytes:
    """A frame's payload: {"value": tree, "banned": []} as JSON, then the blobs."""
    header = (b'{"tree": {"$dict": [["value", ' + tree_json + b'], ["banned", []]]}, "blobs": '
              + json.dumps(list(lengths)).encode() + b"}")
    return struct.pack("!I", len(header)) + header + blobs


def listed(item: bytes, count: int) -> bytes:
    return b"[" + b",".join([item] * count) + b"]"


def shared_blob() -> bytes:
    spec = json.dumps({"$ndarray": {"blob": 0, "dtype": "float64", "shape": [8 * MIB]}}).encode()
    return answer(listed(spec, 24), bytes(64 * MIB), [64 * MIB])


def widened_blob() -> bytes:
    tensor = {"$tensor": {"blob": 0, "dtype": "bool", "shape": [64 * MIB]}, "dtype": "complex128",
              "requires_grad": False, "grad_fn": None}
    return answer(json.dumps(tensor).encode(), bytes(64 * MIB), [64 * MIB])


def colliding_members(count: int) -> bytes:
    return answer(json.dumps({"$frozenset": [{"$int": str(P * (i + 1))} for i in range(count)]}).encode())


def empty_tensors(count: int) -> bytes:
    node = {"$tensor": {"blob": 0, "dtype": "float32", "shape": [0]}, "dtype": "float32", "requires_grad": False,
            "grad_fn": None}
    items = [json.dumps({**node, "$tensor": {**node["$tensor"], "blob": i}}).encode() for i in range(count)]
    return answer(b"[" + b",".join(items) + b"]", b"", [0] * count)


FRAMES = {  # name -> payload maker
    "128 MiB of [{},{},...]": lambda: answer(listed(b"{}", 128 * MIB // 3)),
    "128 MiB of [[],[],...]": lambda: answer(listed(b"[]", 128 * MIB // 3)),
    "128 MiB of [0.5,0.5,...]": lambda: answer(listed(b"0.5", 128 * MIB // 4)),
    "a 64 MiB blob read by 24 arrays": shared_blob,
    "64 MiB of bool read as complex128": widened_blob,
    "nesting 1 000 000 deep": lambda: answer(b"[" * 1_000_000 + b"]" * 1_000_000),
    "150 000 colliding set members": lambda: colliding_members(150_000),
    "cap: 250 000 empty lists": lambda: answer(listed(b"[]", 249_990)),
    "cap: 500 000 floats": lambda: answer(listed(b"0.5", 499_980)),
    "cap: 3 strings of 1 MiB emoji": lambda: answer(listed(json.dumps("\U0001F600" * (MIB // 4 - 8),
                                                                      ensure_ascii=False).encode(), 3)),
    "cap: 25 000 empty tensors": lambda: empty_tensors(25_000),
    "cap: 99 000 handles": lambda: answer(listed(b'{"$handle": 1, "type": "x"}', 99_000)),
    "cap: one 15.9 MiB array": lambda: answer(json.dumps({"$ndarray": {"blob": 0, "dtype": "float64",
                                                                       "shape": [2_080_000]}}).encode(),
                                              bytes(16_640_000), [16_640_000]),
    "cap: 1000 colliding set members": lambda: colliding_members(1000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("frames", "grade", "budget"))
    parser.add_argument("names", nargs="*", help="for grade: which channel_* submissions (default: all)")
    parser.add_argument("--tree", type=Path, default=PROJECT, help="the checkout to measure (default: this one)")
    parser.add_argument("--frame", help=argparse.SUPPRESS)  # one frame, in the measuring process
    arguments = parser.parse_intermixed_args()
    if arguments.frame:
        measure_frame(arguments.tree, arguments.frame)
    elif arguments.what == "frames":
        print(f"{'frame':36s} {'peak RSS':>10s} {'time':>8s}  outcome")
        for name in FRAMES:
            subprocess.run([sys.executable, __file__, "frames", "--tree", str(arguments.tree), "--frame", name])
    elif arguments.what == "grade":
        for path in sorted(HOSTILE.glob("channel_*.py")):
            if not arguments.names or path.stem in arguments.names:
                report_grade(arguments.tree, path)
    else:
        with tempfile.TemporaryDirectory() as folder:
            report_grade(arguments.tree, HOSTILE / "channel_slow_load_crash.py", Path(folder))


def measure_frame(tree: Path, name: str) -> None:
    """Send frame `name` from a forked writer and read it here as the grader would; print what it cost."""
    ours, theirs = socket.socketpair()
    if os.fork() == 0:
        ours.close()
        payload = FRAMES[name]()
        try:
            theirs.sendall(struct.pack("!I", len(payload)) + payload)
        except OSError:
            pass  # the reader refused the frame and hung up
        os._exit(0)
    theirs.close()
    sys.path.insert(0, str(tree))
    import torch  # noqa: F401 -- the grader has it loaded

    from autograder.sandbox import wire

    limit = getattr(wire, "MAX_ANSWER_BYTES", None)
    resource.setrlimit(resource.RLIMIT_AS, (SAFETY_LIMIT, SAFETY_LIMIT))
    before = _status("VmRSS")
    select.select([ours], [], [])  # the writer has built its frame: time the reading only
    started = time.monotonic()
    try:
        frame = wire.recv_frame(ours, time.monotonic() + 600, *([limit] if limit else []))
        wire.load_answer(frame, lambda handle, type_name: object())
        outcome = "accepted"
    except Exception as error:  # noqa: BLE001 -- whatever happened is the figure
        outcome = f"{type(error).__name__}: {str(error)[:60]}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ours.close()
    os.wait()
    print(f"{name:36s} {(peak - before) / 1024:6.0f} MiB {time.monotonic() - started:6.2f} s  {outcome}", flush=True)


def report_grade(tree: Path, submission: Path, copy_into: Path | None = None) -> None:
    """Run `grade assignment2 submission` from `tree`; print its wall time and the grading process's peak RSS."""
    if copy_into is not None:  # the budget run: the submission as written, with the default limits
        copy_into.joinpath("regularization.py").write_text(submission.read_text())
        submission = copy_into / "regularization.py"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "cli.py", "assignment2", str(submission)], cwd=tree,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _status("VmHWM", process.pid))
        time.sleep(0.05)
    output = process.stdout.read()
    total = next((line.strip() for line in output.splitlines() if line.startswith("Total")), output[-200:])
    print(f"{submission.name:32s} exit {process.returncode}  {time.monotonic() - started:6.1f} s  "
          f"grader peak RSS {peak / 1024:6.0f} MiB  {total}", flush=True)


def _status(field: str, pid: int | str = "self") -> int:
    """A memory figure (KiB) from /proc/PID/status; 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return 0


if __name__ == "__main__":
    main()
