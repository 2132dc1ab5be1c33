"""The zygote: one process that imports torch once and forks a child per submission.

The processes and the messages between them are drawn once, in autograder/sandbox/__init__.py.

The grader starts it with `python -c "...; main()" FD` from "/" as a fresh interpreter that
drops '' from sys.path (so neither the grader's folder nor anything in it is on it), or (a batch
worker, to share its already imported torch) by forking itself; either way before it loads
any reference solution or hidden test, so a child can never find a solution or an expected
value in memory it inherited. Forking a child from here costs milliseconds where a new
interpreter costs the 1.5 s of `import torch`.

It answers the grader's control messages (typed in zygote_messages.py, drawn there too) one
packet each; the cgroup folders named in its Ready message are the grader's to remove should the
zygote die without doing so.
"""
import dataclasses
import gc
import importlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox import layers
from autograder.sandbox.zygote_messages import (Config, ControlError, Ended, Quit, Ready, Reap, Spawn, Spawned,
                                                decode, encode)

PRELOADED = (
    "math", "random", "itertools", "functools", "collections", "copy", "typing", "dataclasses",
    "time", "statistics", "abc", "numbers", "operator", "string", "re", "warnings", "contextlib",
    "numpy", "numpy.linalg", "numpy.random", "torch", "torch.nn", "torch.nn.functional", "torch.optim",
    "torch.utils.data",
)
# Each child runs as CHILD_UID_BASE + its pid: a uid no other live child (of any zygote) has, so RLIMIT_NPROC
# and the final sweep count only its own processes.
CHILD_UID_BASE = 200_000
CHILD_PROCESSES = 256  # RLIMIT_NPROC, per uid: the backstop when there is no pids cgroup
# A submission's processes together (its cgroup): enough for torch, numpy and matplotlib with room to spare,
# and few enough that a grader, its zygote and one hostile submission stay under 1.5 GiB together.
SUBMISSION_MEMORY = 768 * 2**20
SUBMISSION_PROCESSES = 64
# Student code yields the CPU to graders: an endless loop then costs a batch its own time limit, not a core.
CHILD_NICENESS = 10
STOP_GRACE = 5.0  # seconds a child's pid namespace gets to empty before everything is killed by force
CONTROL_PACKET = 65536
SPAWN_WITHOUT_SOCKET = "a Spawn message without the child's socket"


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    config = decode(control.recv(CONTROL_PACKET), Config)
    serve(control.detach(), config)
    os._exit(0)  # cleaned up already; tearing down torch's interpreter would hold up the grader ~0.2 s more


def serve(fd: int, config: Config) -> None:
    """Prepare (environment, imports, limits, probe) and serve control messages on `fd` until told to quit."""
    control = socket.socket(fileno=fd)
    # SIGTERM, from a grader that died or is being stopped, ends the zygote through the `finally` below: its
    # children, cgroups and scratch folder go with it.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    layers.die_with_parent(os.getppid(), signal.SIGTERM)
    zygote = None
    try:
        zygote = _prepare(control, config)
        zygote.run()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # leaving already: a late SIGTERM must not cut the clean-up
        if zygote is not None:
            zygote.close()
        else:
            shutil.rmtree(config.scratch, ignore_errors=True)


def _prepare(control: socket.socket, config: Config) -> "Zygote":
    """Import, confine the template, probe and warm up; say so to the grader and return the zygote that serves."""
    from autograder.sandbox import cgroups, child, environment

    # A forked zygote inherited its parent's environment: from here on it holds only what it needs.
    environment.replace_environment(environment.grader_environment())
    for name in PRELOADED:  # the child may lose read access to the interpreter's files after its uid drop
        __import__(name)
    import_libraries(config.libraries)
    import torch

    torch.set_num_threads(1)  # a child forked after a multi-threaded op hangs in OpenMP
    template = layers.Confinement(scratch=Path(config.scratch), readable=tuple(Path(p) for p in config.readable),
                                  hidden=tuple(Path(p) for p in config.hidden),
                                  memory_bytes=config.memory_bytes, processes=CHILD_PROCESSES,
                                  unprivileged_uid=CHILD_UID_BASE)
    template = dataclasses.replace(template, view=layers.view(template))
    environment.forget_grader_paths(template.view.paths)
    capabilities = layers.probe(template)
    fonts = environment.font_lists(Path(config.font_cache))
    _warm_up(torch)
    hierarchy, cgroup_note = cgroups.probe(SUBMISSION_MEMORY, SUBMISSION_PROCESSES)
    zygote = Zygote(control, template, capabilities, hierarchy, fonts, (child, environment, layers))
    # Children share the zygote's pages until they write to them; a garbage collection walking every object
    # inherited would write to (and so copy) all of them. Frozen objects are never walked.
    gc.freeze()
    notes = (*capabilities.notes, *([cgroup_note] if cgroup_note else []))
    folders = tuple(sorted({str(folder) for folder in hierarchy.folders.values()})) if hierarchy else ()
    control.send(encode(Ready(notes, folders)))
    return zygote


def import_libraries(names: tuple[str, ...]) -> None:
    """Import libraries that students' notebooks import besides torch (matplotlib.pyplot costs a child half a
    second), so that every child finds them imported; matplotlib on Agg, as every child's MPLBACKEND says."""
    os.environ["MPLBACKEND"] = "Agg"
    for name in names:
        importlib.import_module(name)


@dataclasses.dataclass
class _Child:
    confinement: object
    group: object  # its cgroups.Group, or None


class Zygote:
    def __init__(self, control, template, capabilities, hierarchy, fonts: dict[str, bytes], modules):
        self.control, self.template, self.capabilities = control, template, capabilities
        self.hierarchy, self.fonts = hierarchy, fonts
        self.child, self.environment, self.layers = modules  # imported before gc.freeze(), so children share them
        self.children: dict[int, _Child] = {}

    def run(self) -> None:
        """Serve control messages until the grader quits or goes away; refuse any other message (ControlError)."""
        while True:
            try:
                packet, fds, _, _ = socket.recv_fds(self.control, CONTROL_PACKET, 1)
            except OSError:
                packet, fds = b"", []
            if not packet:
                break
            message = decode(packet, Spawn, Reap, Quit)
            if type(message) is Spawn:
                if not fds:
                    raise ControlError(SPAWN_WITHOUT_SOCKET)
                self.control.send(encode(Spawned(self.spawn(fds[0]))))
            elif type(message) is Reap:
                self.control.send(encode(self.reap(message.pid)))
            else:
                break

    def close(self) -> None:
        """Kill every child and remove its scratch and cgroup, then the zygote's own cgroups and scratch folder."""
        for pid in list(self.children):
            self.reap(pid)
        if self.hierarchy:
            self.hierarchy.remove()
        shutil.rmtree(self.template.scratch, ignore_errors=True)

    def spawn(self, fd: int) -> int:
        """Fork a confined child serving on `fd`, in a cgroup of its own where there are cgroups; return its pid."""
        scratch = Path(tempfile.mkdtemp(prefix="child-", dir=self.template.scratch))
        group = None
        if self.hierarchy:
            try:
                group = self.hierarchy.create()
            except OSError:
                pass  # the rlimits still hold, and the child's phrases will not claim the cgroup
        pid = os.fork()
        if pid == 0:
            self._become_child(fd, self._confinement(os.getpid(), scratch), group)
        os.close(fd)
        self.children[pid] = _Child(self._confinement(pid, scratch), group)
        return pid

    def _confinement(self, pid: int, scratch: Path):
        return dataclasses.replace(self.template, scratch=scratch, unprivileged_uid=CHILD_UID_BASE + pid)

    def _become_child(self, fd: int, confinement, group) -> None:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the zygote's way out is not the child's
            layers.die_with_parent(os.getppid())
            phrases = []
            if group:
                try:  # before the pid namespace's fork, so that every process of the submission is in it
                    phrases += group.join()
                except OSError:
                    pass
            self.layers.enter_pid_namespace()
            os.nice(CHILD_NICENESS)
            null = os.open(os.devnull, os.O_RDWR)
            for standard in (0, 1, 2):  # a child holding the grader's stdout open would make it wait forever
                os.dup2(null, standard)
            phrases += self.layers.confine(confinement, self.capabilities, keep_fds=(fd,))
            self.environment.settle_child(confinement.scratch, self.fonts)
            self.child.serve(socket.socket(fileno=fd), phrases)
        finally:
            os._exit(70)

    def reap(self, pid: int) -> Ended:
        """Stop a child (if it still runs) and everything it started; report how it ended."""
        status = self._stop(pid)
        ended = Ended(signal=os.WTERMSIG(status)) if os.WIFSIGNALED(status) else Ended(exit=os.WEXITSTATUS(status))
        known = self.children.pop(pid, None)
        if known is None:
            return ended
        if known.group:
            if known.group.out_of_memory():
                ended = dataclasses.replace(ended, out_of_memory=self.layers.size_text(self.hierarchy.memory_bytes))
            try:
                known.group.remove()
            except OSError:
                pass  # the zygote's own folder is removed at quit, and the grader removes what is left then
        shutil.rmtree(known.confinement.scratch, ignore_errors=True)
        self.layers.sweep(self.capabilities, known.confinement)
        return ended

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


def _exit_on_signal(number, frame) -> None:
    """Leave through the `finally` that cleans up; later signals (a parent dies once per thread) are ignored."""
    signal.signal(number, signal.SIG_IGN)
    raise SystemExit(128 + number)


if __name__ == "__main__":
    main()
