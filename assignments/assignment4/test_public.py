"""Public tests of assignment4: the lecture's fake dataset and the basic rules.

Run them with `grade assignment4` in the folder holding splits.py (or .ipynb).
Your instructor's hidden tests check much more; these catch the first mistakes.
"""
import numpy as np

from autograder.checks import describe, expect_equal, expect_raises, expect_that, graded

SEED = 2021
ROUNDED = ("a part has one row more than int(n * proportion) where n * proportion is not whole: its size was rounded "
           "up or to the nearest whole number (round(), math.ceil and n - int(n * (1 - proportion)) all do that); "
           "the rule int(n * proportion) rounds down")
LAST_FOLD_REMAINDER = ("the last fold took the whole remainder; give n % k of the folds one extra index instead, as "
                       "np.array_split does")
FAKEDATA = np.tile(np.array([1, 2, 3, 4]), (10, 1)) + np.tile(10 * np.arange(1, 11), (4, 1)).T
FAKELABELS = np.arange(10) > 4  # row i starts with 10 * (i + 1) + 1, so its label is "first value > 51"


def parts(result, count, call):
    """The parts of a split, after checking there are `count` of them."""
    expect_that(isinstance(result, (tuple, list)) and len(result) == count,
                f"{call} returned {describe(result)}; expected a tuple of {count} parts.")
    return result


def first_column(part, what, call):
    """The first value of each row of a returned data part (fakedata's rows start with 11, 21, ..., 101)."""
    rows = np.asarray(part)
    expect_that(rows.ndim == 2 and rows.shape[1:] == (4,),
                f"{what} of {call} is {describe(part)}; expected rows of fakedata, shaped (m, 4).")
    return rows[:, 0]


@graded("train_test_split: the lecture's fakedata splits into (8, 4) training and (2, 4) test rows")
def test_fakedata_sizes(student):
    call = "train_test_split(fakedata, fakelabels, train_prop=0.8, seed=2021)"
    train_data, test_data, _, _ = parts(student.train_test_split(FAKEDATA, FAKELABELS, 0.8, SEED), 4, call)
    expect_equal((np.shape(train_data), np.shape(test_data)), ((8, 4), (2, 4)),
                 call=f"the shapes of train_data and test_data from {call}")


@graded("train_test_split: every row of fakedata is used once and keeps its label", core=False)
def test_fakedata_rows_and_labels(student):
    call = "train_test_split(fakedata, fakelabels, train_prop=0.8, seed=2021)"
    train_data, test_data, train_labels, test_labels = parts(
        student.train_test_split(FAKEDATA, FAKELABELS, 0.8, SEED), 4, call)
    firsts = np.concatenate([first_column(train_data, "train_data", call), first_column(test_data, "test_data", call)])
    expect_equal(np.sort(firsts), FAKEDATA[:, 0],
                 call=f"the sorted first column of train_data and test_data from {call}")
    labels = np.concatenate([np.ravel(train_labels), np.ravel(test_labels)])
    expect_equal(labels, firsts > 51, call=f"train_labels and test_labels from {call}, one after the other")


@graded("train_test_split: 17 rows at train_prop=0.8 give int(13.6) = 13 training rows, not 14")
def test_int_not_round(student):
    data = np.arange(17.0).reshape(17, 1)
    call = "train_test_split(data, labels, train_prop=0.8, seed=2021) with 17 rows"
    train_data, test_data, _, _ = parts(student.train_test_split(data, np.arange(17), 0.8, SEED), 4, call)
    expect_equal((len(train_data), len(test_data)), (13, 4), call=f"the sizes of train_data and test_data from {call}",
                 mistakes=[(ROUNDED, (14, 3))])


@graded("train_test_split: the training rows are chosen at random, not the first 8 every time", core=False)
def test_not_sequential(student):
    split = student.train_test_split
    chosen = set()
    for seed in range(10):  # a random split picks the first 8 of 10 rows with probability 1/45 per seed
        call = f"train_test_split(fakedata, fakelabels, train_prop=0.8, seed={seed})"
        train_data, _, _, _ = parts(split(FAKEDATA, FAKELABELS, 0.8, seed), 4, call)
        chosen.add(frozenset(first_column(train_data, "train_data", call).tolist()))
    expect_that(chosen != {frozenset(FAKEDATA[:8, 0].tolist())},
                "train_test_split(fakedata, fakelabels, train_prop=0.8, seed=s) for s in range(10) always chose the "
                "first 8 rows for training; expected a random choice (the lecture's 'is this the correct way?').")


@graded("train_test_split: raises ValueError for train_prop=80, a percent instead of a proportion", core=False)
def test_percent_rejected(student):
    expect_raises(ValueError, student.train_test_split, FAKEDATA, FAKELABELS, 80,
                  call="train_test_split(fakedata, fakelabels, train_prop=80)")


@graded("train_dev_test_split: 17 rows with partitions (.8, .1, .1) give 13, 1 and 3 rows")
def test_dev_sizes(student):
    data = np.arange(17.0).reshape(17, 1)
    call = "train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=2021) with 17 rows"
    result = parts(student.train_dev_test_split(data, np.arange(17), (0.8, 0.1, 0.1), SEED), 6, call)
    expect_equal([len(part) for part in result[:3]], [13, 1, 3],
                 call=f"the sizes of train_data, dev_data and test_data from {call}", mistakes=[(ROUNDED, [14, 2, 1])])


@graded("kfold_indices: 10 indices in 4 folds: validation folds of sizes 3, 3, 2, 2 holding each index once")
def test_kfold_ten_in_four(student):
    call = "kfold_indices(10, 4, seed=2021)"
    folds = student.kfold_indices(10, 4, SEED)
    expect_that(isinstance(folds, (list, tuple)) and len(folds) == 4
                and all(isinstance(fold, (list, tuple)) and len(fold) == 2 for fold in folds),
                f"{call} returned {describe(folds)}; expected a list of 4 (train_idx, val_idx) pairs.")
    expect_equal(sorted(len(val_idx) for _, val_idx in folds), [2, 2, 3, 3],
                 call=f"the sorted sizes of the validation folds of {call}",
                 mistakes=[(LAST_FOLD_REMAINDER, [2, 2, 2, 4])])
    expect_equal(np.sort(np.concatenate([np.ravel(val_idx) for _, val_idx in folds])), np.arange(10),
                 call=f"the validation indices of all folds of {call}, sorted")
