"""The sandboxed child's side: load the student's code, then answer calls.

The zygote forks this process, confines it (layers.confine) and hands it one end of
a socket. From then on it loops: read a request frame, do it, write an answer
frame. Everything the student's code raises, BaseException included, is turned
into text before it crosses back; objects that are not plain data stay here and
the grader gets a handle to them.

Requests are the typed records of requests.py (Load, Call, GetAttr), their targets
references the grader's pickler wrote (see `resolve`). Answers are the records of
messages.py as plain dicts, clipped to its limits: a Hello first, then one Answer per
request (a load's value being a Loaded). The processes and messages are drawn in
autograder/sandbox/__init__.py.
"""
import contextlib
import dataclasses
import functools
import importlib
import os
import signal
import sys
import time
import traceback
import types

from autograder.sandbox import chunks, messages, plot_probes, probes, requests, wire
from autograder.sandbox.messages import clip
from autograder.seeding import seed_everything
from autograder.sandbox.chunks import LOAD_FAILURE, SETUP_GRACE, SETUP_OVERRUN, compile_chunk


def serve(sock, layers: tuple[str, ...]) -> None:
    """Say which layers confine this process, then answer requests until the grader hangs up."""
    server = _Server()
    # Sent before any student code runs, so the code cannot change what is reported.
    hello = messages.Hello([clip(layer, messages.MAX_LAYER) for layer in layers[:messages.MAX_LAYERS]])
    wire.send_frame(sock, wire.dump_answer(dataclasses.asdict(hello), server.keep))
    while True:
        try:
            payload = wire.recv_frame(sock)
        except (wire.ChannelClosed, wire.BadAnswer):
            os._exit(0)
        wire.send_frame(sock, server.answer(payload))


# The grader's own functions and classes a request may name (the requests, probes, tensor rebuilders, Chunk), taken
# when this module is imported, in the zygote, before any student code: a submission that rebinds
# autograder.sandbox.probes.backward in its module changes nothing the grader asks for.
GRADER_OBJECTS = {(module.__name__, name): value for module in (probes, plot_probes, requests, chunks)
                  for name, value in vars(module).items() if callable(value) and not name.startswith("__")}


class _Server:
    def __init__(self):
        self.module = None
        self.objects: dict[int, object] = {}
        self.ids: dict[int, int] = {}
        self.banned_calls: dict[str, None] = {}  # the banned routines this request ran, in order
        self.filenames: set[str] = set()

    def resolve(self, reference):
        """Turn a reference written by the grader's pickler into the object it names."""
        kind, detail = reference
        if kind == "attr":
            return functools.reduce(getattr, detail, self.module)
        if kind == "handle":
            return self.objects[detail]
        raise ValueError(f"unknown reference {kind!r}")

    def keep(self, value) -> int:
        """Store an object that is not plain data and return its handle id."""
        if id(value) not in self.ids:
            handle = len(self.objects) + 1
            self.objects[handle], self.ids[id(value)] = value, handle
        return self.ids[id(value)]

    def answer(self, payload: bytes) -> bytes:
        """Do one request and encode its answer; never raise."""
        self.banned_calls.clear()
        try:
            request = requests.decode(payload, self.resolve, GRADER_OBJECTS)
            answer = self._serve(request)
            if type(request) is requests.Load and "value" in answer:
                answer["value"] = dataclasses.asdict(messages.Loaded(
                    messages.capped_notes(answer["value"]["notes"]), messages.capped_names(answer["value"]["names"])))
        except BaseException as error:  # the student's code may raise anything, SystemExit included
            answer = {"raised": self._describe(error)}
        answer["banned"] = list(self.banned_calls)[:messages.MAX_BANNED]  # in the order they ran
        try:
            return wire.dump_answer(answer, self.keep)
        except wire.BadAnswer as error:  # over a cap the grader enforces: say which, instead of sending it
            return wire.dump_answer({"unreadable": clip(str(error), messages.MAX_REASON),
                                     "banned": answer["banned"]}, self.keep)
        except BaseException as error:  # encoding can run student code (tensor subclasses, properties)
            return wire.dump_answer({"raised": self._describe(error), "banned": answer["banned"]}, self.keep)

    def _serve(self, request) -> dict:
        """Do a decoded request: a Load, a Call or a GetAttr."""
        if type(request) is requests.Load:
            return self._load(request)
        if type(request) is requests.Call:
            return self._call(request)
        return self._getattr(request)

    def _load(self, request: requests.Load):
        _trace_banned_calls(request.banned, self.banned_calls.setdefault)
        self.module = types.ModuleType(request.module)
        self.module.__file__ = request.chunks[0].filename if request.chunks else request.module
        sys.modules[request.module] = self.module
        notes, unset = [], set()  # unset: names that skipped statements would have set
        with _SetupClock(request.setup_seconds) as clock:
            for chunk in request.chunks:
                self.filenames.add(chunk.filename)
                try:
                    with clock.timing(chunk.timed):
                        exec(compile_chunk(chunk), self.module.__dict__)
                except BaseException as error:
                    # A .py statement failing only for want of a name a skipped import would have set is
                    # skipped too (`sns.set_theme()` after `import seaborn as sns`); anything else stops the
                    # load, as running the file would.
                    if not (chunk.tolerant or (isinstance(error, NameError) and error.name in unset)):
                        return {"raised": self._describe(error)}
                    unset.update(chunk.binds)
                    if isinstance(error, _SetupOverrun):
                        reason = SETUP_OVERRUN.format(seconds=clock.seconds)
                    else:
                        described = self._describe(error)
                        reason = f"{described['type']}: {described['message']}"
                    notes.append(LOAD_FAILURE.format(filename=chunk.filename, line=chunk.first_line, error=reason))
        return {"value": {"notes": notes, "names": sorted(self.module.__dict__)}}

    def _call(self, request: requests.Call):
        if request.seed is not None:
            seed_everything(request.seed)
        return {"value": request.target(*request.args, **request.kwargs)}

    def _getattr(self, request: requests.GetAttr):
        return {"value": getattr(request.target, request.name)}

    def _describe(self, error: BaseException) -> dict:
        """Turn an exception into text, keeping only the frames of the student's own files."""
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in self.filenames]
        message = _safe_str(error)
        if isinstance(error, SystemExit):
            message = f"sys.exit({clip(_safe_str(error.code), 100)}) was called"
        where = messages.Location(clip(frames[-1].filename, messages.MAX_FILENAME), frames[-1].lineno or 0) \
            if frames else None
        return dataclasses.asdict(messages.Raised(
            type=clip(type(error).__name__, wire.MAX_TYPE_NAME),
            ancestry=[clip(kind.__name__, wire.MAX_TYPE_NAME) for kind in type(error).__mro__[:messages.MAX_ANCESTRY]],
            message=clip(message, messages.MAX_MESSAGE),
            traceback="".join(traceback.format_list(frames))[-messages.MAX_TRACEBACK:],
            where=where))


def _safe_str(value) -> str:
    try:
        return str(value)
    except BaseException:  # a hostile __str__ must not break the answer
        return f"<{type(value).__name__} whose str() failed>"


def _trace_banned_calls(qualnames, record) -> None:
    """Wrap each banned library routine so that calling it is reported to `record(qualname)`, whoever calls it.

    A banned name that is a package (torch.optim) bans everything defined in it, private kernels included.
    """
    classes, wrappers = set(), set()  # a class is traced once; a function once in every place that holds it
    for qualname in qualnames:
        owner, name = _owner_of(qualname)
        if owner is None:
            continue
        routine = getattr(owner, name)
        targets = _routines_in(routine) if isinstance(routine, types.ModuleType) else [(owner, name, qualname)]
        for holder, attribute, shown in targets:
            original = getattr(holder, attribute)
            if isinstance(original, type) and id(original) not in classes:
                classes.add(id(original))
                _trace_class(original, shown, record)
            elif not isinstance(original, type) and id(original) not in wrappers:
                wrapper = _traced(original, shown, record)
                wrappers.add(id(wrapper))
                setattr(holder, attribute, wrapper)


def _routines_in(package: types.ModuleType) -> list[tuple[object, str, str]]:
    """(module, name, qualified name) of each function and class defined in a package's loaded modules."""
    prefix = package.__name__
    found = []
    for module_name in sorted(name for name in list(sys.modules) if name == prefix or name.startswith(prefix + ".")):
        module = sys.modules[module_name]
        for attribute, value in sorted(vars(module).items()):
            defined_here = getattr(value, "__module__", "") or ""
            if (isinstance(value, (type, types.FunctionType)) and defined_here.startswith(prefix)
                    and not attribute.startswith("__")):
                found.append((module, attribute, f"{module_name}.{attribute}"))
    return found


def _owner_of(qualname: str):
    """Find the module or class holding `qualname`'s last part; (None, None) when it does not exist."""
    parts = qualname.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            owner = functools.reduce(getattr, parts[split:-1], owner)
        except AttributeError:
            return None, None
        return (owner, parts[-1]) if hasattr(owner, parts[-1]) else (None, None)
    return None, None


def _traced(function, qualname, record):
    """`function`, reporting each call; named like it, but without functools.wraps's __wrapped__, which would hand
    the untraced routine to whoever asks."""
    def traced(*args, **kwargs):
        record(qualname)
        return function(*args, **kwargs)
    for attribute in ("__name__", "__qualname__", "__doc__"):
        setattr(traced, attribute, getattr(function, attribute, None) or getattr(traced, attribute))
    return traced


def _trace_class(cls, qualname, record):
    """Report each construction of `cls` (or of a subclass, which runs its __init__)."""
    cls.__init__ = _traced(cls.__init__, qualname, record)


class _SetupOverrun(BaseException):
    """Raised into a notebook statement that outran the setup budget; BaseException so `except Exception` passes it."""


class _SetupClock:
    """Time a notebook's kept statements against one shared budget, stopping the one that overruns it.

    An interval timer raises _SetupOverrun in the running statement and repeats every SETUP_GRACE seconds,
    so code that swallows one still meets the next. Once the budget is spent, each later statement still gets
    SETUP_GRACE: a plain definition needs microseconds, so the notebook loads what it can.
    """

    def __init__(self, seconds: float):
        self.seconds, self.left, self.armed = seconds, seconds, False

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, self._overrun)
        return self

    def __exit__(self, *exc_info):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)

    @contextlib.contextmanager
    def timing(self, timed: bool):
        """Run the body under what is left of the budget when `timed`, else untimed."""
        if not timed:
            yield
            return
        started, self.armed = time.monotonic(), True
        signal.setitimer(signal.ITIMER_REAL, max(self.left, SETUP_GRACE), SETUP_GRACE)
        try:
            yield
        finally:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.left -= time.monotonic() - started

    def _overrun(self, signum, frame):
        if self.armed:  # a signal already on its way when the statement ended is ignored
            raise _SetupOverrun()
