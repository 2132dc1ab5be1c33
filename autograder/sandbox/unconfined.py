"""No sandbox: StudentCode's requests answered in this very process, from a namespace where student code already ran.

    hidden test --> StudentCode --request--> _InProcessChild --> the child's own server, here --> the namespace
                                  <--answer--  (the same frames: copies in, allowlisted data or handles out)

Inside otter-grader's kernel the student's notebook has already run, in the process that grades it, so there is
nothing left to confine. This stand-in for Sandbox lets the tests run there unchanged: StudentCode sends the
requests it sends a sandboxed child, and the child's server answers them from the kernel's globals. Arguments
are still copies, answers still pass the allowlist (plain data, or handles for objects) and a banned library
routine is still reported when it runs during a call. What it cannot give is everything a separate process
gives: a time or memory limit on a call, a crash that ends only the call, and any protection from code that has
already run here (exporters/otter.py's WEAKER_UNDER_OTTER says so to the instructor).
"""
import functools
import types

from autograder.sandbox import messages, wire
from autograder.sandbox.child import _Server, _trace_banned_calls
from autograder.sandbox.transport import ChildLost, no_handles
from autograder.sandbox.zygote_messages import Ended


class Unconfined:
    """What StudentCode needs of a Sandbox, serving `namespace` (a notebook's globals) in this process."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.notes: list[str] = []

    def spawn(self) -> "_InProcessChild":
        return _InProcessChild(_server(), self.namespace)

    def reap(self, pid: int) -> Ended:
        return Ended()

    def close(self) -> None:
        """Nothing to stop: the objects served belong to the namespace's owner."""


class _NamespaceServer(_Server):
    """The child's server, whose `load` binds the module to a namespace instead of running chunks; banned
    routines are traced once per process, since tracing them rewrites torch for the whole process."""

    def __init__(self):
        super().__init__()
        self.namespace: dict = {}
        self.traced: set[str] = set()

    def _load(self, request):
        self.module = types.ModuleType(request.module)
        vars(self.module).update(self.namespace)
        untraced = [name for name in request.banned if name not in self.traced]
        _trace_banned_calls(untraced, self.banned_calls.setdefault)
        self.traced.update(untraced)
        return {"value": {"notes": [], "names": sorted(vars(self.module))}}


class _InProcessChild:
    """A Child whose requests are answered by a call, not over a socket; `timeout` cannot be enforced here."""

    layers: list[str] = []

    def __init__(self, server: _NamespaceServer, namespace: dict):
        self.server, self.namespace, self.pid = server, namespace, 0

    def request(self, payload: bytes, timeout: float, make_handle=None,
                shape: messages.Shape = messages.ANSWER) -> messages.Answer:
        """Answer one request as a sandboxed child would; an answer off the allowlist loses the call, as there."""
        self.server.namespace = self.namespace
        try:
            return shape.read(wire.load_answer(self.server.answer(payload), make_handle or no_handles), "the answer")
        except wire.BadAnswer as error:
            raise ChildLost(messages.clip(str(error), messages.MAX_REASON), Ended()) from None

    def close(self) -> None:
        """Nothing to reap."""


@functools.cache
def _server() -> _NamespaceServer:
    """The process's one server, so that each banned routine is wrapped once, however many suites run."""
    return _NamespaceServer()
