"""assignment2 graded end to end: each named mistake, missing names, notebooks, broken files.

What every assignment must satisfy (reference at full marks, stub at zero...) is in test_course.py.
"""
import time

import pytest

from autograder.report import PASSED
from conftest import PROJECT, SUBMISSIONS
from submissions.assignment2.mistakes import MISTAKES
from submissions.mutations import with_mistakes

REFERENCE_SOURCE = (PROJECT / "reference" / "assignment2" / "regularization.py").read_text()

# What each named mistake's failure sentence must say (a fragment of the known-mistake message).
DIAGNOSES = {
    "l1_skips_biases": "the biases were left out",
    "l1_returns_float": ".item() or float()",
    "l1_sqrt": "a square root was taken",
    "l2_skips_biases": "the biases were left out",
    "l2_takes_sqrt": "a square root was taken",
    "l2_returns_float": ".item() or float()",
    "l2_halved": "half the sum of p**2",
    "l2_weight_norm": "the norm of the weights alone",
    "dropout_float64": "the result is float64 where x is float32",
    "dropout_no_rescale": "not scaled by 1/(1-p)",
    "dropout_keeps_with_p": "keeps each element with probability p",
    "dropout_ignores_training": "still active when training=False",
    "dropout_in_place": "modified in place",
    "dropout_reseeds": "re-seeded inside dropout",
    "dropout_calls_torch": "torch.nn.functional.dropout",
    "Dropout_ignores_eval": "forward ignores self.training",
    "Dropout_uses_nn_dropout": "torch.nn.Dropout",
    "regularized_loss_swaps_lambdas": "lambda1 and lambda2 are swapped",
}


def functions_losing_points(report) -> set[str]:
    return {r.function for r in report.results if r.status != PASSED}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_costs_only_its_function_and_is_named(grade2, name):
    mistake = MISTAKES[name]
    report = grade2(with_mistakes(REFERENCE_SOURCE, [mistake]))
    assert functions_losing_points(report) == {mistake.function}
    feedback = " ".join(r.feedback for r in report.results if r.status != PASSED)
    assert DIAGNOSES[name] in feedback, feedback


def test_partial_submission_loses_only_what_is_missing(grade2):
    report = grade2(SUBMISSIONS / "assignment2" / "partial.py")
    assert functions_losing_points(report) == {"dropout", "Dropout", "regularized_loss"}
    missing = next(r for r in report.results if r.function == "dropout")
    assert missing.feedback == "partial.py does not define `dropout`."


def test_misspelled_name_gets_a_suggestion(grade2):
    report = grade2(REFERENCE_SOURCE.replace("def l1_reg(", "def L1_reg("))
    l1 = next(r for r in report.results if r.function == "l1_reg")
    assert l1.feedback == "regularization.py does not define `l1_reg` (did you mean `L1_reg`? Check the spelling)."


@pytest.mark.parametrize("source, reason", [
    ("", "regularization.py is empty."),
    ("def l1_reg(model:\n", "regularization.py does not parse"),
    ("import torch\nraise RuntimeError('boom')\n", "RuntimeError: boom (regularization.py, line 2)"),
])
def test_unloadable_file_lists_every_test_at_zero_with_the_reason(grade2, source, reason):
    expected_names = [r.name for r in grade2(REFERENCE_SOURCE).results]
    report = grade2(source)
    assert [r.name for r in report.results] == expected_names
    assert report.score == 0
    assert all(reason in r.feedback for r in report.results), report.results[0].feedback


def test_not_a_notebook_is_explained(grade2):
    report = grade2(SUBMISSIONS / "assignment2" / "notebooks" / "not_a_notebook.ipynb")
    assert report.score == 0
    assert "is not a Jupyter notebook" in report.results[0].feedback


def test_notebook_with_endless_training_cell_grades_like_the_py(grade2, tmp_path):
    started = time.monotonic()
    py_report = grade2(REFERENCE_SOURCE)
    py_seconds = time.monotonic() - started
    started = time.monotonic()
    report = grade2(SUBMISSIONS / "assignment2" / "notebooks" / "correct_with_training_loop.ipynb")
    notebook_seconds = time.monotonic() - started
    assert report.score == report.max_score == py_report.max_score
    assert any("Skipped" in note for note in report.notes)
    # The endless cell never ran: had it, every call would have waited out its 3 s time limit.
    assert notebook_seconds < py_seconds + 2.0


def test_notebook_cell_that_does_not_parse_is_named_and_the_rest_graded(grade2):
    report = grade2(SUBMISSIONS / "assignment2" / "notebooks" / "broken_cell.ipynb")
    assert any("does not parse" in note and "Cell" in note for note in report.notes), report.notes
    assert report.score == report.max_score


def test_a_result_of_another_dtype_costs_the_dtype_test_alone(grade2):
    report = grade2(with_mistakes(REFERENCE_SOURCE, [MISTAKES["dropout_float64"]]))
    assert [r.name for r in report.results if r.status != PASSED] == [
        "dropout: keeps x's dtype, so a float32 model stays float32"]
