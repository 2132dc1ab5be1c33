"""The zygote's control channel: small typed messages, one JSON object a packet, encoded and decoded here only.

    grader   Config (first; never on the command line) | Spawn (+ the child's socket as an fd) | Reap | Quit
             --encode()-->  packet  --decode(packet, Spawn, Reap, Quit)-->  zygote
    zygote   Ready (first) | Spawned (after a Spawn) | Ended (after a Reap)
             --encode()-->  packet  --decode(packet, <the one expected>)-->  grader

Both ends are trusted (the zygote holds no secret and runs no student code; children get sockets of their own),
so a message off its kind is a bug of the grader's, never a student's: the receiver refuses it with
ControlError, which says what arrived and what was expected. Importing this module imports no torch. Where the
channel runs is drawn in autograder/sandbox/__init__.py.
"""
import dataclasses
import json

NOT_A_MESSAGE = "a control packet that is not a message ({packet!r})"
UNEXPECTED_KIND = "a {kind} message where {expected} was expected"
WRONG_FIELDS = "a {kind} message with the wrong fields ({error})"


class ControlError(Exception):
    """A packet on the control channel that is not the message its receiver expects."""


@dataclasses.dataclass(frozen=True)
class Config:
    """What the zygote needs to confine children: paths as strings, memory_bytes each process's address space,
    and the libraries it imports for every child to share (what notebooks import besides torch)."""
    hidden: tuple[str, ...]
    readable: tuple[str, ...]
    memory_bytes: int
    scratch: str
    font_cache: str
    libraries: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Ready:
    """The zygote is prepared: the layers this machine could not provide, and its cgroup folders (the grader's to
    remove should it die without doing so)."""
    notes: tuple[str, ...]
    cgroups: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Spawn:
    """Fork a confined child serving on the socket sent with this packet."""


@dataclasses.dataclass(frozen=True)
class Spawned:
    """The child forked for the last Spawn."""
    pid: int


@dataclasses.dataclass(frozen=True)
class Reap:
    """Stop a child, if it still runs, and say how it ended."""
    pid: int


@dataclasses.dataclass(frozen=True)
class Ended:
    """How a child ended: its exit status or the signal that killed it, and `out_of_memory` (the submission's memory
    limit, as text) when its cgroup ran out. All None where nothing is known (no process was reaped)."""
    exit: int | None = None
    signal: int | None = None
    out_of_memory: str | None = None


@dataclasses.dataclass(frozen=True)
class Quit:
    """Kill every child, clean up and exit."""


def encode(message) -> bytes:
    """One packet: the message's kind and its fields, as a JSON object."""
    return json.dumps({"kind": type(message).__name__, **dataclasses.asdict(message)}).encode()


def decode(packet: bytes, *expected: type):
    """Read a packet as one of the `expected` kinds of message; refuse anything else with ControlError."""
    try:
        fields = json.loads(packet)
        kind = fields.pop("kind")
    except (ValueError, TypeError, AttributeError, KeyError):
        raise ControlError(NOT_A_MESSAGE.format(packet=packet[:100])) from None
    message_type = next((known for known in expected if known.__name__ == kind), None)
    if message_type is None:
        raise ControlError(UNEXPECTED_KIND.format(kind=kind, expected=" or ".join(e.__name__ for e in expected)))
    try:  # JSON has no tuples: a list comes back as the tuple it was
        return message_type(**{name: tuple(value) if type(value) is list else value for name, value in fields.items()})
    except TypeError as error:
        raise ControlError(WRONG_FIELDS.format(kind=kind, error=error)) from None
