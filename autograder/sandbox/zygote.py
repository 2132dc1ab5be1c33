"""The zygote: one process that imports torch once and forks a child per submission.

    grader ==control (seqpacket, JSON + fds)==> zygote --fork--> child (confined)
    grader <========== data socket (wire frames) ==============> child

The grader starts it with `python -m autograder.sandbox.zygote FD CONFIG_JSON` as a
fresh interpreter, or (a batch worker, to share its already imported torch) by
forking itself; either way before it loads any reference solution or hidden test,
so a child can never find a solution or an expected value in memory it inherited.
Forking a child from here costs milliseconds where a new interpreter costs the
1.5 s of `import torch`.

Control messages (grader -> zygote, one JSON object per packet):
    {"op": "spawn"} with the child's end of a socketpair attached -> {"pid": int}
    {"op": "reap", "pid": int}  -> {"exit": int} or {"signal": int}
    {"op": "quit"}
The zygote answers {"ready": true, "layers": [...], "notes": [...]} once at start.
"""
import ctypes
import dataclasses
import gc
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

PRELOADED = (
    "math", "random", "itertools", "functools", "collections", "copy", "typing", "dataclasses",
    "time", "statistics", "abc", "numbers", "operator", "string", "re", "warnings", "contextlib",
    "numpy", "numpy.linalg", "numpy.random", "torch", "torch.nn", "torch.nn.functional", "torch.optim",
    "torch.utils.data",
)
PR_SET_PDEATHSIG = 1
# Each child runs as CHILD_UID_BASE + its pid: a uid no other live child (of any zygote) has, so RLIMIT_NPROC
# and the final sweep count only its own processes.
CHILD_UID_BASE = 200_000
CHILD_PROCESSES = 256
# Student code yields the CPU to graders: an endless loop then costs a batch its own time limit, not a core.
CHILD_NICENESS = 10
STOP_GRACE = 5.0  # seconds a child's pid namespace gets to empty before everything is killed by force
CONTROL_PACKET = 65536


def main() -> None:
    serve(int(sys.argv[1]), json.loads(sys.argv[2]))


def serve(fd: int, config: dict) -> None:
    """Prepare (imports, probe) and serve control messages on `fd` until told to quit."""
    control = socket.socket(fileno=fd)
    _die_with_parent()
    for name in PRELOADED:  # the child may lose read access to the interpreter's files after its uid drop
        __import__(name)
    import torch

    torch.set_num_threads(1)  # a child forked after a multi-threaded op hangs in OpenMP
    from autograder.sandbox import child, layers

    template = layers.Confinement(scratch=Path(config["scratch"]),
                                  readable=tuple(Path(p) for p in config["readable"]),
                                  hidden=tuple(Path(p) for p in config["hidden"]),
                                  memory_bytes=config["memory_bytes"], processes=CHILD_PROCESSES,
                                  unprivileged_uid=CHILD_UID_BASE)
    capabilities = layers.probe(template)
    _warm_up(torch)
    # Children share the zygote's pages until they write to them; a garbage collection walking every object
    # inherited would write to (and so copy) all of them. Frozen objects are never walked.
    gc.freeze()
    _send(control, {"ready": True, "notes": list(capabilities.notes)})
    Zygote(control, template, capabilities, child, layers).run()


class Zygote:
    def __init__(self, control, template, capabilities, child_module, layers_module):
        self.control, self.template, self.capabilities = control, template, capabilities
        self.child, self.layers = child_module, layers_module
        self.confinements: dict[int, object] = {}

    def run(self) -> None:
        """Serve control messages until the grader quits or goes away, then kill every child."""
        while True:
            try:
                packet, fds, _, _ = socket.recv_fds(self.control, CONTROL_PACKET, 1)
            except OSError:
                packet, fds = b"", []
            if not packet:
                break
            message = json.loads(packet)
            if message["op"] == "spawn":
                _send(self.control, {"pid": self.spawn(fds[0])})
            elif message["op"] == "reap":
                _send(self.control, self.reap(message["pid"]))
            else:
                break
        for pid in list(self.confinements):
            self.reap(pid)

    def spawn(self, fd: int) -> int:
        """Fork a confined child serving on `fd`; return its pid."""
        scratch = Path(tempfile.mkdtemp(prefix="child-", dir=self.template.scratch))
        pid = os.fork()
        if pid == 0:
            self._become_child(fd, self._confinement(os.getpid(), scratch))
        os.close(fd)
        self.confinements[pid] = self._confinement(pid, scratch)
        return pid

    def _confinement(self, pid: int, scratch: Path):
        return dataclasses.replace(self.template, scratch=scratch, unprivileged_uid=CHILD_UID_BASE + pid)

    def _become_child(self, fd: int, confinement) -> None:
        try:
            _die_with_parent()
            self.layers.enter_pid_namespace()
            os.nice(CHILD_NICENESS)
            null = os.open(os.devnull, os.O_RDWR)
            for standard in (0, 1, 2):  # a child holding the grader's stdout open would make it wait forever
                os.dup2(null, standard)
            layers = self.layers.confine(confinement, self.capabilities, keep_fds=(fd,))
            self.child.serve(socket.socket(fileno=fd), layers)
        finally:
            os._exit(70)

    def reap(self, pid: int) -> dict:
        """Stop a child (if it still runs) and everything it started; report how it ended."""
        status = self._stop(pid)
        confinement = self.confinements.pop(pid, None)
        if confinement is not None:
            shutil.rmtree(confinement.scratch, ignore_errors=True)
            self.layers.sweep(self.capabilities, confinement)
        if os.WIFSIGNALED(status):
            return {"signal": os.WTERMSIG(status)}
        return {"exit": os.WEXITSTATUS(status)}


    def _stop(self, pid: int) -> int:
        """End a child and return its wait status: politely through its pid namespace, else by force."""
        if self.capabilities.namespaces:
            _signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE
            while time.monotonic() < deadline:
                done, status = _wait(pid, os.WNOHANG)
                if done:
                    return status
                time.sleep(0.001)
        _signal(-pid, signal.SIGKILL)  # the whole process group the child leads
        _signal(pid, signal.SIGKILL)
        return _wait(pid, 0)[1]


def _wait(pid: int, options: int) -> tuple[bool, int]:
    try:
        done, status = os.waitpid(pid, options)
    except ChildProcessError:
        return True, 0
    return done == pid, status


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def _warm_up(torch) -> None:
    """Run torch's usual operations once, so each child inherits their lazy set-up instead of redoing it."""
    layer = torch.nn.Linear(4, 3)
    inputs = torch.rand(2, 4, requires_grad=True)
    output = layer(inputs)
    (output.abs().sum() + (output ** 2).sum()).backward()
    values = torch.rand(1000, dtype=torch.float64).float()
    kept = torch.rand_like(values) > 0.5
    (values * kept / 0.5)[kept].numpy()


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies, so nothing outlives the grader."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


if __name__ == "__main__":
    main()
