"""The vocabulary hidden tests are written in: each check fails with one sentence.

    @graded("dropout: survivors are scaled by 1/(1-p)", points=2)
    def test_survivors_scaled(student, reference):
        expect_same(student.dropout, reference.dropout, x, 0.5, seed=0)
"""
import pytest

from autograder.checks.banned import banned_references, expect_no_banned_references
from autograder.checks.gradients import expect_gradient, numerical_gradient
from autograder.checks.statistics import binomial_interval, expect_fraction
from autograder.checks.values import (Mistake, call_seeded, expect_close, expect_equal, expect_raises,
                                      expect_same, expect_that, mismatch)
from autograder.feedback import StudentFault, describe, describe_call
from autograder.sandbox import probes
from autograder.seeding import seed_everything


def graded(name: str, points: float = 1):
    """Name a test as students read it (`function: what it checks`) and give it its points."""
    return pytest.mark.graded(name=name, points=points)


__all__ = [
    "Mistake", "StudentFault", "banned_references", "binomial_interval", "call_seeded", "describe", "describe_call",
    "expect_close", "expect_equal", "expect_fraction", "expect_gradient", "expect_no_banned_references",
    "expect_raises", "expect_same", "expect_that", "graded", "mismatch", "numerical_gradient", "probes",
    "seed_everything",
]
