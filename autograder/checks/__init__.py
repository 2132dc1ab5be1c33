"""The vocabulary hidden tests are written in: each check fails with one sentence.

    @graded("dropout: survivors are scaled by 1/(1-p)", points=2)
    def test_survivors_scaled(student, reference):
        expect_same(student.dropout, reference.dropout, x, 0.5, seed=0)
"""
import pytest

from autograder.checks.gradients import expect_gradient, numerical_gradient
from autograder.checks.many import calls_alike, probed_each, results_of
from autograder.checks.statistics import binomial_interval, expect_fraction
from autograder.checks.values import (Mistake, accepted, call_seeded, expect_close, expect_equal, expect_raises,
                                      expect_same, expect_that, mismatch)
from autograder.feedback import StudentFault, counted, describe, describe_call
from autograder.sandbox import probes
from autograder.seeding import seed_everything


def graded(name: str, points: float = 1, core: bool = True):
    """Name a test as students read it (`function: what it checks`) and give it its points.

    `core=False` marks a property that code doing nothing has too (it leaves its input alone, raises on bad input,
    calls no library routine): such a test counts only once one of the function's core tests passes.
    """
    return pytest.mark.graded(name=name, points=points, core=core)


__all__ = [
    "Mistake", "StudentFault", "accepted", "binomial_interval", "call_seeded", "calls_alike", "counted", "describe",
    "describe_call", "expect_close", "expect_equal", "expect_fraction", "expect_gradient", "expect_raises",
    "expect_same", "expect_that", "graded", "mismatch", "numerical_gradient", "probed_each", "probes", "results_of",
    "seed_everything",
]
