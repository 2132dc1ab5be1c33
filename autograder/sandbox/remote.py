"""Proxies of the student's code for the hidden tests: StudentCode (the `student` fixture) and Remote.

A hidden test's `student.dropout(x, 0.5)` becomes a call request to the child holding the submission
(transport.Child, spawned through control.Sandbox); the answer is decoded by the allowlist into plain data,
or into a Remote handle for objects that stay in the child. What a fault costs is faults.py's policy; what
the student reads is sentences.py's. The processes and messages are drawn in autograder/sandbox/__init__.py.
"""
import difflib
import functools

from autograder.feedback import StudentFault, describe_call
from autograder.sandbox import messages, wire
from autograder.sandbox.control import DEFAULT_MEMORY
from autograder.sandbox.faults import DEFAULT_BUDGET, DEFAULT_TIMEOUT, BannedRoutines, Budget
from autograder.sandbox.requests import Call, GetAttr, Load, ModuleAttribute, encode
from autograder.sandbox.sentences import (BANNED_CALL, DID_YOU_MEAN, GLOBAL_NOT_SET, HANDLE_LOST, LOADING, LOADING_IT,
                                          NOT_DEFINED, NOT_DEFINED_BECAUSE, NOT_DONE, NOT_LOADED, OUT_OF_MEMORY, RAISED,
                                          UNREADABLE, raised_text)
from autograder.sandbox.transport import Child, ChildLost
from autograder.submission import explain_unset, missing_global, setup_seconds


class StudentCode:
    """The student's module as the hidden tests see it: attributes and calls run in the sandbox."""

    def __init__(self, sandbox, submission, module: str, banned: dict | None = None,
                 timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET, delegating=()):
        """`sandbox`: a control.Sandbox (or unconfined.Unconfined); `banned`: graded name -> library routines it may
        not call; `delegating`: graded names already known to hand their work to a banned routine (from the source)."""
        self.sandbox, self.submission, self.module = sandbox, submission, module
        self.budget = Budget(timeout, budget)
        self.banned = BannedRoutines(banned, delegating)
        self.filename = submission.path.name
        self._child: Child | None = None
        self.generation = 0
        self._request_generation = 1  # the generation whose handles the request being written may hold
        self.notes: list[str] = []
        self.names: list[str] = []
        self.layers: list[str] = []
        self.load_failure: str | None = submission.problem
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
            value = self._request(GetAttr(ModuleAttribute(()), name), label=name, path=(name,))
            if not isinstance(value, Remote):
                return value  # data may change between calls: fetched afresh every time
            self._attributes[name] = value
        return self._attributes[name]

    def run(self, function, *args, seed: int | None = None, label: str | None = None, **kwargs):
        """Run a trusted `function` inside the child (e.g. a probe needing autograd) on student objects.

        A probe's answer is checked against the shape it declares: the student's code could have forged it.
        """
        label = label or describe_call(getattr(function, "__name__", "probe"), args, kwargs)
        value = self._request(Call(function, args, kwargs, seed), label=label)
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
        return self._request(Call(target, tuple(args), dict(kwargs), seed), label=label)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None

    # ------------------------------------------------------------ plumbing

    def _request(self, request: Call | GetAttr, label, path: tuple[str, ...] | None = None):
        """Send `request` and decode the answer; `label` (text, or a function writing it) names the call."""
        if callable(label):
            label = _Lazy(label)
        if self.load_failure:
            raise StudentFault(self.load_failure)
        self._involved = set(path[:1]) if path else set()
        self._request_generation = self.generation + (self._child is None)  # a dead child's handles are lost
        payload = encode(request, self._persistent_id)  # collects the student names involved
        self.budget.refuse_given_up(self._involved, label)
        child = self._live_child(label)
        involved = frozenset(self._involved)
        limit = self.budget.time_left(label)
        with self.budget.spending():
            try:
                answer = child.request(payload, limit,
                                       lambda handle, kind: Remote(self, ("handle", handle), kind, self.generation,
                                                                   involved))
            except ChildLost as lost:
                self._child = None
                raise StudentFault(self.budget.lost(lost, label, limit, involved)) from None
        return self._value(answer, request, label, path, involved)

    def _value(self, answer: messages.Answer, request: Call | GetAttr, label, path, involved: frozenset):
        """The value an answer holds, or the StudentFault it stands for."""
        charged = self.banned.charged(answer.banned, involved)
        if charged:  # the first is what the student's code called; the rest ran inside it (F.dropout's _VF.dropout)
            raise StudentFault(BANNED_CALL.format(call=label, routine=charged[0]))
        if answer.raised is not None:
            if answer.raised.type == "MemoryError":
                self.budget.out_of_memory(involved)
            raise RaisedError(label, answer.raised, self._missing_name(request, answer.raised, label))
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
        limit = self.budget.time_left(label)
        with self.budget.spending():
            child = self.sandbox.spawn()
            self.generation += 1
            self.layers = child.layers
            loaded = self._load(child, limit)
        self.notes, self.names = loaded.notes, loaded.names
        self._child = child
        return child

    def _load(self, child: Child, limit: float) -> messages.Loaded:
        """Load the submission in a fresh child; a load that fails fails every later call too, with its sentence."""
        try:
            answer = child.request(encode(self._load_request()), limit, None, messages.LOAD_ANSWER)
        except ChildLost as lost:
            stopped = lost.reason == "timeout" and self.budget.stopped(LOADING.format(file=self.filename), limit)
            if stopped:
                raise StudentFault(stopped) from None
            self.load_failure = NOT_LOADED.format(file=self.filename, reason=lost.sentence(LOADING_IT, limit))
            raise StudentFault(self.load_failure) from None
        if answer.raised is not None or answer.unreadable is not None:
            child.close()
            reason = (raised_text(answer.raised) if answer.raised is not None else
                      UNREADABLE.format(call=LOADING_IT, reason=answer.unreadable))
            self.load_failure = NOT_LOADED.format(file=self.filename, reason=reason)
            raise StudentFault(self.load_failure)
        return answer.value

    def _load_request(self) -> Load:
        return Load(self.module, tuple(self.submission.chunks), tuple(self.banned.traced()),
                    setup_seconds(self.budget.timeout))

    def _persistent_id(self, value):
        kind = type(value)  # called for every object pickled: the exact-type test keeps it cheap
        if kind is ModuleAttribute:
            return ("attr", value.path)
        if kind is not Remote:
            return None
        self._involved |= value.roots
        if value.reference[0] == "handle" and value.generation != self._request_generation:
            raise StudentFault(HANDLE_LOST.format(label=value.label))
        return value.reference

    def _missing_name(self, request: Call | GetAttr, raised: messages.Raised, label) -> str | None:
        """When a module-level name is missing, say which, and why when grading skipped the statement setting it.

        A lookup by the tests raises AttributeError (a near name is suggested); a student function reading a
        global that is not there raises NameError inside the call.
        """
        if raised.type == "NameError" and type(request) is Call:
            name = missing_global(raised.message)
            why = name and explain_unset(self.submission, name, self.names, self.notes)
            return GLOBAL_NOT_SET.format(call=label, error=raised_text(raised), name=name, why=why) if why else None
        if type(request) is not GetAttr or type(request.target) is not ModuleAttribute or raised.type != "AttributeError":
            return None
        name = request.name
        why = explain_unset(self.submission, name, self.names, self.notes)
        if why:
            return NOT_DEFINED_BECAUSE.format(file=self.filename, name=name, why=why)
        public = [n for n in self.names if not n.startswith("_")]
        near = [n for n in public if n.lower() == name.lower()] or difflib.get_close_matches(name, public, n=1)
        return NOT_DEFINED.format(file=self.filename, name=name, hint=DID_YOU_MEAN.format(near=near[0]) if near else "")


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
        return self._session._request(GetAttr(self, name), label=f"{self.label}.{name}")

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
        text = missing or RAISED.format(call=call, error=raised_text(raised))
        if not missing:
            text += {"NotImplementedError": NOT_DONE,
                     "MemoryError": OUT_OF_MEMORY.format(gib=DEFAULT_MEMORY // 2**30)}.get(self.type, "")
        super().__init__(text)
