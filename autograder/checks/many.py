"""Many calls of one student function in one round trip: each sandbox call costs about half a millisecond, and
encoding a thousand small answers costs more than the calls themselves.

    results_of(student, f, calls)   the results one by one, as a loop of calls would read them
    probed_each(student, probe, ...) the same for a probe run on each call (probes.backward on five models)
    calls_alike(student, f, args, seeds)  f(*args, seed) for each seed, the results stacked (one array per
                                    position, across the calls) when they are alike, for checks written with numpy
                                    over every call at once
"""
import math

import numpy as np

from autograder.feedback import StudentFault
from autograder.sandbox import probes
from autograder.sandbox.remote import RaisedError
from autograder.sandbox.sentences import UNREADABLE

MALFORMED_LAYOUT = "its stacked results do not fit together"


def results_of(student, function, calls, *, label: str, seed: int | None = None):
    """`function(*args)` for each of `calls` (each call seeded with `seed`, if given), from one round trip.

    When one of them raises, the calls are made again one at a time as the caller reads the results, so a test
    checking each result before the next call fails where and as it would have, with the failing call named.
    """
    calls = list(calls)
    try:
        return student.run(probes.call_many, function, calls, seed, label=label)
    except RaisedError:
        one_by_one = function if seed is None else function.seeded(seed)
        return (one_by_one(*args) for args in calls)


def probed_each(student, probe, function, calls, *, label: str, labels):
    """`student.run(probe, function, *args)` for each of `calls`, from one round trip; made again one at a time,
    each with its own label from `labels`, when one raises (see results_of)."""
    calls = list(calls)
    try:
        return student.run(probes.each, probe, function, calls, label=label)
    except RaisedError:
        return (student.run(probe, function, *args, label=one) for args, one in zip(calls, labels))


def calls_alike(student, function, arguments: tuple, seeds, *, label: str) -> "Calls":
    """Call `function(*arguments, seed)` for each of `seeds` in one round trip, each call on its own copy of the
    arguments; see Calls for what comes back."""
    seeds = list(seeds)
    answer = student.run(probes.calls_alike, function, tuple(arguments), seeds, label=label)
    if "results" in answer:
        return Calls(len(seeds), results=answer["results"])
    layout, leaves = answer.get("layout"), answer.get("leaves")
    indices = iter(range(len(leaves or ())))
    if leaves is None or not _well_formed(layout, indices) or next(indices, None) is not None \
            or any(leaf.ndim == 0 or len(leaf) != len(seeds) for leaf in leaves):
        raise StudentFault(UNREADABLE.format(call=label, reason=MALFORMED_LAYOUT))
    return Calls(len(seeds), layout=layout, leaves=leaves)


class Calls:
    """The results of many calls: `leaves` (each array of the results stacked across the calls, in the order they
    appear in a result) when every result is the same nest of tuples and lists of arrays alike, with that nest as
    `layout` (["tuple", [0, 1]]: a pair of the first two leaves); `results` one by one in any case."""

    def __init__(self, count: int, results=None, layout=None, leaves=None):
        self.count, self._results, self.layout, self.leaves = count, results, layout, leaves

    @property
    def results(self) -> list:
        """One result per call, rebuilt from the leaves when they were stacked."""
        if self._results is None:
            self._results = [self.result(call) for call in range(self.count)]
        return self._results

    def result(self, call: int):
        """The result of call number `call`."""
        return self._results[call] if self._results is not None else _rebuilt(self.layout, self.leaves, call)

    def stacked(self, kind: str, size: int) -> list | None:
        """The leaves when each result is a `kind` ("tuple" or "list") of `size` arrays, else None."""
        if self.leaves is not None and self.layout == [kind, list(range(size))]:
            return self.leaves
        return None


def _well_formed(layout, indices) -> bool:
    """Whether a layout is a nest of ["tuple" | "list", [...]] whose leaves number 0, 1, 2... in order."""
    if type(layout) is int:
        return layout == next(indices, math.nan)
    return (isinstance(layout, list) and len(layout) == 2 and layout[0] in ("tuple", "list")
            and isinstance(layout[1], list) and all(_well_formed(item, indices) for item in layout[1]))


def _rebuilt(layout, leaves: list[np.ndarray], call: int):
    """One call's result: the layout's nest with each leaf index replaced by that leaf's row for the call."""
    if type(layout) is int:
        return leaves[layout][call].copy()
    items = [_rebuilt(item, leaves, call) for item in layout[1]]
    return tuple(items) if layout[0] == "tuple" else items
