"""assignment4 graded end to end: other correct routes, and each named mistake.

What every assignment must satisfy (reference at full marks, stub at zero with every test
listed, test names, the hidden suite's size, the notebook twin) is in test_course.py.
"""
import pytest

from autograder.report import PASSED
from conftest import PROJECT, TEST_TIMEOUT
from submissions.assignment4.mistakes import MISTAKES
from submissions.mutations import Mistake, with_mistakes

REFERENCE_SOURCE = (PROJECT / "reference" / "assignment4" / "splits.py").read_text()

# What each named mistake's failure sentence must say (a fragment of its diagnosis).
DIAGNOSES = {
    "train_test_split_sequential": "a sequential split",
    "train_test_split_with_replacement": "drawn with replacement",
    "train_test_split_labels_shuffled_separately": "the labels were shuffled separately from the data",
    "train_test_split_round": "rounded up or to the nearest whole number",
    "train_test_split_test_rounds_down": "rounded up or to the nearest whole number",
    "train_test_split_ignores_seed": "the seed argument is not used",
    "train_test_split_in_place": "shuffled in place",
    "train_test_split_wrong_order": "the parts are in the wrong order",
    "train_test_split_returns_numpy": "converted to numpy",
    "train_dev_test_split_round": "rounded up or to the nearest whole number",
    "train_dev_test_split_test_by_int": "int(n * partitions[2]), which loses rows",
    "train_dev_test_split_exact_sum": "compared with 1 exactly",
    "train_dev_test_split_allows_negative": "hold a negative proportion",
    "train_dev_test_split_dev_drawn_separately": "the sets were drawn separately",
    "train_dev_test_split_random_split": "torch.utils.data.random_split",
    "kfold_indices_last_fold_remainder": "the last fold took the whole remainder",
    "kfold_indices_overlapping": "folds overlap",
    "kfold_indices_sequential": "consecutive blocks of range(n)",
    "kfold_indices_fixed_seed": "a fixed seed is used instead of the seed argument",
    "kfold_indices_train_keeps_val": "train_idx must leave out the validation indices",
    "kfold_indices_calls_sklearn": "sklearn.model_selection.KFold",
}

# Other correct routes the contract accepts, all in one submission: it must score full marks.
ALTERNATIVES = [
    Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    # the lecture's boolean mask, drawn from numpy's global generator
    if train_prop <= 0 or train_prop >= 1:
        raise ValueError("train_prop is a proportion in (0, 1)")
    if seed is not None:
        np.random.seed(seed)
    nTraining = int(len(labels) * train_prop)
    traintestBool = np.zeros(len(labels), dtype=bool)
    items2use4train = np.random.choice(range(len(labels)), nTraining, replace=False)
    traintestBool[items2use4train] = True
    return data[traintestBool], data[~traintestBool], labels[traintestBool], labels[~traintestBool]
'''),
    Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    # torch.randperm, with a seeded generator only when there is a seed
    if any(p < 0 for p in partitions) or not np.isclose(sum(partitions), 1, rtol=0, atol=1e-9):
        raise ValueError("bad partitions")
    n = len(labels)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    order = torch.randperm(n, generator=generator)
    if isinstance(data, np.ndarray):
        order = order.numpy()
    cuts = [int(n * partitions[0]), int(n * partitions[0]) + int(n * partitions[1])]
    pieces = [order[:cuts[0]], order[cuts[0]:cuts[1]], order[cuts[1]:]]
    return tuple(data[piece] for piece in pieces) + tuple(labels[piece] for piece in pieces)
'''),
    Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    # python's random, every k-th index of the shuffled order, sorted int32 arrays
    import random

    if k < 2 or k > n:
        raise ValueError("k must be in [2, n]")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    folds = [np.sort(np.array(order[i::k], dtype=np.int32)) for i in range(k)]
    return [(np.setdiff1d(np.arange(n, dtype=np.int32), val), val) for val in folds]
'''),
]


@pytest.fixture
def grade4(grade_as):
    return lambda submission, timeout=TEST_TIMEOUT: grade_as("assignment4", submission, timeout)


def functions_losing_points(report) -> set[str]:
    return {r.function for r in report.results if r.status != PASSED}


def test_other_correct_routes_score_full_marks(grade4):
    report = grade4(with_mistakes(REFERENCE_SOURCE, ALTERNATIVES))
    assert [(r.name, r.feedback) for r in report.results if r.status != PASSED] == []


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_costs_only_its_function_and_is_named(grade4, name):
    mistake = MISTAKES[name]
    report = grade4(with_mistakes(REFERENCE_SOURCE, [mistake]))
    assert functions_losing_points(report) == {mistake.function}
    feedback = " ".join(r.feedback for r in report.results if r.status != PASSED)
    assert DIAGNOSES[name] in feedback, feedback
