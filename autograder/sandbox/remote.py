"""The grader's side of the sandbox: the zygote, its children, and proxies of student code.

The processes and messages are drawn once, in autograder/sandbox/__init__.py. A hidden test's
`student.dropout(x, 0.5)` becomes a call request; the answer is decoded by the allowlist into
plain data, or into a Remote handle for objects.

A call that crashes, exits, hangs or blows its memory kills only its child: the
caller gets a StudentFault naming the call, and the next call starts a fresh child
with the submission loaded again. Spawning, loading, calls and reaps all count
against the submission's time budget, so a submission that crashes every child
it gets cannot make the grader respawn it forever.

Everything a child sends is read as a typed record (messages.py) before any of it
is stored; a child that sends something else is stopped, and the call that asked
loses its points with a sentence, like any other crash.
"""
import contextlib
import difflib
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.feedback import StudentFault, describe_call
from autograder.sandbox import cgroups, messages, wire
from autograder.sandbox.environment import grader_environment, matplotlib_cache
from autograder.submission import explain_unset, missing_global, setup_seconds

DEFAULT_TIMEOUT = 10.0
DEFAULT_BUDGET = 60.0
DEFAULT_MEMORY = 3 * 2**30
START_TIMEOUT = 120.0  # the zygote imports torch; a cold disk cache can take a while
SPAWN_TIMEOUT = 20.0
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# The zygote's interpreter drops the current folder ('') from sys.path before importing anything: what -P does on
# Python 3.11+, written so that Python 3.10 (Gradescope's default image) does it too.
ZYGOTE_COMMAND = ("-c", "import sys; sys.path[:] = [p for p in sys.path if p]; "
                        "from autograder.sandbox.zygote import main; main()")

NOT_DONE = " This part is not done yet."
OUT_OF_MEMORY = (f" It ran out of memory: the sandbox allows {DEFAULT_MEMORY // 2**30} GiB of address space per "
                 "process.")
OUT_OF_SUBMISSION_MEMORY = ("{call} ran out of memory and was killed: the sandbox allows {limit} for all of your "
                            "code's processes together. Look for data that grows without end or far too large.")
SIGNAL_REASONS = {
    signal.SIGSEGV: "crashed Python with a segmentation fault",
    signal.SIGBUS: "crashed Python with a bus error",
    signal.SIGABRT: "aborted the Python process (torch does this when it runs out of memory)",
    signal.SIGXCPU: "used up its CPU time limit",
    signal.SIGKILL: "was killed (out of memory or CPU time)",
}


class SandboxError(Exception):
    """The sandbox itself failed: a grading error, never the student's fault."""


class Sandbox:
    """A zygote process that forks confined children on demand."""

    def __init__(self, hidden=(), readable=(), memory_bytes: int = DEFAULT_MEMORY, fork: bool = False,
                 scratch_root: Path | None = None):
        """Start the zygote: a fresh interpreter, or with `fork` this very process, whose torch is then shared.

        Fork only from a process that holds nothing secret yet and has run no multi-threaded torch op. Every
        child's scratch folder is made inside a folder of this sandbox's own, under `scratch_root` (default: the
        system's temporary folder), which close() removes whatever happened to the zygote.
        """
        self.scratch = Path(tempfile.mkdtemp(prefix="grade-sandbox-", dir=scratch_root)).resolve()
        self.scratch.chmod(0o711)  # children dropped to their own uid must reach their scratch folder inside
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = {"hidden": [str(Path(p).resolve()) for p in hidden], "memory_bytes": memory_bytes,
                  "scratch": str(self.scratch), "font_cache": str(matplotlib_cache()),
                  "readable": [str(Path(p).resolve()) for p in (*readable, PACKAGE_ROOT / "autograder")]}
        if fork:
            self.process = _forked_zygote(theirs, config)
        else:
            self.process = _exec_zygote(theirs)
            ours.send(json.dumps(config).encode())  # not on its command line, which anyone can read
        theirs.close()
        self.control = ours
        self._notes: list[str] | None = None
        self.cgroup_folders: list[str] = []  # the zygote's, removed at close

    @property
    def notes(self) -> list[str]:
        """Sentences on the layers this machine could not provide (waits for the zygote to be ready)."""
        if self._notes is None:
            ready = self._receive(START_TIMEOUT)
            if not ready.get("ready"):
                raise SandboxError("the sandbox did not start")
            self._notes, self.cgroup_folders = ready["notes"], ready["cgroups"]
        return self._notes

    def spawn(self) -> "Child":
        """Fork a fresh confined child and wait for its greeting."""
        self.notes  # noqa: B018 -- the zygote's ready message comes first
        ours, theirs = socket.socketpair()
        socket.send_fds(self.control, [json.dumps({"op": "spawn"}).encode()], [theirs.fileno()])
        theirs.close()
        pid = self._receive(SPAWN_TIMEOUT)["pid"]
        return Child(self, pid, ours)

    def reap(self, pid: int) -> dict:
        """Have the zygote stop a child (if it still runs) and say how it ended."""
        self.control.send(json.dumps({"op": "reap", "pid": pid}).encode())
        return self._receive(SPAWN_TIMEOUT)

    def close(self) -> None:
        """Stop the zygote; it kills every child it still has. Remove what a zygote that died left behind."""
        if self.process.poll() is None:
            try:
                self.control.send(json.dumps({"op": "quit"}).encode())
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self._notes is None:  # a zygote that died ready, before anyone asked: its cgroups are still named
            with contextlib.suppress(SandboxError, ValueError):
                self.cgroup_folders = self._receive(0.0).get("cgroups", [])
        self.control.close()
        for folder in self.cgroup_folders:
            with contextlib.suppress(OSError):
                cgroups.remove_tree(Path(folder))
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _receive(self, timeout: float) -> dict:
        self.control.settimeout(timeout)
        try:
            packet = self.control.recv(65536)
        except (socket.timeout, OSError) as error:
            raise SandboxError(f"the sandbox stopped answering ({error or 'timeout'})") from None
        if not packet:
            raise SandboxError(f"the sandbox process ended (exit status {self.process.poll()})")
        return json.loads(packet)


def _exec_zygote(theirs: socket.socket) -> subprocess.Popen:
    """Start the zygote as a new interpreter: from "/", with no current folder on its sys.path."""
    environment = {**grader_environment(),
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, *ZYGOTE_COMMAND, str(theirs.fileno())],
                            pass_fds=[theirs.fileno()], env=environment, stdin=subprocess.DEVNULL, cwd="/")


def _forked_zygote(theirs: socket.socket, config: dict) -> "_ForkedProcess":
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


class Child:
    """One confined process with the submission loaded; gone after its first crash or unreadable answer."""

    def __init__(self, sandbox: Sandbox, pid: int, sock: socket.socket):
        self.sandbox, self.pid, self.sock = sandbox, pid, sock
        hello = self._receive(time.monotonic() + SPAWN_TIMEOUT, None, messages.HELLO)
        self.layers: list[str] = hello.layers

    def request(self, payload: bytes, timeout: float, make_handle=None,
                shape: messages.Shape = messages.ANSWER) -> messages.Answer:
        """Send one pickled request and read its answer as `shape`; raise ChildLost when the child dies, overruns
        or answers something else."""
        try:
            wire.send_frame(self.sock, payload)
        except OSError:
            raise self._lost(None) from None
        return self._receive(time.monotonic() + timeout, make_handle, shape)

    def _receive(self, deadline: float, make_handle, shape: messages.Shape):
        try:
            frame = wire.recv_frame(self.sock, deadline, wire.MAX_ANSWER_BYTES)
            return shape.read(wire.load_answer(frame, make_handle or _no_handles), "the answer")
        except wire.ChannelTimeout:
            raise self._lost("timeout") from None
        except wire.ChannelClosed:
            raise self._lost(None) from None
        except wire.BadAnswer as error:
            raise self._lost(messages.clip(str(error), messages.MAX_REASON)) from None

    def _lost(self, reason: str | None) -> "ChildLost":
        self.sock.close()
        return ChildLost(reason, self.sandbox.reap(self.pid))

    def close(self) -> None:
        if self.sock.fileno() != -1:
            self.sock.close()
            self.sandbox.reap(self.pid)


def _no_handles(handle: int, type_name: str):
    raise wire.BadAnswer("a handle to an object where only data belongs")


class ChildLost(Exception):
    """The child ended or was stopped before answering."""

    def __init__(self, reason: str | None, status: dict):
        super().__init__(reason or str(status))
        self.reason, self.status = reason, status

    def sentence(self, call: str, timeout: float) -> str:
        if self.reason == "timeout":
            return (f"{call} did not finish within {timeout:g} s and was stopped: look for an endless loop "
                    f"or work that grows far too fast.")
        if self.reason:
            return f"{call} returned something the grader cannot read ({self.reason})."
        if self.status.get("out_of_memory"):
            return OUT_OF_SUBMISSION_MEMORY.format(call=call, limit=self.status["out_of_memory"])
        if "signal" in self.status:
            number = self.status["signal"]
            reason = SIGNAL_REASONS.get(number, f"was killed by signal {number}")
            return f"{call} {reason} instead of returning."
        return (f"{call} ended the Python process (exit status {self.status.get('exit')}) instead of returning: "
                f"remove sys.exit(), os._exit() or quit() from your code.")


class StudentCode:
    """The student's module as the hidden tests see it: attributes and calls run in the sandbox."""

    def __init__(self, sandbox: Sandbox, submission, module: str, banned: dict | None = None,
                 timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET, delegating=()):
        """`delegating`: graded names already known to hand their work to a banned routine (from the source)."""
        self.sandbox, self.submission, self.module = sandbox, submission, module
        self.banned, self.timeout = dict(banned or {}), timeout  # graded name -> library routines it may not call
        self.budget, self.spent = budget, 0.0  # seconds all calls of this submission may take together
        self.filename = submission.path.name
        self._child: Child | None = None
        self.generation = 0
        self._request_generation = 1  # the generation whose handles the request being written may hold
        self.notes: list[str] = []
        self.names: list[str] = []
        self.layers: list[str] = []
        self.load_failure: str | None = submission.problem
        self.given_up: dict[str, str] = {}  # student name -> why later calls of it are not run
        self.delegating: set[str] = set(delegating)  # graded names caught handing their work to a banned routine
        self._involved: set[str] = set()
        self._attributes: dict[str, Remote] = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.attribute(name)

    def attribute(self, name: str):
        """Fetch a module-level name: data comes back as is, functions and classes as Remote proxies.

        A proxy is kept: it names the attribute, which the child looks up again at every call, so a test asking
        for `student.dropout` in a loop costs one round trip, not one per iteration.
        """
        if name not in self._attributes:
            value = self._request({"op": "getattr", "target": _ModuleAttribute(()), "name": name},
                                  label=name, path=(name,))
            if not isinstance(value, Remote):
                return value  # data may change between calls: fetched afresh every time
            self._attributes[name] = value
        return self._attributes[name]

    def run(self, function, *args, seed: int | None = None, label: str | None = None, **kwargs):
        """Run a trusted `function` inside the child (e.g. a probe needing autograd) on student objects.

        A probe's answer is checked against the shape it declares: the student's code could have forged it.
        """
        label = label or describe_call(getattr(function, "__name__", "probe"), args, kwargs)
        value = self._request({"op": "call", "target": function, "args": args, "kwargs": kwargs, "seed": seed},
                              label=label)
        shape = messages.answer_shape(function, args, kwargs)
        if shape is None:
            return value
        try:
            return shape.read(value, "the answer")
        except wire.BadAnswer as error:
            raise StudentFault(UNREADABLE.format(call=label, reason=messages.clip(str(error), messages.MAX_REASON)))

    def call(self, target: "Remote", args, kwargs, seed: int | None = None):
        """Call a student function, class or method with arguments copied into the child."""
        label = functools.partial(describe_call, target.label, args, kwargs)  # written out only when needed
        return self._request({"op": "call", "target": target, "args": tuple(args), "kwargs": dict(kwargs),
                              "seed": seed}, label=label)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None

    # ------------------------------------------------------------ plumbing

    def _request(self, message: dict, label, path: tuple[str, ...] | None = None):
        """Send `message` and decode the answer; `label` (text, or a function writing it) names the call."""
        if callable(label):
            label = _Lazy(label)
        if self.load_failure:
            raise StudentFault(self.load_failure)
        self._involved = set(path[:1]) if path else set()
        self._request_generation = self.generation + (self._child is None)  # a dead child's handles are lost
        payload = wire.dump_request(message, self._persistent_id)  # collects the student names involved
        stuck = sorted(self._involved & set(self.given_up))
        if stuck:  # one endless loop or memory bomb must not cost its price again in every later test
            raise StudentFault(GIVEN_UP.format(call=label, name=stuck[0], reason=self.given_up[stuck[0]]))
        child = self._live_child(label)
        involved = frozenset(self._involved)
        started, limit = time.monotonic(), self._time_left(label)
        try:
            answer = child.request(payload, limit,
                                   lambda handle, kind: Remote(self, ("handle", handle), kind, self.generation,
                                                               involved))
        except ChildLost as lost:
            self._child = None
            raise StudentFault(self._lost_sentence(lost, label, limit, involved)) from None
        finally:
            self.spent += time.monotonic() - started
        return self._value(answer, message, label, path, involved)

    def _value(self, answer: messages.Answer, message: dict, label, path, involved: frozenset):
        """The value an answer holds, or the StudentFault it stands for."""
        delegated = self._delegated(answer.banned, involved)
        if delegated:  # the first is what the student's code called; the rest ran inside it (F.dropout's _VF.dropout)
            raise StudentFault(BANNED_CALL.format(call=label, routine=delegated[0]))
        if answer.raised is not None:
            if answer.raised.type == "MemoryError":
                self.given_up.update(dict.fromkeys(involved, "ran out of memory"))
            raise RaisedError(label, answer.raised, self._missing_name(message, answer.raised, label))
        if answer.unreadable is not None:
            raise StudentFault(UNREADABLE.format(call=label, reason=answer.unreadable))
        value = answer.value
        if isinstance(value, Remote):
            value.label = str(label) if path is None else ".".join(path)
            if path is not None:
                value.reference = ("attr", path)
        return value

    def _live_child(self, label) -> Child:
        """The child with the submission loaded: spawned and loaded again, within the budget, after a crash."""
        if self._child is not None:
            return self._child
        loading = f"loading {self.filename}"
        started, limit = time.monotonic(), self._time_left(label)
        try:
            child = self.sandbox.spawn()
            self.generation += 1
            self.layers = child.layers
            try:
                answer = child.request(wire.dump_request(self._load_request()), limit, None, messages.LOAD_ANSWER)
            except ChildLost as lost:
                if lost.reason == "timeout" and limit < self.timeout:
                    raise StudentFault(STOPPED_AT_BUDGET.format(call=loading, budget=self.budget)) from None
                self.load_failure = NOT_LOADED.format(file=self.filename, reason=lost.sentence("loading it", limit))
                raise StudentFault(self.load_failure) from None
            if answer.raised is not None or answer.unreadable is not None:
                child.close()
                reason = (_raised_text(answer.raised) if answer.raised is not None else
                          UNREADABLE.format(call="loading it", reason=answer.unreadable))
                self.load_failure = NOT_LOADED.format(file=self.filename, reason=reason)
                raise StudentFault(self.load_failure)
        finally:
            self.spent += time.monotonic() - started
        self.notes, self.names = answer.value.notes, answer.value.names
        self._child = child
        return child

    def _load_request(self) -> dict:
        return {"op": "load", "module": self.module, "chunks": list(self.submission.chunks),
                "banned": sorted({name for names in self.banned.values() for name in names}),
                "setup_seconds": setup_seconds(self.timeout)}

    def _delegated(self, ran: list[str], involved: frozenset) -> list[str]:
        """The banned routines that ran during a call into `involved` names and count against them.

        Whatever code or thread called a routine, the call's names answer for it; except a routine banned for
        another graded name already caught delegating: a Dropout built on a dropout that delegates to torch loses
        dropout's points, not its own.
        """
        others = self.delegating - involved
        charged = [qualname for qualname in ran
                   if any(_banned_for(qualname, self.banned.get(name, ())) for name in involved)
                   and not any(_banned_for(qualname, self.banned.get(name, ())) for name in others)]
        if charged:
            self.delegating |= {name for name in involved if any(_banned_for(q, self.banned.get(name, ()))
                                                                 for q in charged)}
        return charged

    def _time_left(self, label) -> float:
        """Seconds the next step may take: the call timeout, or less when the budget is nearly spent."""
        if self.spent >= self.budget:  # so one slow submission cannot hold up a class's batch
            raise StudentFault(OVER_BUDGET.format(call=label, budget=self.budget))
        return min(self.timeout, self.budget - self.spent)

    def _lost_sentence(self, lost: "ChildLost", label, limit: float, involved: frozenset) -> str:
        """Why a call lost its child; a timeout also stops later calls of the names involved."""
        if lost.reason != "timeout":
            return lost.sentence(label, limit)
        if limit < self.timeout:
            return STOPPED_AT_BUDGET.format(call=label, budget=self.budget)
        self.given_up.update(dict.fromkeys(involved, f"did not finish within {limit:g} s"))
        return lost.sentence(label, limit)

    def _persistent_id(self, value):
        kind = type(value)  # called for every object pickled: the exact-type test keeps it cheap
        if kind is _ModuleAttribute:
            return ("attr", value.path)
        if kind is not Remote:
            return None
        self._involved |= value.roots
        if value.reference[0] == "handle" and value.generation != self._request_generation:
            raise StudentFault(f"{value.label} was lost when an earlier call ended the Python process.")
        return value.reference

    def _missing_name(self, message: dict, raised: messages.Raised, label) -> str | None:
        """When a module-level name is missing, say which, and why when grading skipped the statement setting it.

        A lookup by the tests raises AttributeError (a near name is suggested); a student function reading a
        global that is not there raises NameError inside the call.
        """
        if raised.type == "NameError" and message["op"] == "call":
            name = missing_global(raised.message)
            why = name and explain_unset(self.submission, name, self.names, self.notes)
            return f"{label} raised {_raised_text(raised)} `{name}` {why}" if why else None
        if message["op"] != "getattr" or not isinstance(message["target"], _ModuleAttribute):
            return None
        if raised.type != "AttributeError":
            return None
        name = message["name"]
        why = explain_unset(self.submission, name, self.names, self.notes)
        if why:
            return f"{self.filename} does not define `{name}`: it {why}"
        public = [n for n in self.names if not n.startswith("_")]
        near = [n for n in public if n.lower() == name.lower()] or difflib.get_close_matches(name, public, n=1)
        hint = f" (did you mean `{near[0]}`? Check the spelling)" if near else ""
        return f"{self.filename} does not define `{name}`{hint}."


def _banned_for(qualname: str, banned) -> bool:
    """Whether a routine is one of `banned` or lies under one of them (everything in torch.optim)."""
    return any(qualname == entry or qualname.startswith(entry + ".") for entry in banned)


class _Lazy:
    """Text written on first use: describing every call's arguments costs more than most calls."""

    def __init__(self, write):
        self.write, self.text = write, None

    def __str__(self):
        if self.text is None:
            self.text = self.write()
        return self.text

    def __format__(self, spec):  # f-strings and str.format ask this, not __str__
        return format(str(self), spec)


@dataclass(frozen=True)
class _ModuleAttribute:
    """A reference to the student's module (or a name in it), resolved in the child."""
    path: tuple[str, ...]


class Remote:
    """A function, class or object living in the child; calling it runs there."""

    def __init__(self, session: StudentCode, reference: tuple, remote_type: str, generation: int,
                 roots: frozenset = frozenset()):
        self._session, self.reference, self.generation = session, reference, generation
        self.roots = roots  # the student's module-level names this object came from
        self.remote_type = remote_type.rsplit(".", 1)[-1]
        self.label = f"a {self.remote_type} object"

    def __call__(self, *args, **kwargs):
        return self._session.call(self, args, kwargs)

    def seeded(self, seed: int):
        """This callable with python, numpy and torch seeded to `seed` in the child before each call."""
        return lambda *args, **kwargs: self._session.call(self, args, kwargs, seed=seed)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._session._request({"op": "getattr", "target": self, "name": name},
                                      label=f"{self.label}.{name}")

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __repr__(self):
        return f"<Remote {self.label}>"


class RaisedError(StudentFault):
    """The student's code raised an exception."""

    def __init__(self, call: str, raised: messages.Raised, missing: str | None = None):
        self.type, self.mro, self.message = raised.type, raised.ancestry, raised.message
        self.where, self.traceback = raised.where, raised.traceback
        text = missing or f"{call} raised {_raised_text(raised)}"
        if not missing:
            text += {"NotImplementedError": NOT_DONE, "MemoryError": OUT_OF_MEMORY}.get(self.type, "")
        super().__init__(text)


def _raised_text(raised: messages.Raised) -> str:
    where = f" ({raised.where.file}, line {raised.where.line})" if raised.where else ""
    message = f": {raised.message}" if raised.message else ""
    return f"{raised.type}{message}{where}."


BANNED_CALL = ("{call} called {routine}; this exercise asks you to implement it yourself instead of calling the "
               "library routine (torch and numpy primitives are fine).")
GIVEN_UP = "{call} was not run: {name} {reason} in an earlier test, so the grader stops calling it."
OVER_BUDGET = ("{call} was not run: your code already used the {budget:g} s that all calls of one submission may "
               "take together.")
STOPPED_AT_BUDGET = ("{call} was stopped: your code used up the {budget:g} s that all calls of one submission may "
                     "take together.")
NOT_LOADED = "{file} could not be loaded, so none of its tests could run: {reason}"
UNREADABLE = "{call} returned something the grader cannot read ({reason})."
