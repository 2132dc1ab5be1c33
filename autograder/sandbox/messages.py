"""What a child may say to the grader: small typed records, read field by field before anything is stored.

    child (builds plain dicts, capped to the limits below)
        --wire.dump_answer--> frame --wire.load_answer (allowlist, size caps)--> plain tree
        --Shape.read--> Hello | Answer(value | Raised | unreadable, banned) ; Answer.value of a load: Loaded

The student's module-level code runs in the child's own process, so it can rewrite
the child's server and encoder: every message is hostile. Each is read against its
shape: types checked, every string capped in length and every list in count. A
message off its shape raises wire.BadAnswer, which the grader blames on the
submission, never on itself. The child clips what it sends to the same limits, so
honest code never meets them. Probes declare the shape of their answers with the
same vocabulary (see probes.py).
"""
import dataclasses

from autograder.sandbox.wire import MAX_TYPE_NAME, BadAnswer

MAX_MESSAGE = 500  # characters of an exception's message: a sentence, not a dump
MAX_TRACEBACK = 2000
MAX_ANCESTRY = 32  # classes named of an exception's ancestry
MAX_FILENAME = 200
MAX_NOTE = 500
MAX_NOTES = 20
MAX_NAME = 100
MAX_NAMES = 5000  # a module's names: `from torch import *` and `from numpy import *` bring 1170
MAX_LAYER = 200
MAX_LAYERS = 20
MAX_BANNED = 64  # distinct banned calls one answer reports
MAX_REASON = 200
MAX_LINE = 10**9
LEFT_OUT = "{count} more notes like these were left out."


class Shape:
    """What one part of a message must be; read() returns it or raises BadAnswer saying where it broke."""

    def read(self, value, where: str):
        raise NotImplementedError


class Anything(Shape):
    """Whatever the allowlist decoded: student values are judged by the checks, not here."""

    def read(self, value, where: str):
        return value


class Of(Shape):
    """An instance of one of `kinds` (bool is not an int here)."""

    def __init__(self, *kinds: type):
        self.kinds = kinds

    def read(self, value, where: str):
        if not isinstance(value, self.kinds) or (type(value) is bool and bool not in self.kinds):
            raise BadAnswer(f"{where} is {_kind(value)}, not {_a(' or '.join(k.__name__ for k in self.kinds))}")
        return value


class Text(Shape):
    """A string of at most `limit` characters."""

    def __init__(self, limit: int):
        self.limit = limit

    def read(self, value, where: str):
        _TEXT.read(value, where)
        if len(value) > self.limit:
            raise BadAnswer(f"{where} is {len(value)} characters long; at most {self.limit} are accepted")
        return value


class Whole(Shape):
    """An int from 0 to `limit`."""

    def __init__(self, limit: int):
        self.limit = limit

    def read(self, value, where: str):
        _INT.read(value, where)
        if not 0 <= value <= self.limit:
            raise BadAnswer(f"{where} is out of range")
        return value


class Maybe(Shape):
    """None, or what `shape` reads."""

    def __init__(self, shape: Shape):
        self.shape = shape

    def read(self, value, where: str):
        return None if value is None else self.shape.read(value, where)


class Items(Shape):
    """A list or tuple of at most `limit` items (or exactly `exactly`), each read by `item`; returned as a list."""

    def __init__(self, item: Shape, limit: int | None = None, exactly: int | None = None):
        self.item, self.limit, self.exactly = item, limit, exactly

    def read(self, value, where: str):
        _SEQUENCE.read(value, where)
        if self.exactly is not None and len(value) != self.exactly:
            raise BadAnswer(f"{where} holds {len(value)} items instead of {self.exactly}")
        if self.limit is not None and len(value) > self.limit:
            raise BadAnswer(f"{where} holds {len(value)} items; at most {self.limit} are accepted")
        return [self.item.read(item, f"{where}[{index}]") for index, item in enumerate(value)]


class Fields(Shape):
    """A dict with exactly these string keys, each value read by its shape; returned as a dict."""

    def __init__(self, optional: tuple[str, ...] = (), **shapes: Shape):
        self.shapes, self.optional = shapes, frozenset(optional)

    def read(self, value, where: str):
        _MAPPING.read(value, where)
        unknown = [key for key in value if key not in self.shapes]
        missing = [key for key in self.shapes if key not in value and key not in self.optional]
        if unknown or missing:
            wrong = f"an unexpected {_shown_key(unknown[0])}" if unknown else f"no {missing[0]!r}"
            raise BadAnswer(f"{where} has {wrong}")
        return {key: self.shapes[key].read(item, f"{where}[{key!r}]") for key, item in value.items()}


class Record(Shape):
    """A dict read by Fields, made into the frozen dataclass `kind`."""

    def __init__(self, kind: type, **shapes: Shape):
        self.kind = kind
        optional = tuple(f.name for f in dataclasses.fields(kind) if f.default is not dataclasses.MISSING)
        self.fields = Fields(optional, **shapes)

    def read(self, value, where: str):
        return self.kind(**self.fields.read(value, where))


@dataclasses.dataclass(frozen=True)
class Hello:
    """The child's greeting, sent before any student code runs: the layers that confine it."""
    layers: list[str]


@dataclasses.dataclass(frozen=True)
class Loaded:
    """What loading the submission left: notes on skipped statements, and the module's names."""
    notes: list[str]
    names: list[str]


@dataclasses.dataclass(frozen=True)
class Location:
    file: str
    line: int


@dataclasses.dataclass(frozen=True)
class Raised:
    """An exception the student's code raised, as text: its type, ancestry, message and own frames."""
    type: str
    ancestry: list[str]  # names of its class and their bases, for "raises a ValueError" checks
    message: str
    traceback: str
    where: Location | None


@dataclasses.dataclass(frozen=True)
class Answer:
    """The outcome of one request: a value, an exception raised, or why the value could not be sent; and the
    banned library routines that ran meanwhile, whichever code or thread called them."""
    banned: list[str]
    value: object = None
    raised: Raised | None = None
    unreadable: str | None = None


_TEXT, _INT, _SEQUENCE, _MAPPING = Of(str), Of(int), Of(list, tuple), Of(dict)
TYPE_NAME = Text(MAX_TYPE_NAME)
HELLO = Record(Hello, layers=Items(Text(MAX_LAYER), MAX_LAYERS))
LOADED = Record(Loaded, notes=Items(Text(MAX_NOTE), MAX_NOTES), names=Items(Text(MAX_NAME), MAX_NAMES))
RAISED = Record(Raised, type=TYPE_NAME, ancestry=Items(TYPE_NAME, MAX_ANCESTRY), message=Text(MAX_MESSAGE),
                traceback=Text(MAX_TRACEBACK),
                where=Maybe(Record(Location, file=Text(MAX_FILENAME), line=Whole(MAX_LINE))))


class AnswerShape(Shape):
    """An Answer holding exactly one of a value (read by `value`), raised or unreadable."""

    def __init__(self, value: Shape = Anything()):
        self.record = Record(Answer, value=value, raised=RAISED, unreadable=Text(MAX_REASON),
                             banned=Items(TYPE_NAME, MAX_BANNED))

    def read(self, value, where: str = "the answer") -> Answer:
        answer = self.record.read(value, where)
        outcomes = [key for key in ("value", "raised", "unreadable") if key in value]
        if len(outcomes) != 1:
            raise BadAnswer(f"{where} holds {' and '.join(outcomes) or 'no outcome'}")
        return answer


ANSWER = AnswerShape()
LOAD_ANSWER = AnswerShape(LOADED)


def answers(shape):
    """Declare what a probe returns: a Shape, or a function of the probe's arguments that makes one."""
    def declare(probe):
        probe.answer_shape = shape
        return probe
    return declare


def answer_shape(function, args: tuple, kwargs: dict) -> Shape | None:
    """The shape `function`'s answer must have for these arguments; None when it declares none."""
    shape = getattr(function, "answer_shape", None)
    return shape(*args, **kwargs) if callable(shape) else shape


def clip(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def capped_notes(notes: list[str]) -> list[str]:
    """At most MAX_NOTES notes of at most MAX_NOTE characters, the last one counting those left out."""
    clipped = [clip(str(note), MAX_NOTE) for note in notes]
    if len(clipped) <= MAX_NOTES:
        return clipped
    return clipped[:MAX_NOTES - 1] + [LEFT_OUT.format(count=len(clipped) - MAX_NOTES + 1)]


def capped_names(names) -> list[str]:
    """A module's names a student might have meant, within the caps: strings of at most MAX_NAME characters."""
    return [name for name in names if type(name) is str and len(name) <= MAX_NAME][:MAX_NAMES]


def _kind(value) -> str:
    return "None" if value is None else _a(type(value).__name__)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _shown_key(key) -> str:
    return repr(clip(key, 40)) if isinstance(key, str) else f"key of type {type(key).__name__}"
