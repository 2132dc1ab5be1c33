"""The grader's control of the zygote: start it, have it fork and reap children, stop it.

The zygote's side is zygote.py; the control socket's messages are typed in zygote_messages.py and drawn in
autograder/sandbox/__init__.py. Spawning returns a transport.Child, the data socket to one confined child.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox import cgroups
from autograder.sandbox.environment import grader_environment, matplotlib_cache
from autograder.sandbox.transport import SPAWN_TIMEOUT, Child
from autograder.sandbox.zygote_messages import (Config, ControlError, Ended, Quit, Ready, Reap, Spawn, Spawned,
                                                decode, encode)

DEFAULT_MEMORY = 3 * 2**30  # each process's address space
START_TIMEOUT = 120.0  # the zygote imports torch; a cold disk cache can take a while
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def fresh_python(module: str, function: str) -> tuple[str, ...]:
    """The arguments that make a new interpreter call `module.function()`, dropping the current folder ('') from
    sys.path before it imports anything: what -P does on Python 3.11+, written so that Python 3.10 (Gradescope's
    default image) does it too."""
    return "-c", f"import sys; sys.path[:] = [p for p in sys.path if p]; from {module} import {function}; {function}()"


def fresh_environment() -> dict[str, str]:
    """The whole environment of a grader process started afresh: grader_environment(), able to import this
    autograder."""
    return {**grader_environment(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}


ZYGOTE_COMMAND = fresh_python("autograder.sandbox.zygote", "main")


class SandboxError(Exception):
    """The sandbox itself failed: a grading error, never the student's fault."""


class Sandbox:
    """A zygote process that forks confined children on demand."""

    def __init__(self, hidden=(), readable=(), memory_bytes: int = DEFAULT_MEMORY, fork: bool = False,
                 scratch_root: Path | None = None, libraries: tuple[str, ...] = ()):
        """Start the zygote: a fresh interpreter, or with `fork` this very process, whose torch is then shared.

        Fork only from a process that holds nothing secret yet and has run no multi-threaded torch op. Every
        child's scratch folder is made inside a folder of this sandbox's own, under `scratch_root` (default: the
        system's temporary folder), which close() removes whatever happened to the zygote. The zygote imports
        `libraries` (zygote.import_libraries) for every child to find imported.
        """
        self.scratch = Path(tempfile.mkdtemp(prefix="grade-sandbox-", dir=scratch_root)).resolve()
        self.scratch.chmod(0o711)  # children dropped to their own uid must reach their scratch folder inside
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = Config(hidden=tuple(str(Path(p).resolve()) for p in hidden),
                        readable=tuple(str(Path(p).resolve()) for p in (*readable, PACKAGE_ROOT / "autograder")),
                        memory_bytes=memory_bytes, scratch=str(self.scratch), font_cache=str(matplotlib_cache()),
                        libraries=tuple(libraries))
        if fork:
            self.process = _forked_zygote(theirs, config)
        else:
            self.process = _exec_zygote(theirs)
            ours.send(encode(config))  # not on its command line, which anyone can read
        theirs.close()
        self.control = ours
        self._notes: list[str] | None = None
        self.cgroup_folders: list[str] = []  # the zygote's, removed at close

    @property
    def notes(self) -> list[str]:
        """Sentences on the layers this machine could not provide (waits for the zygote to be ready)."""
        if self._notes is None:
            ready = self._receive(START_TIMEOUT, Ready)
            self._notes, self.cgroup_folders = list(ready.notes), list(ready.cgroups)
        return self._notes

    def spawn(self) -> Child:
        """Fork a fresh confined child and wait for its greeting."""
        self.notes  # noqa: B018 -- the zygote's ready message comes first
        ours, theirs = socket.socketpair()
        socket.send_fds(self.control, [encode(Spawn())], [theirs.fileno()])
        theirs.close()
        spawned = self._receive(SPAWN_TIMEOUT, Spawned)
        return Child(self, spawned.pid, ours)

    def reap(self, pid: int) -> Ended:
        """Have the zygote stop a child (if it still runs) and say how it ended."""
        self.control.send(encode(Reap(pid)))
        return self._receive(SPAWN_TIMEOUT, Ended)

    def close(self) -> None:
        """Stop the zygote; it kills every child it still has. Remove what a zygote that died left behind."""
        if self.process.poll() is None:
            try:
                self.control.send(encode(Quit()))
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self._notes is None:  # a zygote that died ready, before anyone asked: its cgroups are still named
            with contextlib.suppress(SandboxError):
                self.cgroup_folders = list(self._receive(0.0, Ready).cgroups)
        self.control.close()
        for folder in self.cgroup_folders:
            with contextlib.suppress(OSError):
                cgroups.remove_tree(Path(folder))
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _receive(self, timeout: float, expected: type):
        """The zygote's next message, which must be of the `expected` kind."""
        self.control.settimeout(timeout)
        try:
            packet = self.control.recv(65536)
        except (socket.timeout, OSError) as error:
            raise SandboxError(f"the sandbox stopped answering ({error or 'timeout'})") from None
        if not packet:
            raise SandboxError(f"the sandbox process ended (exit status {self.process.poll()})")
        try:
            return decode(packet, expected)
        except ControlError as error:
            raise SandboxError(f"the sandbox sent {error}") from None


def _exec_zygote(theirs: socket.socket) -> subprocess.Popen:
    """Start the zygote as a new interpreter: from "/", with no current folder on its sys.path."""
    return subprocess.Popen([sys.executable, *ZYGOTE_COMMAND, str(theirs.fileno())],
                            pass_fds=[theirs.fileno()], env=fresh_environment(), stdin=subprocess.DEVNULL, cwd="/")


def _forked_zygote(theirs: socket.socket, config: Config) -> "_ForkedProcess":
    import torch

    torch.set_num_threads(1)  # a child forked after a multi-threaded op hangs in OpenMP
    pid = os.fork()
    if pid == 0:
        try:
            fd = theirs.fileno()
            os.closerange(3, fd)  # nothing of this process's connections goes along
            os.closerange(fd + 1, 2**16)
            from autograder.sandbox import zygote  # its serve() sets the environment the zygote keeps

            zygote.serve(fd, config)
        finally:
            os._exit(70)
    return _ForkedProcess(pid)


class _ForkedProcess:
    """The little of subprocess.Popen that Sandbox uses, for a zygote forked from this process."""

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self):
        if self.returncode is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"zygote {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def kill(self):
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
