"""Tests of the check vocabulary hidden tests use: values, gradients, statistics, feedback.

Every check test is a table of (reference, student, expected sentence): the
sentence is what the student reads, so it is compared whole, and a row whose
sentence is None must pass. Message templates are imported, not retyped.
"""
import functools
import math

import numpy as np
import pytest
import torch
from torch import nn

from autograder.checks import (
    Mistake,
    StudentFault,
    binomial_interval,
    describe,
    describe_call,
    expect_close,
    expect_equal,
    expect_fraction,
    expect_gradient,
    expect_same,
    expect_that,
    mismatch,
    numerical_gradient,
)
from autograder.checks.statistics import FAILURE_PROBABILITY
from autograder.checks.values import TOLERANCES
from autograder.feedback import MAX_DESCRIPTION, MISTAKE_SUFFIX, SHORT_ITEMS

CALL = "f(x)"
F32 = torch.tensor([1.0, 2.0, 4.0])
F64 = np.array([1.0, 2.0, 4.0])
NOT_A_NUMBER = " (not a number)"


def sentence_of(got, expected, **options) -> str | None:
    """Run expect_close and return the sentence it fails with, or None when it passes."""
    try:
        expect_close(got, expected, call=CALL, **options)
    except StudentFault as fault:
        return str(fault)
    return None


# ---------------------------------------------------------------- expect_close / mismatch

@pytest.mark.parametrize("reference, student, sentence", [
    # float32 gets float32's precision: 1e-6 relative passes, 1e-4 does not.
    pytest.param(F32, F32 * (1 + 1e-6), None, id="float32-1e-6-passes"),
    pytest.param(F32, torch.tensor([1.0, 2.0, 4.0004]),
                 "f(x) returned tensor([1.    , 2.    , 4.0004]); expected tensor([1., 2., 4.]) "
                 "(1 of 3 values differ; first at index (2,): 4.0004001 instead of 4).", id="float32-1e-4-fails"),
    # float64 gets float64's: 1e-9 relative passes, 1e-6 does not.
    pytest.param(F64, F64 * (1 + 1e-9), None, id="float64-1e-9-passes"),
    pytest.param(F64, np.array([1.0, 2.0, 4.000004]),
                 "f(x) returned array([1.      , 2.      , 4.000004]); expected array([1., 2., 4.]) "
                 "(1 of 3 values differ; first at index (2,): 4.000004 instead of 4).", id="float64-1e-6-fails"),
    pytest.param(torch.from_numpy(F64), torch.from_numpy(F64 * (1 + 1e-6)),
                 "f(x) returned tensor([1.000001, 2.000002, 4.000004], dtype=float64); expected tensor([1., 2., 4.], "
                 "dtype=float64) (3 of 3 values differ; first at index (0,): 1.000001 instead of 1).",
                 id="float64-tensor-1e-6-fails"),
    # A float32 result against a float64 expectation is held to float32's precision only.
    pytest.param(torch.from_numpy(F64), F32 * (1 + 1e-6), None, id="float32-vs-float64-tensor-passes"),
    pytest.param(F64, F64.astype(np.float32) * np.float32(1 + 1e-6), None, id="float32-vs-float64-array-passes"),
    pytest.param(torch.from_numpy(F64), torch.tensor([1.0, 2.0, 4.0004]),
                 "f(x) returned tensor([1.    , 2.    , 4.0004]); expected tensor([1., 2., 4.], dtype=float64) "
                 "(1 of 3 values differ; first at index (2,): 4.0004001 instead of 4).",
                 id="float32-vs-float64-1e-4-fails"),
    # Python floats are float64.
    pytest.param(1.0, 1.0 + 1e-9, None, id="float-1e-9-passes"),
    pytest.param(1.0, 1.000001, "f(x) returned 1.000001; expected 1.0 (off by 1e-06; the tolerance is rtol=1e-07, "
                                "atol=1e-10).", id="float-1e-6-fails"),
    pytest.param(torch.tensor(2.0), torch.tensor(2.5),
                 "f(x) returned tensor(2.5); expected tensor(2.) (off by 0.5; the tolerance is rtol=1e-05, "
                 "atol=1e-06).", id="0-dim-tensor"),
    # Shapes.
    pytest.param(torch.zeros(4), torch.zeros(1, 4),
                 "f(x) returned tensor([[0., 0., 0., 0.]]); expected tensor([0., 0., 0., 0.]) "
                 "(shape (1, 4) instead of (4,)).", id="shape"),
    pytest.param(np.zeros((10, 3)), np.zeros((3, 10)),
                 "f(x) returned a float64 array of shape (3, 10); expected a float64 array of shape (10, 3) "
                 "(shape (3, 10) instead of (10, 3)).", id="large-shape"),
    # Kinds.
    pytest.param(F32, F32.numpy(), "f(x) returned array([1., 2., 4.], dtype=float32); expected tensor([1., 2., 4.]) "
                                   "(not a torch tensor).", id="ndarray-for-tensor"),
    pytest.param(F64, torch.from_numpy(F64), "f(x) returned tensor([1., 2., 4.], dtype=float64); expected "
                                             "array([1., 2., 4.]) (not a numpy array).", id="tensor-for-ndarray"),
    pytest.param(2.0, torch.tensor(2.0), "f(x) returned tensor(2.); expected 2.0 (not a number).",
                 id="tensor-for-float"),
    pytest.param(torch.tensor(2.0), 2.0, "f(x) returned 2.0; expected tensor(2.) (not a torch tensor).",
                 id="float-for-tensor"),
    pytest.param(1, True, "f(x) returned True; expected 1 (not a number).", id="bool-for-int"),
    pytest.param(0.5, "0.5", "f(x) returned '0.5'; expected 0.5 (not a number).", id="str-for-float"),
    pytest.param(True, 1, "f(x) returned 1; expected True.", id="int-for-bool"),
    pytest.param(True, np.bool_(True), None, id="numpy-bool"),
    pytest.param("relu", "relu", None, id="same-str"),
    pytest.param("relu", "ReLU", "f(x) returned 'ReLU'; expected 'relu'.", id="other-str"),
    pytest.param(None, None, None, id="none"),
    pytest.param(None, 0, "f(x) returned 0; expected None.", id="zero-for-none"),
    # Sequences item by item, naming the failing item.
    pytest.param((1.0, torch.tensor([1.0, 2.0])), (1.0, torch.tensor([1.0, 2.0])), None, id="tuple-passes"),
    pytest.param((1.0, torch.tensor([1.0, 2.0])), [1.0, torch.tensor([1.0, 2.0 + 1e-7])], None, id="list-for-tuple"),
    pytest.param((1.0, torch.tensor([1.0, 2.0])), (1.0, torch.tensor([1.0, 3.0])),
                 "f(x) returned (1.0, tensor([1., 3.])); expected (1.0, tensor([1., 2.])) (at item 1: 1 of 2 values "
                 "differ; first at index (1,): 3 instead of 2).",
                 id="tuple-item-1"),
    pytest.param([1, 2, 3], [1, 2], "f(x) returned [1, 2]; expected [1, 2, 3] (2 items instead of 3).",
                 id="list-length"),
    pytest.param([1, 2], torch.tensor([1, 2]), "f(x) returned tensor([1, 2], dtype=int64); expected [1, 2] "
                                               "(not a list of 2 items).", id="tensor-for-list"),
    # Dicts.
    pytest.param({"w": 1.0, "b": 0.0}, {"b": 0.0, "w": 1.0}, None, id="dict-passes"),
    pytest.param({"w": 1.0, "b": 0.0}, {"w": 1.0}, "f(x) returned a dict with keys w; expected a dict with keys w, b "
                                                   "(different keys).", id="dict-keys"),
    pytest.param({"w": 1.0, "b": 0.0}, {"w": 1.0, "b": 0.5},
                 "f(x) returned a dict with keys w, b that differs from the expected one (at key 'b': off by 0.5; "
                 "the tolerance is rtol=1e-07, atol=1e-10).", id="dict-value"),
    # NaN equals NaN, and only NaN.
    pytest.param(math.nan, math.nan, None, id="nan-float"),
    pytest.param(torch.tensor([1.0, math.nan]), torch.tensor([1.0, math.nan]), None, id="nan-tensor"),
    pytest.param(torch.tensor([1.0, math.nan]), torch.tensor([1.0, 0.0]),
                 "f(x) returned tensor([1., 0.]); expected tensor([ 1., nan]) (1 of 2 values differ; first at index "
                 "(1,): 0 instead of nan).", id="number-for-nan"),
    pytest.param(1.0, math.nan, "f(x) returned nan; expected 1.0 (off by nan; the tolerance is rtol=1e-07, atol=1e-10).",
                 id="nan-for-number"),
    # Integers are exact: 1e-9 relative would pass a float comparison.
    pytest.param(10**9, 10**9, None, id="int-equal"),
    pytest.param(10**9, 10**9 + 1, "f(x) returned 1000000001; expected 1000000000 (off by 1).",
                 id="int-off-by-one"),
    pytest.param(np.array([3, 7]), np.array([3, 8]),
                 "f(x) returned array([3, 8], dtype=int64); expected array([3, 7], dtype=int64) "
                 "(1 of 2 values differ; first at index (1,): 8 instead of 7).", id="int-array"),
    pytest.param(torch.tensor([True, False]), torch.tensor([True, True]),
                 "f(x) returned tensor([ True,  True], dtype=bool); expected tensor([ True, False], dtype=bool) "
                 "(1 of 2 values differ; first at index (1,): True instead of False).", id="bool-tensor"),
    pytest.param(3, np.int64(3), None, id="numpy-int"),
])
def test_expect_close(reference, student, sentence):
    assert sentence_of(student, reference) == sentence
    assert (mismatch(student, reference) is None) == (sentence is None)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tolerance_edges_follow_the_table(dtype):
    """Just inside the dtype's rtol passes and ten times outside fails, for tensors and arrays alike."""
    rtol, _ = TOLERANCES[dtype]
    base = np.array([1.0, 3.0, 100.0], dtype=dtype)
    for make in (np.asarray, torch.from_numpy):
        assert mismatch(make(base * (1 + rtol / 2)), make(base)) is None
        assert mismatch(make(base * (1 + rtol * 10)), make(base)) is not None


def test_integer_arrays_are_exact():
    """1e-9 relative would pass any float tolerance; integers must match exactly."""
    for make in (np.array, torch.tensor):
        assert mismatch(make([10**9, 7]), make([10**9, 7])) is None
        assert mismatch(make([10**9 + 1, 7]), make([10**9, 7])) is not None
    assert mismatch(np.array([3.0, 7.0]), np.array([3, 7])) is None  # a float result for integer values is fine


def test_explicit_tolerance_overrides_the_dtype():
    assert sentence_of(F32 * 1.01, F32, rtol=0.02) is None
    assert sentence_of(F32 * 1.01, F32) is not None
    assert sentence_of(10, 11, rtol=0.0, atol=1) is None


def test_expect_equal_is_exact_for_floats():
    expect_equal((2, 3), (2, 3), call="x.shape")
    assert sentence_of(1.0 + 1e-12, 1.0) is None
    with pytest.raises(StudentFault) as fault:
        expect_equal(1.0 + 1e-12, 1.0, call=CALL)
    assert str(fault.value) == "f(x) returned 1.0; expected 1.0 (off by 1e-12; the tolerance is rtol=0, atol=0)."


def test_an_unsupported_expectation_is_a_grader_error_not_a_student_fault():
    with pytest.raises(TypeError, match="cannot compare with an expected set") as error:
        expect_close({1}, {1}, call=CALL)
    assert not isinstance(error.value, AssertionError)


@pytest.mark.parametrize("reference, student", [
    pytest.param(1.0, np.float32(1.0) + np.finfo(np.float32).eps, id="numpy-float32-scalar-vs-float"),
], )
def test_numpy_float32_scalar_gets_float32_tolerance(reference, student):
    assert sentence_of(student, reference) is None


@pytest.mark.parametrize("reference, student", [
    pytest.param(2**53, 2**53 + 1, id="python-int"),
    pytest.param(2**70, 2**70 + 1, id="python-int-over-int64"),
    pytest.param(np.array([2**53]), np.array([2**53 + 1]), id="int64-array"),
])
def test_big_integers_are_exact(reference, student):
    assert sentence_of(student, reference) is not None


# ---------------------------------------------------------------- accept= and mistakes=

def test_an_accepted_alternative_passes():
    l1, l2 = torch.tensor(3.0), torch.tensor(5.0)
    assert sentence_of(l1 + l2, l1) is not None
    assert sentence_of(l1 + l2, l1, accept=[l2, l1 + l2]) is None
    assert sentence_of(l1 + l2 + 1, l1, accept=[l2, l1 + l2]) == (
        "f(x) returned tensor(9.); expected tensor(3.) (off by 6; the tolerance is rtol=1e-05, atol=1e-06).")


@pytest.mark.parametrize("student, named", [
    pytest.param(F32 * 2, "it scales by 1/p instead of 1/(1-p)", id="first-mistake"),
    pytest.param(F32 * 3, "it does not scale at all", id="second-mistake"),
    pytest.param(F32 * 5, None, id="no-mistake"),
])
def test_a_matching_mistake_is_named(student, named):
    mistakes = [("it scales by 1/p instead of 1/(1-p)", F32 * 2), ("it does not scale at all", F32 * 3),
                ("it returns x twice", F32 * 3)]
    sentence = sentence_of(student, F32 * 4, mistakes=mistakes)
    base = f"{CALL} returned {describe(student)}; expected {describe(F32 * 4)}"
    assert sentence.startswith(base)
    suffixes = [MISTAKE_SUFFIX.format(mistake=message) for message, _ in mistakes]
    if named is None:
        assert not any(suffix in sentence for suffix in suffixes)
        assert sentence.endswith(").")
    else:  # only the first matching mistake is named, at the end
        assert sentence.endswith(MISTAKE_SUFFIX.format(mistake=named))
        assert sum(suffix in sentence for suffix in suffixes) == 1


# ---------------------------------------------------------------- expect_same

def _noise(x, p):
    return x + p * torch.rand(x.shape)


def _noise_drawn_twice(x, p):
    torch.rand(x.shape)
    return x + p * torch.rand(x.shape)


def test_expect_same_seeds_both_calls_alike():
    x = torch.zeros(5)
    got = expect_same(_noise, _noise, x, 0.5, seed=3, call="noise(x, 0.5)")
    torch.manual_seed(3)
    assert torch.equal(got, 0.5 * torch.rand(5))  # the student's own result, drawn after seeding
    with pytest.raises(StudentFault) as fault:
        expect_same(_noise_drawn_twice, _noise, x, 0.5, seed=3, call="noise(x, 0.5)")
    assert str(fault.value).startswith("noise(x, 0.5) returned tensor([")
    assert "5 of 5 values differ" in str(fault.value)


def test_expect_same_describes_the_call_from_the_label():
    def student(x, p):
        return x * p

    student.label = "scale"
    with pytest.raises(StudentFault) as fault:
        expect_same(student, lambda x, p: x, torch.ones(2), p=0.5)
    assert str(fault.value) == ("scale(tensor([1., 1.]), p=0.5) returned tensor([0.5, 0.5]); expected tensor([1., 1.]) "
                                "(2 of 2 values differ; first at index (0,): 0.5 instead of 1).")


def test_expect_same_names_a_mistake_computed_with_the_same_seed():
    def student(x, p):
        return x * (torch.rand(x.shape) > p) / p

    def reference(x, p):
        return x * (torch.rand(x.shape) > p) / (1 - p)

    wrong_scale = Mistake("scale the survivors by 1/(1-p), not 1/p", student)
    unrelated = Mistake("keep with probability p", lambda x, p: x * (torch.rand(x.shape) < p) / (1 - p))
    with pytest.raises(StudentFault) as fault:
        expect_same(student, reference, torch.ones(50), 0.25, seed=1, mistakes=[unrelated, wrong_scale],
                    call="dropout(x, 0.25)")
    assert str(fault.value).endswith(MISTAKE_SUFFIX.format(mistake=wrong_scale.message))
    assert unrelated.message not in str(fault.value)


def test_expect_same_gives_the_known_mistakes_copies_of_the_arguments():
    def student(x):  # stands in for a sandbox proxy, which always works on a copy
        return x * 0 + 5

    def reference(x):
        return x + 1

    def in_place(x):  # a known mistake made in place: it must not change what the next variant sees
        return x.add_(5)

    x = torch.zeros(3)
    with pytest.raises(StudentFault) as fault:
        expect_same(student, reference, x, call="inc(x)",
                    mistakes=[Mistake("adds 5 in place", in_place), Mistake("adds 4", lambda v: v + 4)])
    assert fault.value.mistake == "adds 5 in place"
    assert torch.equal(x, torch.zeros(3))  # the caller's tensor is untouched
    assert expect_same(reference, reference, x, mistakes=[Mistake("never computed", in_place)]) is not None
    assert torch.equal(x, torch.zeros(3))  # variants are computed only for a wrong result


def test_expect_that():
    expect_that(True, "never shown")
    with pytest.raises(StudentFault, match="^the penalty is not in the graph.$"):
        expect_that(False, "the penalty is not in the graph.")


# ---------------------------------------------------------------- gradients

AT = np.array([0.5, -1.5, 2.0, 3.25])


def test_numerical_gradient_of_a_square():
    at = AT.reshape(2, 2).copy()
    gradient = numerical_gradient(lambda w: (w**2).sum(), at)
    np.testing.assert_allclose(gradient, 2 * at, rtol=1e-8)
    assert gradient.dtype == np.float64 and gradient.shape == (2, 2)
    np.testing.assert_array_equal(at, AT.reshape(2, 2))  # the point itself is left alone


@pytest.mark.parametrize("function, got, sentence_start", [
    pytest.param(lambda w: (w**2).sum(), 2 * AT, None, id="square-2w"),
    pytest.param(lambda w: (w**2).sum(), torch.tensor(2 * AT, dtype=torch.float32, requires_grad=True) * 1, None,
                 id="square-2w-tensor"),
    pytest.param(lambda w: np.abs(w).sum(), np.sign(AT), None, id="abs-sign"),
    pytest.param(lambda w: (w**2).sum(), AT,
                 "grad of sum(w**2) returned array([ 0.5 , -1.5 ,  2.  ,  3.25]); expected array([", id="square-w"),
])
def test_expect_gradient(function, got, sentence_start):
    try:
        expect_gradient(got, function, AT, call="grad of sum(w**2)")
    except StudentFault as fault:
        assert sentence_start is not None, str(fault)
        assert str(fault).startswith(sentence_start)
        assert str(fault).endswith("(4 of 4 values differ; first at index (0,): 0.5 instead of 1).")
    else:
        assert sentence_start is None


def test_expect_gradient_names_a_mistake():
    with pytest.raises(StudentFault) as fault:
        expect_gradient(AT, lambda w: (w**2).sum(), AT, call="grad",
                        mistakes=[("forgot the factor 2", AT), ("used sign(w)", np.sign(AT))])
    assert str(fault.value).endswith(MISTAKE_SUFFIX.format(mistake="forgot the factor 2"))
    assert "used sign(w)" not in str(fault.value)


# ---------------------------------------------------------------- statistics

@functools.lru_cache(maxsize=None)
def _log_factorials(n: int) -> np.ndarray:
    return np.frompyfunc(math.lgamma, 1, 1)(np.arange(n + 1) + 1.0).astype(np.float64)


def _mass_outside(n: int, p: float, low: int, high: int) -> float:
    """The exact Binomial(n, p) probability of a count below `low` or above `high`."""
    k = np.concatenate([np.arange(0, low), np.arange(high + 1, n + 1)])
    log_factorial = _log_factorials(n)
    log_pmf = log_factorial[n] - log_factorial[k] - log_factorial[n - k] + k * math.log(p) + (n - k) * math.log1p(-p)
    return float(np.exp(log_pmf).sum())


@pytest.mark.parametrize("n", [100, 10_000, 200_000])
@pytest.mark.parametrize("p", [0.01, 0.1, 0.5, 0.8, 0.99])
def test_binomial_interval_is_never_flaky_and_not_absurdly_wide(n, p):
    low, high = binomial_interval(n, p)
    assert 0 <= low <= n * p <= high <= n
    assert _mass_outside(n, p, low, high) < FAILURE_PROBABILITY
    # A normal tail of 1e-6 is 4.9 standard deviations; the Chernoff bound may cost a little more.
    deviation = math.sqrt(n * p * (1 - p))
    assert (high - low) / 2 < 7 * deviation + 2
    assert _mass_outside(n, p, low + (high - low) // 4, high - (high - low) // 4) > 1e-5


def test_binomial_interval_is_narrow_for_many_trials():
    low, high = binomial_interval(200_000, 0.5)
    assert (high - low) / 2 < 0.01 * 200_000


@pytest.mark.parametrize("p, interval", [(0.0, (0, 0)), (1.0, (1000, 1000))])
def test_binomial_interval_is_degenerate_at_certainty(p, interval):
    assert binomial_interval(1000, p) == interval


WHAT = "dropout(x, p=0.25): zeroed elements"
OUTSIDE = ("dropout(x, p=0.25): zeroed elements: {count} of 1000 ({fraction}); expected a fraction near 0.25 "
           "(between 178 and 326, a range a correct implementation leaves less than once in a million runs).")
ALTERNATIVES = [("p is the probability of dropping, not of keeping", 0.75), ("the mask is never drawn", 0.0)]


@pytest.mark.parametrize("count, sentence", [
    pytest.param(250, None, id="mean"),
    pytest.param(178, None, id="low-edge"),
    pytest.param(326, None, id="high-edge"),
    pytest.param(177, OUTSIDE.format(count=177, fraction="0.1770"), id="below"),
    pytest.param(500, OUTSIDE.format(count=500, fraction="0.5000"), id="no-alternative-fits"),
    pytest.param(750, OUTSIDE.format(count=750, fraction="0.7500")
                 + MISTAKE_SUFFIX.format(mistake=ALTERNATIVES[0][0]), id="keeps-with-p"),
    pytest.param(0, OUTSIDE.format(count=0, fraction="0.0000")
                 + MISTAKE_SUFFIX.format(mistake=ALTERNATIVES[1][0]), id="never-drops"),
])
def test_expect_fraction(count, sentence):
    assert binomial_interval(1000, 0.25) == (178, 326)  # the bounds OUTSIDE spells out
    try:
        expect_fraction(count, 1000, 0.25, what=WHAT, alternatives=ALTERNATIVES)
    except StudentFault as fault:
        assert str(fault) == sentence
    else:
        assert sentence is None


def test_expect_fraction_with_certainty():
    expect_fraction(0, 100, 0.0, what="zeros")
    with pytest.raises(StudentFault) as fault:
        expect_fraction(1, 100, 0.0, what="zeros")
    assert str(fault.value).startswith("zeros: 1 of 100 (0.0100); expected a fraction near 0 (between 0 and 0,")


# ---------------------------------------------------------------- feedback.describe / describe_call

class _Remote:
    remote_type = "regularization.MyDropout"


def _named():
    pass


@pytest.mark.parametrize("value, description", [
    pytest.param(torch.tensor([1.0, 0.5]), "tensor([1. , 0.5])", id="float32-tensor"),
    pytest.param(torch.tensor([1.0, 0.5], dtype=torch.float64), "tensor([1. , 0.5], dtype=float64)",
                 id="float64-tensor"),
    pytest.param(torch.tensor([3, -1]), "tensor([ 3, -1], dtype=int64)", id="int64-tensor"),
    pytest.param(torch.tensor([0.5, 1.0], dtype=torch.bfloat16), "tensor([0.5, 1. ], dtype=bfloat16)",
                 id="bfloat16-tensor"),
    pytest.param(torch.tensor(2.0, requires_grad=True) * 2, "tensor(4.)", id="0-dim-tensor-with-grad"),
    pytest.param(torch.arange(6.0), "tensor([0., 1., 2., 3., 4., 5.])", id="six-items-in-full"),
    pytest.param(torch.zeros(1000), "a float32 tensor of shape (1000,)", id="large-tensor"),
    pytest.param(torch.zeros(7, 2, dtype=torch.int64), "an int64 tensor of shape (7, 2)", id="large-int-tensor"),
    pytest.param(np.array([1.0, 2.5]), "array([1. , 2.5])", id="float64-array"),
    pytest.param(np.array([1.0, 2.5], dtype=np.float32), "array([1. , 2.5], dtype=float32)", id="float32-array"),
    pytest.param(np.array([True, False]), "array([ True, False], dtype=bool)", id="bool-array"),
    pytest.param(np.zeros((3, 4)), "a float64 array of shape (3, 4)", id="large-array"),
    pytest.param(0.1, "0.1", id="float"),
    pytest.param(1 / 3, "0.3333333333", id="float-ten-digits"),
    pytest.param(np.float64(2.0), "2.0", id="numpy-float"),
    pytest.param(math.inf, "inf", id="inf"),
    pytest.param(7, "7", id="int"),
    pytest.param(np.int64(7), "7", id="numpy-int"),
    pytest.param(True, "True", id="bool"),
    pytest.param(np.bool_(False), "False", id="numpy-bool"),
    pytest.param(None, "None", id="none"),
    pytest.param("relu", "'relu'", id="str"),
    pytest.param("x" * 60, repr("x" * 60), id="str-60"),
    pytest.param("x" * 61, repr("x" * 57 + "..."), id="str-61-truncated"),
    pytest.param([1, 2.5, "a"], "[1, 2.5, 'a']", id="list"),
    pytest.param((1,), "(1,)", id="one-tuple"),
    pytest.param((torch.tensor([1.0]), None), "(tensor([1.]), None)", id="tuple-of-tensor"),
    pytest.param(list(range(SHORT_ITEMS + 1)), f"a list of {SHORT_ITEMS + 1} items", id="long-list"),
    pytest.param({"w": 1, "b": 2}, "a dict with keys w, b", id="dict"),
    pytest.param(nn.Linear(2, 3), "Linear(in_features=2, out_features=3, bias=True)", id="module"),
    pytest.param(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.5)),
                 "Sequential(Linear(in_features=2, out_features=3, bias=True), ReLU(), Dropout(p=0.5, inplace=False))",
                 id="nested-module"),
    pytest.param(nn.Sequential(nn.ReLU(), *[nn.Tanh() for _ in range(7)]),
                 "Sequential(ReLU(), Tanh(), Tanh(), Tanh(), Tanh(), Tanh(), ...)", id="many-children"),
    pytest.param(_Remote(), "an object of type regularization.MyDropout", id="remote-object"),
    pytest.param(_named, "_named", id="function"),
    pytest.param(object(), "an object of type object", id="object"),
])
def test_describe(value, description):
    assert describe(value) == description


def test_describe_counts_sequences_too_long_to_spell_out():
    assert describe(tuple("y" * 50 for _ in range(SHORT_ITEMS))) == f"a tuple of {SHORT_ITEMS} items"
    assert describe([torch.zeros(3, 3)] * 4) == "a list of 4 tensors"
    assert describe([np.zeros((4, 4))] * 3) == "a list of 3 arrays"


def test_describe_cuts_long_descriptions():
    text = describe({"k" * 200: 1})
    assert len(text) == MAX_DESCRIPTION and text.endswith("...")


@pytest.mark.parametrize("label, args, kwargs, call", [
    pytest.param("dropout", (torch.ones(1000),), {"p": 0.5}, "dropout(a float32 tensor of shape (1000,), p=0.5)",
                 id="tensor-and-keyword"),
    pytest.param("l1_reg", (nn.Linear(2, 1),), None, "l1_reg(Linear(in_features=2, out_features=1, bias=True))",
                 id="module"),
    pytest.param("f", (), {}, "f()", id="no-arguments"),
    pytest.param("f", (np.array([1, 2]), "mean"), {"training": False},
                 "f(array([1, 2], dtype=int64), 'mean', training=False)", id="mixed"),
])
def test_describe_call(label, args, kwargs, call):
    assert describe_call(label, args, kwargs) == call
