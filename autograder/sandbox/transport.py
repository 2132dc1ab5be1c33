"""The grader's end of one child's data socket: send a request, read its answer as a typed record.

Everything a child sends is read as a typed record (messages.py) before any of it is stored; a child that
dies, overruns its deadline or sends something else is stopped and reaped, and the caller gets ChildLost,
which the fault policy (faults.py) turns into a sentence. Where this socket runs is drawn in
autograder/sandbox/__init__.py.
"""
import time

from autograder.sandbox import messages, wire
from autograder.sandbox.sentences import child_lost
from autograder.sandbox.zygote_messages import Ended

SPAWN_TIMEOUT = 20.0  # a fork, the confinement and the child's greeting
NO_HANDLES = "a handle to an object where only data belongs"


class Child:
    """One confined process with the submission loaded; gone after its first crash or unreadable answer."""

    def __init__(self, sandbox, pid: int, sock):
        """`sandbox` reaps the child: a control.Sandbox, or anything with its reap(pid)."""
        self.sandbox, self.pid, self.sock = sandbox, pid, sock
        hello = self._receive(time.monotonic() + SPAWN_TIMEOUT, None, messages.HELLO)
        self.layers: list[str] = hello.layers

    def request(self, payload: bytes, timeout: float, make_handle=None,
                shape: messages.Shape = messages.ANSWER) -> messages.Answer:
        """Send one encoded request and read its answer as `shape`; raise ChildLost when the child dies, overruns
        or answers something else."""
        try:
            wire.send_frame(self.sock, payload)
        except OSError:
            raise self._lost(None) from None
        return self._receive(time.monotonic() + timeout, make_handle, shape)

    def close(self) -> None:
        """Hang up and have the zygote reap the child, unless it is gone already."""
        if self.sock.fileno() != -1:
            self.sock.close()
            self.sandbox.reap(self.pid)

    def _receive(self, deadline: float, make_handle, shape: messages.Shape):
        try:
            frame = wire.recv_frame(self.sock, deadline, wire.MAX_ANSWER_BYTES)
            return shape.read(wire.load_answer(frame, make_handle or no_handles), "the answer")
        except wire.ChannelTimeout:
            raise self._lost("timeout") from None
        except wire.ChannelClosed:
            raise self._lost(None) from None
        except wire.BadAnswer as error:
            raise self._lost(messages.clip(str(error), messages.MAX_REASON)) from None

    def _lost(self, reason: str | None) -> "ChildLost":
        self.sock.close()
        return ChildLost(reason, self.sandbox.reap(self.pid))


class ChildLost(Exception):
    """The child ended or was stopped before answering: `reason` is "timeout", why its answer was refused, or None;
    `ended` is how the zygote saw it end."""

    def __init__(self, reason: str | None, ended: Ended):
        super().__init__(reason or str(ended))
        self.reason, self.ended = reason, ended

    def sentence(self, call: str, timeout: float) -> str:
        """Say what happened to `call`, which ran under `timeout` seconds."""
        return child_lost(call, self.reason, self.ended, timeout)


def no_handles(handle: int, type_name: str):
    """Refuse a handle in an answer that must be plain data (a greeting, a load's outcome)."""
    raise wire.BadAnswer(NO_HANDLES)
