"""The vocabulary hidden tests are written in: each check fails with one sentence.

    @graded("dropout: survivors are scaled by 1/(1-p)", points=2)
    def test_survivors_scaled(student, reference):
        expect_same(student.dropout, reference.dropout, x, 0.5, seed=0)

Suites and public tests import from here alone (tests/test_vocabulary.py holds them to it): what a check needs
from the sandbox (probes, the RaisedError a student's call raises, a tensor's autograd flag) is reached through
this vocabulary, so the sandbox can change without the course's tests changing.
"""
import pytest

from autograder.checks.calls import expect_accepts, expect_close_or_own, expect_returns, expect_unchanged, matches_own
from autograder.checks.gradients import expect_gradient, expect_in_graph, numerical_gradient
from autograder.checks.many import calls_alike, probed_each, results_of
from autograder.checks.statistics import binomial_interval, expect_fraction
from autograder.checks.values import (Mistake, accepted, call_seeded, expect_close, expect_equal, expect_raises,
                                      expect_same, expect_that, mismatch)
from autograder.feedback import StudentFault, counted, describe, describe_call
from autograder.sandbox import probes
from autograder.sandbox.remote import RaisedError
from autograder.seeding import seed_everything


def graded(name: str, points: float = 1, core: bool = True):
    """Name a test as students read it (`function: what it checks`) and give it its points.

    `core=False` marks a property that code doing nothing has too (it leaves its input alone, raises on bad input,
    calls no library routine): such a test counts only once one of the function's core tests passes.
    """
    return pytest.mark.graded(name=name, points=points, core=core)


def row(*values, name: str, points: float = 1, core: bool = True):
    """One row of a table of tests (pytest.mark.parametrize) that has a name and points of its own, as a test
    written out by hand would: a table then replaces tests that differ only in their values and their names. The
    table's test function carries no @graded itself: a marker on the function would name every row alike.

        @pytest.mark.parametrize("rule", [row("sgd_step", name="sgd_step: matches torch.optim.SGD", points=3), ...])
    """
    return pytest.param(*values, marks=graded(name, points, core), id=str(values[0]) if values else None)


__all__ = [
    "Mistake", "RaisedError", "StudentFault", "accepted", "binomial_interval", "call_seeded", "calls_alike", "counted",
    "describe", "describe_call", "expect_accepts", "expect_close", "expect_close_or_own", "expect_equal",
    "expect_fraction", "expect_gradient", "expect_in_graph", "expect_raises", "expect_returns", "expect_same",
    "expect_that", "expect_unchanged", "graded", "matches_own", "mismatch", "numerical_gradient", "probed_each",
    "probes", "results_of", "row", "seed_everything",
]
