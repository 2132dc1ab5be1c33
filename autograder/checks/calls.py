"""Checks of how a student's function behaves as a call, beyond the value it returns: it leaves its arguments as it
found them, it accepts what the contract allows, and it is judged on top of the student's own other functions.

    expect_unchanged(student, student.dropout, x, 0.5, names=("x",), mistake=IN_PLACE)
    result = expect_accepts(ValueError, student.split, data, labels, (0.7, 0.2, 0.1), expected="...", mistake=...)
    expect_close_or_own(got, expected, call=..., own=lambda: what a correct train returns on the student's loss)
    if not matches_own(out, own=lambda: the student's own dropout(x, p), idle=x): the statistical checks of out
    expect_returns(student.sgd_step, theta, grad, 0.1, expected=np.array([0.95, 2.1]))  the call named by its values
"""
from autograder.checks.values import accepted, describe_call, expect_close, mismatch
from autograder.feedback import StudentFault, describe
from autograder.sandbox import probes
from autograder.sandbox.remote import RaisedError

CHANGED = ("{call} changed its argument {argument}: it was {before} before the call and {after} after it; expected it "
           "unchanged.")
CHANGED_INSIDE = "{call} changed its argument {argument}, {before}{difference}; expected it unchanged."  # a big one
REFUSED = "{raised} Expected {expected}."
OWN_FAULTS = (StudentFault, TypeError, ValueError, IndexError)  # the student's own functions failing or mis-shaped


def expect_unchanged(student, function, *args, names, call: str | None = None, mistake: str | None = None,
                     seed: int | None = None, **kwargs):
    """Expect the student's call to leave each argument named in `names` (the first positional ones, in order) as
    it was, exactly; return what the call returned.

    The arguments are read back from the sandbox right after the call (probes.arguments_after): an in-place
    change (x.mul_, x[...] = ..., np.random.shuffle(x)) is invisible in the returned value alone. `mistake` may
    say `{argument}`, the name of the argument that changed.
    """
    call = call or describe_call(function.label, args, kwargs)
    answer = student.run(probes.arguments_after, function, *args, seed=seed, label=call, **kwargs)
    for argument, before, after in zip(names, args, answer["arguments"]):
        difference = mismatch(after, before, 0.0, 0.0)
        if difference is None:
            continue
        shown = {"call": call, "argument": argument, "before": describe(before), "after": describe(after)}
        sentence = CHANGED_INSIDE if shown["before"] == shown["after"] and difference else CHANGED
        raise StudentFault(sentence.format(**shown, difference=difference),
                           mistake=mistake.format(argument=argument) if mistake else None)
    return answer["value"]


def expect_accepts(error, function, *args, expected: str, mistake: str | None = None, **kwargs):
    """Call the student's function and return its result; when it raises `error` (an exception class, subclasses
    included), fail with what it raised and `expected`, what the call should have done instead.

    For input the contract allows that a too strict check refuses: partitions summing to 1 only up to rounding.
    Any other exception speaks for itself, as the call's own sentence.
    """
    try:
        return function(*args, **kwargs)
    except RaisedError as raised:
        if error.__name__ not in raised.mro:
            raise
        raise StudentFault(REFUSED.format(raised=raised, expected=expected), mistake=mistake) from None


def expect_returns(function, *args, expected, rtol: float | None = None, atol: float | None = None, mistakes=(),
                   **kwargs):
    """Call the student's function and expect `expected` (see expect_close); return what it returned.

    The sentence names the call by its real arguments (describe_call), so no label is typed by hand.
    """
    got = function(*args, **kwargs)
    if mismatch(got, expected, rtol, atol) is None:  # the label, costly to write out, only for a sentence
        return got
    expect_close(got, expected, call=describe_call(function.label, args, kwargs), rtol=rtol, atol=atol,
                 mistakes=mistakes)
    return got


def expect_close_or_own(got, expected, *, call: str, accept=(), mistakes=(), own=None) -> None:
    """expect_close, also accepting `own()`: what a correct implementation returns on top of the student's own other
    functions, so that one mistake in those is not counted against this one too.

    `own` is called only when `got` matches nothing else (it may cost many calls into the sandbox) and is judged as
    matches_own judges it: None where it proves nothing (code doing nothing must not lend points); when the student's
    own functions fail, the check falls back on `expected` alone.
    """
    if mismatch(got, expected) is None or accepted(got, expected, accept) or (own and matches_own(got, own)):
        return
    expect_close(got, expected, call=call, accept=accept, mistakes=mistakes)


def matches_own(got, own, *, idle=None) -> bool:
    """Whether `got` is what `own()` returns: what a correct implementation gives on top of the student's own other
    functions (Dropout calling the student's own dropout), for a contract that is no single value to be close to.

    own() proves nothing, and so matches nothing, when the student's own functions fail or give what cannot be
    compared, when it returns None, or when it returns `idle`: what code doing nothing gives (a dropout returning x
    in training). Code doing nothing must not lend points.
    """
    try:
        own_value = own()
        proves_nothing = own_value is None or (idle is not None and mismatch(own_value, idle) is None)
        return not proves_nothing and mismatch(got, own_value) is None
    except OWN_FAULTS:
        return False
