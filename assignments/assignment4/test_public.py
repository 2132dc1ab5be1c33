"""Public tests of assignment4: the lecture's fake dataset and the basic rules.

Run them with `grade assignment4` in the folder holding splits.py (or .ipynb).
Your instructor's hidden tests check much more; these catch the first mistakes.
"""
import numpy as np

import torch

from autograder.checks import Mistake, describe, expect_equal, expect_raises, expect_that, expect_unchanged, graded

SEED = 2021
ROUNDED = ("a part has one row more than int(n * proportion) where n * proportion is not whole: its size was rounded "
           "up or to the nearest whole number (round(), math.ceil and n - int(n * (1 - proportion)) all do that); "
           "the rule int(n * proportion) rounds down")
LAST_FOLD_REMAINDER = ("the last fold took the whole remainder; give n % k of the folds one extra index instead, as "
                       "np.array_split does")
SEED_IGNORED = ("the seed argument is not used, so the same seed gives different splits; draw from a generator "
                "seeded with it, e.g. np.random.default_rng(seed)")
FIXED_SEED = ("the same folds come back for every seed: a fixed seed is used instead of the seed argument (e.g. "
              "np.random.seed(42) or default_rng(0) inside the function), or the indices are not shuffled")
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
                 mistakes=[Mistake(ROUNDED, (14, 3))])


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
                 call=f"the sizes of train_data, dev_data and test_data from {call}",
                 mistakes=[Mistake(ROUNDED, [14, 2, 1])])


def folds_of(result, k, call):
    """The (train_idx, val_idx) pairs of a k-fold split, each as an integer numpy array."""
    expect_that(isinstance(result, (list, tuple)) and len(result) == k
                and all(isinstance(fold, (list, tuple)) and len(fold) == 2 for fold in result),
                f"{call} returned {describe(result)}; expected a list of {k} (train_idx, val_idx) pairs.")
    folds = []
    for j, pair in enumerate(result):
        arrays = [np.asarray(part) if isinstance(part, (np.ndarray, list, tuple)) else None for part in pair]
        expect_that(all(array is not None and array.ndim == 1 and array.dtype.kind in "iu" for array in arrays),
                    f"fold {j} of {call} is {describe(pair)}; expected two 1-D arrays of integer indices.")
        folds.append(tuple(arrays))
    return folds


@graded("kfold_indices: 10 indices in 4 folds: validation folds of sizes 3, 3, 2, 2 holding each index once")
def test_kfold_ten_in_four(student):
    call = "kfold_indices(10, 4, seed=2021)"
    folds = folds_of(student.kfold_indices(10, 4, SEED), 4, call)
    expect_equal(sorted(len(val_idx) for _, val_idx in folds), [2, 2, 3, 3],
                 call=f"the sorted sizes of the validation folds of {call}",
                 mistakes=[Mistake(LAST_FOLD_REMAINDER, [2, 2, 2, 4])])
    expect_equal(np.sort(np.concatenate([np.ravel(val_idx) for _, val_idx in folds])), np.arange(10),
                 call=f"the validation indices of all folds of {call}, sorted")


@graded("train_test_split: the same seed gives the same split twice", core=False)
def test_same_seed_same_split(student):
    call = "train_test_split(fakedata, fakelabels, train_prop=0.8, seed=2021)"
    first, second = (first_column(parts(student.train_test_split(FAKEDATA, FAKELABELS, 0.8, SEED), 4, call)[0],
                                  "train_data", call) for _ in range(2))
    expect_that(np.array_equal(first, second), f"two calls of {call} chose training rows starting with "
                                               f"{describe(first)} and {describe(second)}; expected the same split.",
                mistake=SEED_IGNORED)


@graded("train_test_split: leaves fakedata and fakelabels as they were", core=False)
def test_inputs_unchanged(student):
    expect_unchanged(student, student.train_test_split, FAKEDATA, FAKELABELS, 0.8, SEED,
                     names=("fakedata", "fakelabels"), call="train_test_split(fakedata, fakelabels, train_prop=0.8, "
                                                             "seed=2021)",
                     mistake="the input was shuffled in place (np.random.shuffle(data), data[:] = ..., or an "
                             "in-place torch operation); index the input with the chosen indices instead, which makes "
                             "new arrays")


@graded("train_test_split: a tensor in gives tensors out", core=False)
def test_tensors_stay_tensors(student):
    call = "train_test_split(torch.tensor(fakedata), torch.tensor(fakelabels), train_prop=0.8, seed=2021)"
    result = parts(student.train_test_split(torch.tensor(FAKEDATA), torch.tensor(FAKELABELS), 0.8, SEED), 4, call)
    kinds = [type(part).__name__ for part in result]
    expect_that(all(isinstance(part, torch.Tensor) for part in result),
                f"{call} returned parts of types {', '.join(kinds)}; expected four torch tensors, like the input.",
                mistake="the tensor was converted to numpy (np.asarray, .numpy()) and not back; index the input "
                        "itself so each part keeps the input's type")


@graded("train_dev_test_split: accepts partitions (0.7, 0.2, 0.1), which add up to 0.9999999999999999")
def test_dev_accepts_rounding(student):
    data = np.arange(20.0).reshape(20, 1)
    call = "train_dev_test_split(data, labels, partitions=(0.7, 0.2, 0.1), seed=2021) with 20 rows"
    result = parts(student.train_dev_test_split(data, np.arange(20), (0.7, 0.2, 0.1), SEED), 6, call)
    expect_equal([len(part) for part in result[:3]], [14, 4, 2],
                 call=f"the sizes of train_data, dev_data and test_data from {call}")


@graded("train_dev_test_split: train, dev and test together hold every row of fakedata once", core=False)
def test_dev_rows_used_once(student):
    call = "train_dev_test_split(fakedata, fakelabels, partitions=(0.6, 0.2, 0.2), seed=2021)"
    result = parts(student.train_dev_test_split(FAKEDATA, FAKELABELS, (0.6, 0.2, 0.2), SEED), 6, call)
    firsts = np.concatenate([first_column(part, name, call)
                             for part, name in zip(result[:3], ("train_data", "dev_data", "test_data"))])
    expect_equal(np.sort(firsts), FAKEDATA[:, 0],
                 call=f"the sorted first column of train_data, dev_data and test_data from {call}")


@graded("train_dev_test_split: raises ValueError for partitions (1.2, -0.1, -0.1), which hold a negative", core=False)
def test_dev_rejects_negative(student):
    expect_raises(ValueError, student.train_dev_test_split, FAKEDATA, FAKELABELS, (1.2, -0.1, -0.1),
                  call="train_dev_test_split(fakedata, fakelabels, partitions=(1.2, -0.1, -0.1))")


@graded("kfold_indices: in every fold train_idx holds exactly the indices not in val_idx")
def test_kfold_complement(student):
    call = "kfold_indices(10, 4, seed=2021)"
    for j, (train_idx, val_idx) in enumerate(folds_of(student.kfold_indices(10, 4, SEED), 4, call)):
        expect_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(10),
                     call=f"train_idx and val_idx of fold {j} of {call}, together and sorted",
                     mistakes=[Mistake("train_idx must leave out the validation indices: join the other folds (or use "
                                "np.setdiff1d(np.arange(n), val_idx))", np.sort(np.concatenate(
                                    [np.arange(10), val_idx])))])


@graded("kfold_indices: different seeds give different folds, not consecutive blocks", core=False)
def test_kfold_random(student):
    seen = set()
    for seed in range(5):  # 5775 ways to fold 12 indices in 3: five correct seeds all agree about once in 1e15 runs
        folds = folds_of(student.kfold_indices(12, 3, seed), 3, f"kfold_indices(12, 3, seed={seed})")
        seen.add(frozenset(frozenset(val_idx.tolist()) for _, val_idx in folds))
    blocks = frozenset(frozenset(range(start, start + 4)) for start in (0, 4, 8))
    expect_that(seen != {blocks}, "kfold_indices(12, 3, seed=s) for s in range(5) always returned the folds "
                                  "[0..3], [4..7], [8..11]; expected random folds.",
                mistake="the folds are consecutive blocks of range(n); shuffle the indices before cutting them into "
                        "folds")
    expect_that(len(seen) > 1, "kfold_indices(12, 3, seed=s) for s in range(5) returned the same folds for every "
                               "seed; expected different random folds.", mistake=FIXED_SEED)
