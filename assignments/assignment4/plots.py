"""Plots of assignment4 for feedback.html: the sizes of the parts a split returns, and how uniformly it splits.

Sizes are drawn for every n from a few rows to 60, against the exercise's rule (int(n * proportion) rows, the
rest to test), so a size rounded the other way shows as a point off its line. Uniformity is how often each
row lands in train over 200 seeds, against the band where a uniform split's frequencies fall: a sequential
split puts the first rows in train every time, a fixed seed the same rows every time. Each plot sends all its
calls to the sandbox in one round trip (probes.call_many). Drawn after the tests, for a failing function
(every one with `--plots all`); see autograder.checks.plots.
"""
import numpy as np

from autograder.checks import StudentFault, binomial_interval, describe, probes
from autograder.checks.plots import EXPECTED, Plot, band, bars, line, numbers, points, shows

SEED = 2021
SIZES = np.arange(5, 61)  # rows of the splits whose sizes are drawn
TRAIN_PROP = 0.7
PARTITIONS = (0.6, 0.25, 0.15)
FOLDS = 4
ROWS = 20  # of the splits whose uniformity is drawn
SEEDS = 200  # enough to see a sequential or biased split; each seed is a call in the sandbox
SIZES_NOTE = "A point above 0 is a part with more rows than the rule gives, below 0 one with fewer."
UNIFORM = "where a uniform split's frequencies fall (all but once in a million runs)"
NOT_A_SPLIT = "{call} returned {value}; expected {expected}."


def rows(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Data whose row i is (i, 10 * i) and labels 1000 + i: each returned row says where it came from."""
    index = np.arange(n)
    return np.stack([index, 10 * index], axis=1).astype(np.float64), 1000 + index


@shows("train_test_split", title="train_test_split: the sizes of train and test against the rule, train_prop = 0.7")
def split_sizes(student):
    calls = [(*rows(n), TRAIN_PROP, SEED) for n in SIZES]
    sizes = _sizes(student, student.train_test_split, calls, 2, "train_test_split(data, labels, 0.7, seed=2021)")
    train = (SIZES * TRAIN_PROP).astype(int)
    return _sizes_plot(sizes - np.stack([train, SIZES - train], axis=1),
                       ("train, against int(n * train_prop)", "test, against the rest"))


@shows("train_dev_test_split", title="train_dev_test_split: the sizes of the parts against the rule, partitions = "
                                     "(0.6, 0.25, 0.15)")
def three_way_sizes(student):
    calls = [(*rows(n), PARTITIONS, SEED) for n in SIZES]
    sizes = _sizes(student, student.train_dev_test_split, calls, 3,
                   "train_dev_test_split(data, labels, (0.6, 0.25, 0.15), seed=2021)")
    train, dev = (SIZES * PARTITIONS[0]).astype(int), (SIZES * PARTITIONS[1]).astype(int)
    return _sizes_plot(sizes - np.stack([train, dev, SIZES - train - dev], axis=1),
                       ("train, against int(n * 0.6)", "dev, against int(n * 0.25)", "test, against the rest"))


@shows("kfold_indices", title="kfold_indices: the size of each validation fold against n // k, k = 4")
def fold_sizes(student):
    calls = [(int(n), FOLDS, SEED) for n in SIZES]
    results = student.run(probes.call_many, student.kfold_indices, calls,
                          label=f"kfold_indices(n, 4, seed=2021) for n = {SIZES[0]} to {SIZES[-1]}")
    sizes = np.array([[len(fold) for fold in _folds(result, f"kfold_indices({n}, 4, seed=2021)")]
                      for n, result in zip(SIZES, results)])
    return Plot(x_label="n", y_label="indices more than n // k", series=[
        band("allowed: n // k, or one more where k does not divide n", SIZES, np.zeros(len(SIZES)),
             (SIZES % FOLDS != 0).astype(float)),
        points("your folds, one point per fold", np.repeat(SIZES, FOLDS), (sizes - (SIZES // FOLDS)[:, None]).ravel())])


@shows("train_test_split", title=f"train_test_split: how often each of 20 rows lands in train, over {SEEDS} seeds")
def train_frequency(student):
    return _train_frequency(student, student.train_test_split, TRAIN_PROP, "0.7", 2)


@shows("train_dev_test_split",
       title=f"train_dev_test_split: how often each of 20 rows lands in train, over {SEEDS} seeds")
def three_way_frequency(student):
    return _train_frequency(student, student.train_dev_test_split, PARTITIONS, "(0.6, 0.25, 0.15)", 3)


@shows("kfold_indices",
       title=f"kfold_indices: how often each of 20 indices lands in the first fold, over {SEEDS} seeds")
def fold_frequency(student):
    calls = [(ROWS, FOLDS, seed) for seed in range(SEEDS)]
    call = "kfold_indices(20, 4, seed)"
    chosen = [_folds(result, call)[0] for result in student.run(probes.call_many, student.kfold_indices, calls,
                                                                  label=f"{call}, {SEEDS} seeds")]
    return _frequency_plot(chosen, 1 / FOLDS, "the first validation fold")


def _sizes(student, function, calls, count: int, call: str) -> np.ndarray:
    """The sizes of the data parts of each split, one row per call."""
    results = student.run(probes.call_many, function, calls, label=f"{call} for n = {SIZES[0]} to {SIZES[-1]}")
    return np.array([[len(part) for part in _parts(result, count, call)] for result in results])


def _sizes_plot(excess: np.ndarray, parts: tuple[str, ...]) -> Plot:
    """Each part's size minus the rule's, for every n: a correct split's points all lie on 0."""
    series = [points(f"your {part}", SIZES, excess[:, group], group=group) for group, part in enumerate(parts)]
    return Plot(x_label="rows of data (n)", y_label="rows more than the rule gives",
                series=[line("expected: as many as the rule gives", SIZES, np.zeros(len(SIZES)), role=EXPECTED),
                        *series], note=SIZES_NOTE)


def _parts(result, count: int, call: str) -> list[np.ndarray]:
    """The row ids of the `count` data parts a split returns before its label parts."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2 * count):
        raise StudentFault(NOT_A_SPLIT.format(call=call, value=describe(result),
                                              expected=f"a tuple of {2 * count} parts, the data parts first"))
    ids = []
    for number, part in enumerate(result[:count]):
        array = numbers(part, f"part {number} of {call}", expected="rows of data")
        if array.ndim != 2 or array.shape[1:] != (2,):
            raise StudentFault(NOT_A_SPLIT.format(call=f"part {number} of {call}", value=describe(part),
                                                  expected="rows of data, shaped (m, 2) like data"))
        ids.append(array[:, 0].astype(int))
    return ids


def _folds(result, call: str) -> list[np.ndarray]:
    """The validation indices of each of the FOLDS pairs (train_idx, val_idx) kfold_indices returns."""
    if not (isinstance(result, (tuple, list)) and len(result) == FOLDS
            and all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in result)):
        raise StudentFault(NOT_A_SPLIT.format(call=call, value=describe(result),
                                              expected=f"a list of {FOLDS} pairs (train_idx, val_idx)"))
    return [numbers(pair[1], f"val_idx of {call}", expected="an array of indices").ravel().astype(int)
            for pair in result]


def _frequency_plot(chosen: list[np.ndarray], p: float, part: str) -> Plot:
    """How often each of ROWS rows is among the chosen ones, against a uniform split's binomial band."""
    counts = np.zeros(ROWS)
    for ids in chosen:  # each row counted once per split, whatever a faulty split repeats
        counts[np.unique(ids[(ids >= 0) & (ids < ROWS)])] += 1
    frequency = counts / len(chosen)
    low, high = np.array(binomial_interval(len(chosen), p)) / len(chosen)
    span = [-0.5, ROWS - 0.5]
    return Plot(x_label="row", y_label=f"fraction of seeds in {part}",
                series=[band(UNIFORM, span, [low, low], [high, high]),
                        line(f"expected: {p:g} for every row", span, [p, p], role=EXPECTED),
                        bars(f"yours: how often each row is in {part}", frequency)])


def _train_frequency(student, split, proportions, written: str, parts: int):
    """How often each row lands in the first part (train) of `split(data, labels, proportions, seed)`, over SEEDS."""
    data, labels = rows(ROWS)
    calls = [(data, labels, proportions, seed) for seed in range(SEEDS)]
    call = f"{split.label}(data, labels, {written}, seed) on 20 rows"
    chosen = [_parts(result, parts, call)[0]
              for result in student.run(probes.call_many, split, calls, label=f"{call}, {SEEDS} seeds")]
    train = proportions if parts == 2 else proportions[0]
    return _frequency_plot(chosen, int(ROWS * train) / ROWS, "train")
