"""Compare what the student's code returned with what was expected.

Tolerances follow the dtype: a float32 result gets about float32's precision
(rtol 1e-5), a float64 one about float64's (rtol 1e-7), so a correct
implementation that sums in another order still passes. When a result is wrong
and equals a known wrong variant of the reference, the sentence names that
mistake.
"""
import copy
from typing import NamedTuple

import numpy as np

from autograder.feedback import StudentFault, describe, describe_call
from autograder.sandbox.remote import Remote
from autograder.seeding import seed_everything

TOLERANCES = {  # dtype -> (rtol, atol)
    "float16": (1e-3, 1e-4), "bfloat16": (1e-2, 1e-3),
    "float32": (1e-5, 1e-6), "complex64": (1e-5, 1e-6),
    "float64": (1e-7, 1e-10), "complex128": (1e-7, 1e-10),
}


MOST_DECIMALS_NAMED = 6
ROUNDED = ("the values are rounded to {decimals} decimals (round(), np.round, or printed and read back); return them "
           "at full precision")


class Mistake(NamedTuple):
    """A known mistake: its `message` (what went wrong and how to fix it) and its `variant`, what identifies it.

    Every check that names mistakes takes a list of these: for expect_close, expect_gradient and expect_fraction the
    variant is the value (or fraction) the mistake gives; for expect_same a wrong version of the reference, called
    on the same arguments only when the result is wrong. A suite's own checks use the same shape for what they
    match (a wrong default, a kind of partition problem).
    """
    message: str
    variant: object


def call_seeded(function, args=(), kwargs=None, seed: int | None = None, copy_arguments: bool = False):
    """Call a student proxy or a local function with python, numpy and torch seeded alike.

    The student's calls get copies anyway (the arguments travel to the sandbox); a local function gets copies
    with `copy_arguments`, for code that may modify them, like a known mistake done in place.
    """
    kwargs = kwargs or {}
    if isinstance(function, Remote):
        return function.seeded(seed)(*args, **kwargs) if seed is not None else function(*args, **kwargs)
    if seed is not None:
        seed_everything(seed)
    if copy_arguments:
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    return function(*args, **kwargs)


def expect_same(student_function, reference_function, *args, seed: int | None = None, mistakes=(),
                rtol: float | None = None, atol: float | None = None, call: str | None = None, **kwargs):
    """Call student and reference alike and expect the same result; return the student's.

    The reference must leave its arguments as it found them, as the contract asks of every solution; the known
    mistakes, computed only when the result is wrong, get copies.
    """
    got = call_seeded(student_function, args, kwargs, seed)
    expected = call_seeded(reference_function, args, kwargs, seed)
    if mismatch(got, expected, rtol, atol) is None:
        return got
    known = [(m.message, call_seeded(m.variant, args, kwargs, seed, copy_arguments=True)) for m in mistakes]
    expect_close(got, expected, call=call or describe_call(student_function.label, args, kwargs), rtol=rtol,
                 atol=atol, mistakes=known)
    return got


def expect_close(got, expected, *, call: str, rtol: float | None = None, atol: float | None = None,
                 mistakes=(), accept=()) -> None:
    """Expect `got` to equal `expected` (or one of the other correct values in `accept`) within dtype-aware
    tolerances; otherwise fail, naming the known mistake `(message, value)` it matches."""
    difference = mismatch(got, expected, rtol, atol)
    if difference is None or accepted(got, expected, accept, rtol, atol):
        return
    got_text, expected_text = describe(got), describe(expected)
    if got_text == expected_text and got_text.startswith("a "):  # summarised alike: the clause says what differs
        sentence = f"{call} returned {got_text} that differs from the expected one{difference}."
    else:
        sentence = f"{call} returned {got_text}; expected {expected_text}{difference}."
    matched = next((message for message, value in mistakes if mismatch(got, value, rtol, atol) is None), None)
    raise StudentFault(sentence, mistake=matched or _rounding(got, expected, rtol, atol))


def _rounding(got, expected, rtol, atol) -> str | None:
    """Name the mistake of rounding when `got` is `expected` rounded to a few decimals."""
    for decimals in range(MOST_DECIMALS_NAMED + 1):
        try:
            value = _rounded(expected, decimals)
        except TypeError:
            return None
        if mismatch(got, value, rtol, atol) is None:
            return ROUNDED.format(decimals=decimals)
    return None


def _rounded(value, decimals: int):
    """`value` (a number, array, tensor or a list or tuple of them) rounded to `decimals` decimals."""
    if isinstance(value, (list, tuple)):
        return type(value)(_rounded(item, decimals) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.round(value, decimals)
    if isinstance(value, (float, np.floating)):
        return type(value)(round(float(value), decimals))
    torch = _torch()
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return torch.round(value, decimals=decimals)
    raise TypeError(f"no decimals to round in {type(value).__name__}")


def expect_equal(got, expected, *, call: str, mistakes=()) -> None:
    """Expect an exact match (integers, indices, strings, shapes)."""
    expect_close(got, expected, call=call, rtol=0.0, atol=0.0, mistakes=mistakes)


def expect_raises(error, function, *args, call: str | None = None, because: str | None = None,
                  mistake: str | None = None, **kwargs) -> None:
    """Expect the student's call to raise `error` (an exception class, or a tuple of those the contract allows,
    subclasses included); `because` says why it must, `mistake` names what returning instead shows."""
    from autograder.sandbox.remote import RaisedError

    errors = error if isinstance(error, tuple) else (error,)
    wanted = " or ".join(kind.__name__ for kind in errors) + (f" because {because}" if because else "")
    call = call or describe_call(function.label, args, kwargs)
    try:
        got = function(*args, **kwargs)
    except RaisedError as raised:
        if any(kind.__name__ in raised.mro for kind in errors):
            return
        if raised.type == "NotImplementedError":
            raise  # "this part is not done yet" says it best
        raise StudentFault(f"{call} raised {raised.type}; expected {wanted}.") from None
    raise StudentFault(f"{call} returned {describe(got)}; expected it to raise {wanted}.", mistake=mistake)


def expect_that(condition: bool, sentence: str, mistake: str | None = None) -> None:
    """Fail with `sentence` (naming `mistake`, when given) unless `condition` holds: for properties no value
    comparison expresses."""
    if not condition:
        raise StudentFault(sentence, mistake=mistake)


def accepted(got, expected, accept, rtol: float | None = None, atol: float | None = None) -> bool:
    """Whether `got` matches one of the other correct values in `accept` (e.g. built on the student's own other
    functions). NaN matches NaN there only where `expected` itself is NaN: NaN that the student's own functions
    produced must not make a NaN answer right."""
    nan_allowed = _nan_positions(expected)
    return any(mismatch(got, value, rtol, atol, equal_nan=nan_allowed) is None for value in accept)


def mismatch(got, expected, rtol: float | None = None, atol: float | None = None, equal_nan=True) -> str | None:
    """Say how `got` differs from `expected` (a clause starting with ' ' or ''), or None when it matches.

    `equal_nan`: whether NaN in `got` matches NaN in `expected`: everywhere (True), nowhere (False), or where a
    boolean array shaped like an array `expected` says so.
    """
    torch = _torch()
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return " (not a torch tensor)"
        return _array_mismatch(_numpy(got), _numpy(expected), _dtype(got), _dtype(expected), rtol, atol, equal_nan)
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return " (not a numpy array)"
        return _array_mismatch(got, expected, str(got.dtype), str(expected.dtype), rtol, atol, equal_nan)
    nan_anywhere = equal_nan if isinstance(equal_nan, bool) else False  # a mask belongs to one array
    if isinstance(expected, (list, tuple)):
        return _sequence_mismatch(got, expected, rtol, atol, nan_anywhere)
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return " (different keys)"
        for key in expected:
            difference = mismatch(got[key], expected[key], rtol, atol, nan_anywhere)
            if difference is not None:
                return _located(f"key {key!r}", difference, got[key], expected[key])
        return None
    if isinstance(expected, (bool, np.bool_, str)) or expected is None:
        return None if _plain(got) == _plain(expected) and type(_plain(got)) is type(_plain(expected)) else ""
    if isinstance(expected, (int, float, np.number)):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number)):
            return " (not a number)"
        got_array, expected_array = np.asarray(got), np.asarray(expected)
        return _array_mismatch(got_array, expected_array, str(got_array.dtype), str(expected_array.dtype), rtol, atol,
                               nan_anywhere)
    raise TypeError(f"cannot compare with an expected {type(expected).__name__}")


def _nan_positions(value):
    """Where an array (or tensor) holds NaN, for `equal_nan`; False for anything else."""
    if hasattr(value, "detach"):
        value = _numpy(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return np.isnan(value)
    return False


def _array_mismatch(got, expected, got_dtype, expected_dtype, rtol, atol, equal_nan=True) -> str | None:
    if got.shape != expected.shape:
        return f" (shape {tuple(got.shape)} instead of {tuple(expected.shape)})"
    exact = _integral(got) and _integral(expected) and not rtol and not atol
    if exact:  # counts, indices and masks: no tolerance, and no float64 cast that would blur big integers
        close = np.asarray(got == expected, dtype=bool)
    else:
        rtol, atol = _tolerance(got_dtype, expected_dtype, rtol, atol)
        try:
            wide_got = _widened(got)
        except (TypeError, ValueError):  # an array of objects that are not numbers
            return " (not numbers)"
        wide_expected = _widened(expected)
        close = np.isclose(wide_got, wide_expected, rtol=rtol, atol=atol)
        if not isinstance(equal_nan, bool) and np.shape(equal_nan) != close.shape:
            equal_nan = False  # a mask for another shape allows nothing
        close |= np.asarray(equal_nan) & np.isnan(wide_got) & np.isnan(wide_expected)
    if close.all():
        return None
    where = tuple(int(i) for i in np.argwhere(~close)[0])
    got_value, expected_value = _plain(got[where]), _plain(expected[where])
    if got.ndim == 0:
        if exact:
            return f" (off by {abs(got_value - expected_value)})"
        return (f" (off by {abs(_widened(got) - _widened(expected)).item():.3g}; "
                f"the tolerance is rtol={rtol:g}, atol={atol:g})")
    count = int((~close).sum())
    return (f" ({count} of {close.size} values differ; first at index {where}: "
            f"{_number(got_value)} instead of {_number(expected_value)})")


def _integral(array: np.ndarray) -> bool:
    """Integers and booleans, including Python ints too big for int64 (object arrays of ints)."""
    if array.dtype.kind in "iub":
        return True
    return array.dtype == object and all(isinstance(v, (int, np.integer)) for v in array.flat)


def _widened(array: np.ndarray) -> np.ndarray:
    return array.astype(np.complex128 if np.iscomplexobj(array) else np.float64)


def _number(value) -> str:
    return str(value) if isinstance(value, (int, bool)) else f"{value:.8g}"


def _sequence_mismatch(got, expected, rtol, atol, equal_nan) -> str | None:
    if not isinstance(got, (list, tuple)):
        return f" (not a {type(expected).__name__} of {len(expected)} items)"
    if len(got) != len(expected):
        return f" ({len(got)} items instead of {len(expected)})"
    for index, (item, wanted) in enumerate(zip(got, expected)):
        difference = mismatch(item, wanted, rtol, atol, equal_nan)
        if difference is not None:
            return _located(f"item {index}", difference, item, wanted)
    return None


def _located(where: str, difference: str, got, expected) -> str:
    """Say where inside a container the first difference is, keeping its detail: "at item 0, item 1: ..."."""
    if difference:  # " (what differs)", or " (at <inner place>: what differs)" from a nested container
        inner = difference.strip()[1:-1]
        return f" (at {where}, {inner.removeprefix('at ')})" if inner.startswith("at ") else f" (at {where}: {inner})"
    return f" (at {where}: {describe(got)} instead of {describe(expected)})"


def _tolerance(got_dtype: str, expected_dtype: str, rtol: float | None, atol: float | None) -> tuple[float, float]:
    """The tolerance asked for, else the loosest of the dtypes involved: float32 on either side limits precision."""
    known = [TOLERANCES[d] for d in (got_dtype, expected_dtype) if d in TOLERANCES] or [TOLERANCES["float64"]]
    return (max(t[0] for t in known) if rtol is None else rtol,
            max(t[1] for t in known) if atol is None else (atol or 0.0))


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _numpy(tensor) -> np.ndarray:
    torch = _torch()
    return tensor.detach().float().numpy() if tensor.dtype == torch.bfloat16 else tensor.detach().numpy()


def _dtype(tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def _torch():
    import torch

    return torch
