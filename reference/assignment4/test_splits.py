"""Hidden tests of assignment4 (splits): train/test, train/devset/test and k-fold splits.

Every property is checked over many inputs drawn from a seeded numpy Generator. The
data say where each returned row came from: row i of `data` is i * ROW_SLOPE + ROW_OFFSET
(its first value is i) and labels[i] = 1000 + i, so which rows came back, whether each is
whole and whether it kept its label are read exactly from the returned values. Checks
across many seeds send all their calls to the sandbox in one round trip (`call_many`).
"""
import math

import numpy as np
import pytest
import torch

from autograder.checks import (Mistake, StudentFault, calls_alike, counted, describe, expect_accepts,
                               expect_fraction, expect_raises, expect_that, expect_unchanged, graded, results_of,
                               row)

SEED = 2021
TRIALS = 800  # seeds per frequency check, sent in one batch: a correct fraction lies within about 0.1 of its p
ROW_SLOPE = np.array([1, 10, -1, 2, 0, 3])
ROW_OFFSET = np.array([0, 1, 0, 5, 7, -2])
LABEL_OFFSET = 1000
TWO_PARTS, THREE_PARTS = ("train", "test"), ("train", "dev", "test")

SEQUENTIAL = ("the first rows always go to train: a sequential split (the lecture's 'is this the correct way?'); "
              "pick the rows at random, e.g. cut np.random.default_rng(seed).permutation(n) into pieces")
WITH_REPLACEMENT = ("rows were drawn with replacement (np.random.choice without replace=False, or randint); shuffle "
                    "the indices once with a permutation and cut it into consecutive pieces")
DRAWN_SEPARATELY = ("the sets were drawn separately, so they share rows; cut one permutation of the indices into "
                    "consecutive pieces")
LABELS_SEPARATELY = ("the labels were shuffled separately from the data; select data and labels with the same "
                     "indices")
ROUNDED = ("a part has one row more than int(n * proportion) where n * proportion is not whole: its size was rounded "
           "up or to the nearest whole number (round(), math.ceil and n - int(n * (1 - proportion)) all do that); "
           "the rule int(n * proportion) rounds down")
SEED_IGNORED = ("the seed argument is not used, so the same seed gives different splits; draw from a generator "
                "seeded with it, e.g. np.random.default_rng(seed)")
FIXED_SEED = ("a fixed seed is used instead of the seed argument (e.g. np.random.seed(42) or default_rng(0) inside "
              "the function); seed the generator with seed itself")
FIXED_WITHOUT_SEED = ("without a seed the same random numbers are drawn every call: a fixed default (seed=0), a "
                      "constant seed, or a torch.Generator() that was never seeded (it always starts from the same "
                      "state); with seed=None draw fresh randomness, e.g. np.random.default_rng(None)")
IN_PLACE = ("the input was shuffled in place (np.random.shuffle(data), data[:] = ..., or an in-place torch "
            "operation); index the input with the chosen indices instead, which makes new arrays")
WRONG_ORDER = ("the parts are in the wrong order; return all the data parts first, then the label parts, as "
               "scikit-learn's train_test_split does: {order}")
CONVERTED = ("the tensor was converted to numpy (np.asarray, .numpy()) and not back; index the input itself so "
             "each part keeps the input's type")
LAST_FOLD_REMAINDER = ("the last fold took the whole remainder n - (k - 1) * (n // k); give n % k of the folds one "
                       "extra index instead, as np.array_split does")
OVERLAPPING_FOLDS = ("each validation fold was drawn on its own, so folds overlap; shuffle range(n) once and cut "
                     "the permutation into k pieces (np.array_split)")
SEQUENTIAL_FOLDS = ("the folds are consecutive blocks of range(n); shuffle the indices before cutting them into "
                    "folds")
TEST_BY_INT = ("n_test was computed as int(n * partitions[2]), which loses rows; test gets what is left, "
               "n - n_train - n_dev")
EXACT_SUM = ("the partitions were compared with 1 exactly; float sums are off by about 1e-16, so compare within "
             "1e-9, e.g. abs(sum(partitions) - 1) > 1e-9")
NOT_COMPLEMENT = ("train_idx must leave out the validation indices: join the other folds (or use "
                  "np.setdiff1d(np.arange(n), val_idx))")


# ---------------------------------------------------------------------------------------------- inputs

def indexed(n, kind="numpy"):
    """Data whose row i starts with i, and labels 1000 + i: numpy float64 (n, 6) or torch float32 (n, 2, 3)."""
    index = np.arange(n)
    rows = index[:, None] * ROW_SLOPE + ROW_OFFSET
    if kind == "torch":
        return torch.tensor(rows, dtype=torch.float32).reshape(n, 2, 3), torch.tensor(LABEL_OFFSET + index)
    return rows.astype(np.float64), LABEL_OFFSET + index


def shown(name, n, kind, **arguments):
    """How a call on `indexed(n, kind)` reads in a sentence: `name(data, labels, seed=3) on 20 rows of numpy data`."""
    spelled = ", ".join(f"{key}={value}" for key, value in arguments.items())
    return f"{name}(data, labels, {spelled}) on {n} rows of {kind} data"


def proportion_cases(count, rng):
    """(n, proportion) pairs with a non-empty train and test, where n * proportion is at least 0.05 from an
    integer; two of three where int() and round() disagree."""
    cases = []
    while len(cases) < count:
        n, prop = int(rng.integers(6, 300)), int(rng.integers(5, 96)) / 100
        fraction = n * prop % 1
        rounds_up = len(cases) % 3 != 0
        if n * prop >= 1 and 0.05 < fraction < 0.95 and (fraction >= 0.5) == rounds_up:
            cases.append((n, prop))
    return cases


def partition_cases(count, rng):
    """(n, partitions) pairs with three non-empty sets, whose train and dev sizes are at least 0.05 from an integer
    (one of them rounds up), with partitions that add up to exactly 1.0 in floating point however they are summed."""
    cases = []
    while len(cases) < count:
        n, train, dev = int(rng.integers(12, 300)), int(rng.integers(40, 91)), int(rng.integers(3, 40))
        partitions = (train / 100, dev / 100, (100 - train - dev) / 100)
        fractions = [n * p % 1 for p in partitions[:2]]
        exact = sum(partitions) == math.fsum(partitions) == 1.0
        sizes = (int(n * partitions[0]), int(n * partitions[1]), n - int(n * partitions[0]) - int(n * partitions[1]))
        if (exact and min(partitions) > 0 and min(sizes) >= 1 and all(0.05 < f < 0.95 for f in fractions)
                and any(f >= 0.5 for f in fractions)):
            cases.append((n, partitions))
    return cases


# ---------------------------------------------------------------------------------------------- reading results

def as_array(value):
    """`value` as a numpy array of numbers (tensors and lists included), or None."""
    try:
        array = np.asarray(value)
    except Exception:  # a list of odd objects, a Remote handle...
        return None
    return array if array.dtype.kind in "biuf" else None


def split_parts(result, names, call):
    """The data parts and the label parts of a split, which the contract orders data first, then labels."""
    order = "(" + ", ".join([f"{name}_data" for name in names] + [f"{name}_labels" for name in names]) + ")"
    if not (isinstance(result, (tuple, list)) and len(result) == 2 * len(names)):
        raise StudentFault(f"{call} returned {describe(result)}; expected a tuple of {2 * len(names)} parts {order}.")
    for position, (part, name) in enumerate(zip(result, names)):
        array = as_array(part)
        if array is not None and array.ndim == 1 and array.size and (array >= LABEL_OFFSET).all():
            raise StudentFault(f"{call} returned labels as part {position}, where {name}_data belongs; expected "
                               f"the order {order}.", mistake=WRONG_ORDER.format(order=order))
    return result[:len(names)], result[len(names):]


def row_ids(part, n, what, call):
    """Which row of `data` each row of a returned data part is, after checking every row is whole."""
    rows = as_array(part)
    width = ROW_SLOPE.size
    if rows is None or rows.ndim < 2 or rows.size != len(rows) * width:
        raise StudentFault(f"{what} of {call} is {describe(part)}; expected rows of data, shaped (m, ...) like "
                           f"data.")
    rows = rows.reshape(len(rows), width)
    ids = rows[:, 0]
    whole = (ids >= 0) & (ids < n) & (rows == np.outer(ids, ROW_SLOPE) + ROW_OFFSET).all(axis=1)
    if not whole.all():
        bad = int(np.argmin(whole))
        raise StudentFault(f"{what} of {call} holds {describe(rows[bad])} at position {bad}, which is not a row of "
                           f"data; expected whole rows of data, e.g. data[indices].")
    return ids.astype(int)


def label_ids(part, n, what, call):
    """Which label of `labels` each entry of a returned label part is."""
    values = as_array(part)
    valid = (values is not None and values.ndim == 1 and (values == np.round(values)).all()
             and ((values >= LABEL_OFFSET) & (values < LABEL_OFFSET + n)).all())
    if not valid:
        raise StudentFault(f"{what} of {call} is {describe(part)}; expected the labels of the chosen rows, a 1-D "
                           f"array like labels.")
    return values.astype(int) - LABEL_OFFSET


def split_ids(result, names, n, call):
    """The row indices of each data part of a split, by name."""
    datas, _ = split_parts(result, names, call)
    return {name: row_ids(part, n, f"{name}_data", call) for name, part in zip(names, datas)}


def partition_problem(parts, n, item="row"):
    """Say how the index arrays `parts` (by name) fail to hold each of range(n) exactly once, as (kind, clause)
    with kind "repeated", "shared" or "missing"; None when they do not fail."""
    owner = {}
    for name, ids in parts.items():
        values, counts = np.unique(ids, return_counts=True)
        if (counts > 1).any():
            return "repeated", f"{item} {values[counts > 1][0]} is in {name} {counts.max()} times"
        for value in values.tolist():
            if value in owner:
                return "shared", f"{item} {value} is in both {owner[value]} and {name}"
            owner[value] = name
    missing = sorted(set(range(n)) - set(owner))
    if len(missing) == 1:
        return "missing", f"{item} {missing[0]} is in none of them"
    if missing:
        return "missing", f"{counted(len(missing), item)} are in none of them, the first {item} {missing[0]}"
    return None


def expect_partition(parts, n, call, mistakes, item="row"):
    """Expect `parts` to hold each of range(n) exactly once; each of `mistakes` is the one behind a kind of problem
    (see partition_problem)."""
    problem = partition_problem(parts, n, item)
    if problem is None:
        return
    kind, clause = problem
    raise StudentFault(f"{call} returned {' and '.join(parts)} where {clause}; expected every {item} of range({n}) "
                       f"in exactly one of them.",
                       mistake=next((message for message, wrong in mistakes if wrong == kind), None))


def expect_type_like(part, original, what, call):
    """Expect a returned part to have the input's type, dtype and row shape."""
    kind, dtype = type(original).__name__, str(original.dtype).removeprefix("torch.")
    same = (isinstance(part, type(original)) and part.dtype == original.dtype
            and tuple(part.shape[1:]) == tuple(original.shape[1:]))
    expect_that(same, f"{what} of {call} is {describe(part)}; expected a {kind} of dtype {dtype} whose rows are "
                      f"shaped {tuple(original.shape[1:])}, like the input.",
                mistake=CONVERTED if isinstance(original, torch.Tensor) and isinstance(part, np.ndarray) else None)


# ---------------------------------------------------------------------------------------------- shared checks

def expect_sizes(got, expected, rule, call, mistakes):
    """Expect the sizes of the parts (by name) to be `expected`; `rule` says how they follow from the contract."""
    if got != expected:
        raise StudentFault(f"{call} returned {sizes_text(got)} rows; expected {sizes_text(expected)} ({rule}).",
                           mistake=next((message for message, sizes in mistakes if got == sizes), None))


def sizes_text(sizes):
    """Sizes by part as they read in a sentence: {"train": 8, "test": 2} -> "8 train, 2 test"."""
    return ", ".join(f"{size} {name}" for name, size in sizes.items())


def expect_labels_paired(student, student_function, name, names, cases):
    """Expect every label part to hold, in order, the labels of the rows of its data part."""
    calls = [(*indexed(n, kind), *arguments.values()) for n, kind, arguments in cases]
    results = results_of(student, student_function, calls, label=f"{name}(data, labels, ...) on {len(cases)} inputs")
    for (n, kind, arguments), result in zip(cases, results):
        call = shown(name, n, kind, **arguments)
        datas, label_parts = split_parts(result, names, call)
        chosen = {part: row_ids(values, n, f"{part}_data", call) for part, values in zip(names, datas)}
        given = {part: label_ids(values, n, f"{part}_labels", call) for part, values in zip(names, label_parts)}
        for part in names:
            rows, label_rows = chosen[part], given[part]
            expect_that(len(rows) == len(label_rows), f"{call} returned {len(rows)} rows in {part}_data but "
                                                      f"{len(label_rows)} labels in {part}_labels; expected one "
                                                      f"label per row.")
            if (rows != label_rows).any():
                j = int(np.argmax(rows != label_rows))
                raise StudentFault(f"{part}_labels[{j}] of {call} is {LABEL_OFFSET + label_rows[j]}, but "
                                   f"{part}_data[{j}] is row {rows[j]} of data, whose label is "
                                   f"{LABEL_OFFSET + rows[j]}; expected each row to keep its label.",
                                   mistake=LABELS_SEPARATELY if partition_problem(given, n) is None else None)


def expect_types_kept(student_function, name, names, arguments):
    """Expect numpy in -> numpy out and tensor in -> tensor out, with the input's dtype and row shape."""
    for kind in ("numpy", "torch"):
        data, labels = indexed(20, kind)
        call = shown(name, 20, kind, **arguments)
        datas, label_parts = split_parts(student_function(data, labels, *arguments.values()), names, call)
        for part, values in zip(names, datas):
            expect_type_like(values, data, f"{part}_data", call)
        for part, values in zip(names, label_parts):
            expect_type_like(values, labels, f"{part}_labels", call)


def expect_inputs_unchanged(student, student_function, name, arguments):
    """Expect data and labels, numpy and torch, to be as they were after the call."""
    for kind in ("numpy", "torch"):
        data, labels = indexed(30, kind)
        expect_unchanged(student, student_function, data, labels, *arguments.values(), names=("data", "labels"),
                         call=shown(name, 30, kind, **arguments), mistake=IN_PLACE)


def expect_seeded(student_function, name, names, arguments):
    """Expect the same seed to give the same split and different seeds different training rows."""
    n = 40  # two correct seeds choose the same 20 training rows with probability 1 / C(40, 20), about 7e-12
    data, labels = indexed(n)
    splits = {}
    for seed in (SEED, SEED, 1, 2):
        call = shown(name, n, "numpy", **arguments, seed=seed)
        ids = split_ids(student_function(data, labels, *arguments.values(), seed), names, n, call)
        if seed in splits and not all(np.array_equal(ids[part], splits[seed][part]) for part in names):
            raise StudentFault(f"two calls of {call} returned different splits; expected the same split every "
                               f"call with the same seed.", mistake=SEED_IGNORED)
        splits[seed] = ids
    for first, second in ((SEED, 1), (1, 2)):
        expect_different_training_rows(splits[first]["train"], splits[second]["train"],
                                       f"{shown(name, n, 'numpy', **arguments)} with seed={first} and with "
                                       f"seed={second}", "different seeds", FIXED_SEED)


def expect_fresh_without_seed(student_function, name, names, arguments):
    """Expect two calls without a seed (omitted, then seed=None) to choose different training rows."""
    n = 40  # as in expect_seeded: a correct split repeats itself with probability about 7e-12
    data, labels = indexed(n)
    for extra in ((), (None,)):
        call = shown(name, n, "numpy", **arguments, **({"seed": None} if extra else {}))
        first, second = (split_ids(student_function(data, labels, *arguments.values(), *extra), names, n, call)
                         for _ in range(2))
        expect_different_training_rows(first["train"], second["train"], f"two calls of {call}",
                                       "fresh randomness when no seed is given", FIXED_WITHOUT_SEED)


def expect_different_training_rows(first, second, calls, wanted, hint):
    """Fail when two splits chose the same training rows, naming the sequential split when those are the first."""
    if set(first.tolist()) != set(second.tolist()):
        return
    sequential = sorted(first.tolist()) == list(range(len(first)))
    raise StudentFault(f"{calls} chose the same {len(first)} training rows; expected different random splits from "
                       f"{wanted}.", mistake=SEQUENTIAL if sequential else hint)


def expect_rows_equally_likely(student, student_function, name, names, sizes, arguments):
    """Over TRIALS seeds, expect rows 0, n // 2 and n - 1 to land in each part with probability size / n."""
    n = sum(sizes)
    data, labels = indexed(n)
    label = f"{shown(name, n, 'numpy', **arguments, seed='s')} for s in range({TRIALS})"
    many = calls_alike(student, student_function, (data, labels, *arguments.values()), range(TRIALS), label=label)
    membership = stacked_membership(many, names, n)
    if membership is None:  # some split is malformed: read them one by one, so the sentence names the first
        membership = np.zeros((len(names), TRIALS, n), dtype=bool)
        for seed, result in enumerate(many.results):
            parts = split_ids(result, names, n, shown(name, n, "numpy", **arguments, seed=seed))
            for position, ids in enumerate(parts.values()):
                membership[position, seed, ids] = True
    splits = np.unique(membership.transpose(1, 0, 2).reshape(TRIALS, -1), axis=0)
    sequential = set(np.flatnonzero(splits[0][:n])) == set(range(sizes[0]))
    expect_that(len(splits) > 1, f"{label} returned the same split for every seed; expected a different random split "
                                 f"for each.", mistake=SEQUENTIAL if sequential else FIXED_SEED)
    counts = membership.sum(axis=1)
    for watched in (0, n // 2, n - 1):
        for position, (part, size) in enumerate(zip(names, sizes)):
            expect_fraction(int(counts[position, watched]), TRIALS, size / n,
                            what=f"how often row {watched} of data landed in {part}_data in {label}")


def stacked_membership(many, names, n):
    """For splits of `indexed(n)` whose parts came back stacked and all well formed (whole rows of data): which rows
    each data part holds, as booleans (part, call, row); None when any split needs reading one by one."""
    stacked = many.stacked("tuple", 2 * len(names))
    if stacked is None:
        return None
    membership = np.zeros((len(names), many.count, n), dtype=bool)
    calls = np.arange(many.count)[:, None]
    for position, part in enumerate(stacked[:len(names)]):
        if part.ndim < 3 or part.dtype.kind not in "biuf" or part[0].size != part.shape[1] * ROW_SLOPE.size:
            return None
        rows = part.reshape(many.count, part.shape[1], ROW_SLOPE.size)
        ids = rows[..., 0]
        whole = (ids >= 0) & (ids < n) & (rows == ids[..., None] * ROW_SLOPE + ROW_OFFSET).all(axis=-1)
        if not whole.all():
            return None
        membership[position, calls, ids.astype(int)] = True
    return membership


# ---------------------------------------------------------------------------------------------- train_test_split

def tts_cases():
    """Seeded (n, train_prop) pairs, numpy and torch, most where int() and round() disagree."""
    cases = proportion_cases(30, np.random.default_rng(SEED))
    return [(n, prop, "torch" if i % 5 == 4 else "numpy") for i, (n, prop) in enumerate(cases)]


@graded("train_test_split: train gets int(n * train_prop) rows and test the rest, also where round() would "
        "differ", points=3)
def test_tts_sizes(student):
    cases = tts_cases()
    for (n, prop, kind), result in zip(cases, split_results(student, "train_test_split", cases)):
        call = shown("train_test_split", n, kind, train_prop=prop, seed=SEED)
        ids = split_ids(result, TWO_PARTS, n, call)
        n_train = int(n * prop)
        expect_sizes({part: len(ids[part]) for part in TWO_PARTS}, {"train": n_train, "test": n - n_train},
                     f"n_train = int({n} * {prop}) = int({n * prop:.4g}) = {n_train}, and test gets the rest", call,
                     mistakes=[Mistake(ROUNDED, {"train": up, "test": n - up})
                               for up in (round(n * prop), math.ceil(n * prop))])


# ---------------------------------------------------------------------------------------------- train_dev_test_split

def tdt_cases():
    """Seeded (n, partitions) pairs, numpy and torch, where int() and round() disagree for train or dev."""
    cases = partition_cases(24, np.random.default_rng(SEED + 1))
    return [(n, partitions, "torch" if i % 4 == 3 else "numpy") for i, (n, partitions) in enumerate(cases)]


@graded("train_dev_test_split: int(n * partitions[0]) train rows, int(n * partitions[1]) dev rows and the rest "
        "in test", points=3)
def test_tdt_sizes(student):
    cases = tdt_cases()
    for (n, partitions, kind), result in zip(cases, split_results(student, "train_dev_test_split", cases)):
        call = shown("train_dev_test_split", n, kind, partitions=partitions, seed=SEED)
        ids = split_ids(result, THREE_PARTS, n, call)
        n_train, n_dev = int(n * partitions[0]), int(n * partitions[1])
        rounded = [round(n * p) for p in partitions[:2]]
        rule = (f"n_train = int({n} * {partitions[0]}) = {n_train}, n_dev = int({n} * {partitions[1]}) = {n_dev}, "
                f"and test gets the rest")
        expect_sizes({part: len(ids[part]) for part in THREE_PARTS},
                     {"train": n_train, "dev": n_dev, "test": n - n_train - n_dev}, rule, call, mistakes=[
                         Mistake(ROUNDED, {"train": rounded[0], "dev": rounded[1], "test": n - sum(rounded)}),
                         Mistake(TEST_BY_INT, {"train": n_train, "dev": n_dev, "test": int(n * partitions[2])}),
                     ])


# ---------------------------------------------------------------------------------------------- both splits

SPLITS = {  # each split function: the parts it returns, the name of its proportions and its seeded cases
    "train_test_split": (TWO_PARTS, "train_prop", tts_cases),
    "train_dev_test_split": (THREE_PARTS, "partitions", tdt_cases),
}


def split_results(student, name, cases):
    """The split `name` on each case's indexed data with seed=SEED, in one round trip."""
    proportions = SPLITS[name][1]
    return results_of(student, getattr(student, name), [(*indexed(n, kind), value, SEED) for n, value, kind in cases],
                      label=f"{name}(data, labels, {proportions}, seed={SEED}) on {len(cases)} inputs")


@pytest.mark.parametrize("name", [
    row("train_test_split", name="train_test_split: train and test are disjoint and together hold every row once",
        points=2, core=False),
    row("train_dev_test_split", name="train_dev_test_split: train, dev and test are disjoint and together hold every "
                                     "row once", points=2, core=False),
])
def test_partition(student, name):
    names, proportions, cases = SPLITS[name]
    cases = cases()[::3]
    for (n, value, kind), result in zip(cases, split_results(student, name, cases)):
        call = shown(name, n, kind, **{proportions: value}, seed=SEED)
        parts = split_ids(result, names, n, call)
        expect_partition({f"{part}_data": ids for part, ids in parts.items()}, n, call,
                         [Mistake(WITH_REPLACEMENT, "repeated"), Mistake(DRAWN_SEPARATELY, "shared")])


@pytest.mark.parametrize("name, count", [
    row("train_test_split", 10, name="train_test_split: every row keeps its own label", points=2, core=False),
    row("train_dev_test_split", 8, name="train_dev_test_split: every row keeps its own label", points=2, core=False),
])
def test_labels_paired(student, name, count):
    names, proportions, cases = SPLITS[name]
    cases = [(n, kind, {proportions: value, "seed": SEED}) for n, value, kind in cases()[:count]]
    expect_labels_paired(student, getattr(student, name), name, names, cases)


@pytest.mark.parametrize("name, arguments", [
    row("train_test_split", {"train_prop": 0.75, "seed": SEED}, name="train_test_split: numpy in gives numpy out, "
        "tensor in gives tensor out, with the input's dtype and row shape", points=2, core=False),
    row("train_dev_test_split", {"partitions": (0.6, 0.2, 0.2), "seed": SEED}, name="train_dev_test_split: numpy in "
        "gives numpy out, tensor in gives tensor out, with the input's dtype and row shape", points=1, core=False),
])
def test_types(student, name, arguments):
    expect_types_kept(getattr(student, name), name, SPLITS[name][0], arguments)


@pytest.mark.parametrize("name, arguments", [
    row("train_test_split", {"train_prop": 0.7, "seed": SEED}, name="train_test_split: does not modify data or labels",
        points=2, core=False),
    row("train_dev_test_split", {"partitions": (0.6, 0.2, 0.2), "seed": SEED},
        name="train_dev_test_split: does not modify data or labels", points=1, core=False),
])
def test_inputs_unchanged(student, name, arguments):
    expect_inputs_unchanged(student, getattr(student, name), name, arguments)


@pytest.mark.parametrize("name, arguments", [
    row("train_test_split", {"train_prop": 0.5}, name="train_test_split: the same seed gives the same split, "
                                                      "different seeds different ones", points=2, core=False),
    row("train_dev_test_split", {"partitions": (0.5, 0.25, 0.25)}, name="train_dev_test_split: the same seed gives "
        "the same split, different seeds different ones", points=2, core=False),
])
def test_seeded(student, name, arguments):
    expect_seeded(getattr(student, name), name, SPLITS[name][0], arguments)


@pytest.mark.parametrize("name, arguments", [
    row("train_test_split", {"train_prop": 0.5}, name="train_test_split: without a seed, every call draws a fresh "
                                                      "split", core=False),
    row("train_dev_test_split", {"partitions": (0.5, 0.25, 0.25)}, name="train_dev_test_split: without a seed, every "
                                                                         "call draws a fresh split", core=False),
])
def test_fresh_without_seed(student, name, arguments):
    expect_fresh_without_seed(getattr(student, name), name, SPLITS[name][0], arguments)


@pytest.mark.parametrize("name, sizes, arguments", [
    row("train_test_split", (7, 3), {"train_prop": 0.7}, name=f"train_test_split: over {TRIALS} seeds, each row "
                                                              f"lands in train with probability n_train / n", points=3),
    row("train_dev_test_split", (5, 3, 2), {"partitions": (0.5, 0.3, 0.2)},
        name=f"train_dev_test_split: over {TRIALS} seeds, each row lands in train, dev and test with probabilities "
             f"n_train / n, n_dev / n and n_test / n", points=3),
])
def test_rows_equally_likely(student, name, sizes, arguments):
    expect_rows_equally_likely(student, getattr(student, name), name, SPLITS[name][0], sizes, arguments)


# ------------------------------------------------------------------------------------ what the splits refuse, accept

@graded("train_test_split: raises ValueError for train_prop outside (0, 1), 80 (a percent) included",
        points=1, core=False)
def test_tts_rejects_bad_proportion(student):
    data, labels = indexed(10)
    for prop in (0.0, 1.0, -0.2, 1.5, 80):
        expect_raises(ValueError, student.train_test_split, data, labels, prop,
                      call=f"train_test_split(data, labels, train_prop={prop}) on 10 rows")


@graded("train_dev_test_split: raises ValueError for partitions that do not sum to 1", points=1, core=False)
def test_tdt_rejects_bad_sum(student):
    data, labels = indexed(20)
    for partitions in ((0.8, 0.1, 0.2), (0.5, 0.2, 0.2), (80, 10, 10)):
        expect_raises(ValueError, student.train_dev_test_split, data, labels, partitions,
                      call=f"train_dev_test_split(data, labels, partitions={partitions}), whose partitions sum to "
                           f"{sum(partitions):g},")


@graded("train_dev_test_split: raises ValueError for a negative partition, even when they sum to 1",
        points=1, core=False)
def test_tdt_rejects_negative(student):
    data, labels = indexed(20)
    for partitions in ((1.2, -0.1, -0.1), (0.6, 0.5, -0.1)):
        expect_raises(ValueError, student.train_dev_test_split, data, labels, partitions,
                      call=f"train_dev_test_split(data, labels, partitions={partitions}), whose partitions sum to 1 "
                           f"but hold a negative proportion,")


@graded("train_dev_test_split: accepts partitions that sum to 1 only up to float rounding, like (0.7, 0.2, 0.1)",
        points=1)
def test_tdt_accepts_rounding(student):
    n = 20
    data, labels = indexed(n)
    for partitions in ((0.7, 0.2, 0.1), (0.56, 0.34, 0.1)):
        call = shown("train_dev_test_split", n, "numpy", partitions=partitions, seed=SEED)
        result = expect_accepts(ValueError, student.train_dev_test_split, data, labels, partitions, SEED,
                                expected=f"a split: these partitions add up to {sum(partitions)!r} in floating point, "
                                         f"which is 1 within 1e-9", mistake=EXACT_SUM)
        ids = split_ids(result, THREE_PARTS, n, call)
        n_train, n_dev = int(n * partitions[0]), int(n * partitions[1])
        rounded = [round(n * p) for p in partitions[:2]]
        expect_sizes({part: len(ids[part]) for part in THREE_PARTS},
                     {"train": n_train, "dev": n_dev, "test": n - n_train - n_dev},
                     f"n_train = int({n} * {partitions[0]}), n_dev = int({n} * {partitions[1]}), test the rest", call,
                     mistakes=[Mistake(ROUNDED, {"train": rounded[0], "dev": rounded[1], "test": n - sum(rounded)})])


# ---------------------------------------------------------------------------------------------- kfold_indices

def kfold_cases():
    """Seeded (n, k) pairs with n % k >= 2, plus leave-one-out (k = n), k = 2 and folds of equal size."""
    rng = np.random.default_rng(SEED + 2)
    cases = [(10, 4), (7, 7), (5, 2), (12, 4)]
    while len(cases) < 20:
        k = int(rng.integers(3, 13))
        n = int(rng.integers(k, 200))
        if n % k >= 2:
            cases.append((n, k))
    return cases


def kfold_results(student, cases):
    """kfold_indices(n, k, seed=SEED) for each case, in one round trip."""
    return results_of(student, student.kfold_indices, [(n, k, SEED) for n, k in cases],
                      label=f"kfold_indices(n, k, seed={SEED}) for {len(cases)} pairs (n, k)")


def index_array(part, n, what, call):
    """A returned train_idx or val_idx as a numpy array of indices in range(n)."""
    values = as_array(part)
    if values is not None and values.dtype.kind == "b":
        raise StudentFault(f"{what} of {call} is a boolean mask; expected integer indices (np.flatnonzero(mask) "
                           f"turns a mask into indices).")
    valid = values is not None and values.ndim == 1 and (values.dtype.kind in "iu" or values.size == 0)
    if not valid or ((values < 0) | (values >= n)).any():
        raise StudentFault(f"{what} of {call} is {describe(part)}; expected a 1-D array of integer indices in "
                           f"range({n}).")
    return values.astype(int)


def fold_ids(result, n, k, call):
    """The (train_idx, val_idx) pairs of a k-fold split as numpy index arrays."""
    if not (isinstance(result, (list, tuple)) and len(result) == k):
        raise StudentFault(f"{call} returned {describe(result)}; expected a list of k = {k} (train_idx, val_idx) "
                           f"pairs.")
    folds = []
    for j, pair in enumerate(result):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise StudentFault(f"item {j} of {call} is {describe(pair)}; expected a pair (train_idx, val_idx).")
        folds.append(tuple(index_array(part, n, f"{name} of fold {j}", call)
                           for part, name in zip(pair, ("train_idx", "val_idx"))))
    return folds


def folds_as_sets(folds):
    """A k-fold split as the set of its validation folds, whatever their order and the order inside them."""
    return frozenset(frozenset(val.tolist()) for _, val in folds)


@graded("kfold_indices: returns k (train_idx, val_idx) pairs of 1-D integer numpy arrays", points=1, core=False)
def test_kfold_types(student):
    cases = kfold_cases()[:6]
    for (n, k), result in zip(cases, kfold_results(student, cases)):
        call = f"kfold_indices({n}, {k}, seed={SEED})"
        fold_ids(result, n, k, call)
        for j, pair in enumerate(result):
            for part, name in zip(pair, ("train_idx", "val_idx")):
                expect_that(isinstance(part, np.ndarray) and part.dtype.kind in "iu" and part.ndim == 1,
                            f"{name} of fold {j} of {call} is {describe(part)}; expected a 1-D numpy array of "
                            f"integers.")


@graded("kfold_indices: every index is in exactly one validation fold", points=3)
def test_kfold_partition(student):
    cases = kfold_cases()
    for (n, k), result in zip(cases, kfold_results(student, cases)):
        call = f"kfold_indices({n}, {k}, seed={SEED})"
        folds = fold_ids(result, n, k, call)
        expect_partition({f"val_idx of fold {j}": val for j, (_, val) in enumerate(folds)}, n, call,
                         [Mistake(OVERLAPPING_FOLDS, "repeated"), Mistake(OVERLAPPING_FOLDS, "shared")], item="index")


@graded("kfold_indices: train_idx is the complement of val_idx in every fold", points=2)
def test_kfold_complement(student):
    cases = kfold_cases()[:10]
    for (n, k), result in zip(cases, kfold_results(student, cases)):
        call = f"kfold_indices({n}, {k}, seed={SEED})"
        for j, (train, val) in enumerate(fold_ids(result, n, k, call)):
            expect_partition({f"train_idx of fold {j}": train, f"val_idx of fold {j}": val}, n, call,
                             [Mistake(NOT_COMPLEMENT, "shared")], item="index")


@graded("kfold_indices: validation folds differ in size by at most one, also when n % k >= 2", points=3)
def test_kfold_sizes(student):
    cases = kfold_cases()
    for (n, k), result in zip(cases, kfold_results(student, cases)):
        call = f"kfold_indices({n}, {k}, seed={SEED})"
        sizes = [len(val) for _, val in fold_ids(result, n, k, call)]
        expected = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        if sorted(sizes, reverse=True) != expected:
            last_takes_rest = sizes == [n // k] * (k - 1) + [n - (k - 1) * (n // k)]
            raise StudentFault(f"{call} returned validation folds of sizes {sizes}; expected sizes that differ by at "
                               f"most one: {expected} in any order (n // k = {n // k} each, one more in n % k = "
                               f"{n % k} folds).", mistake=LAST_FOLD_REMAINDER if last_takes_rest else None)


@graded("kfold_indices: the same seed gives the same folds, different seeds different ones", points=2, core=False)
def test_kfold_seeded(student):
    n, k = 40, 4  # 40 indices in 4 folds of 10: about 2e20 partitions, so correct seeds never collide
    kfold = student.kfold_indices
    folds = {}
    for seed in (SEED, SEED, 1, 2):
        call = f"kfold_indices({n}, {k}, seed={seed})"
        got = fold_ids(kfold(n, k, seed), n, k, call)
        if seed in folds and not all(np.array_equal(a, b) for pair, earlier in zip(got, folds[seed])
                                     for a, b in zip(pair, earlier)):
            raise StudentFault(f"two calls of {call} returned different folds; expected the same folds every call "
                               f"with the same seed.", mistake=SEED_IGNORED)
        folds[seed] = got
    for first, second in ((SEED, 1), (1, 2)):
        expect_different_folds(folds[first], folds[second], f"kfold_indices({n}, {k}) with seed={first} and with "
                                                            f"seed={second}", "different seeds", FIXED_SEED)


@graded("kfold_indices: without a seed, every call draws fresh folds", points=1, core=False)
def test_kfold_fresh_without_seed(student):
    n, k = 40, 4  # as in test_kfold_seeded: correct folds never repeat
    kfold = student.kfold_indices
    for extra in ((), (None,)):
        call = f"kfold_indices({n}, {k}{', seed=None' if extra else ''})"
        first, second = (fold_ids(kfold(n, k, *extra), n, k, call) for _ in range(2))
        expect_different_folds(first, second, f"two calls of {call}", "fresh randomness when no seed is given",
                               FIXED_WITHOUT_SEED)


def expect_different_folds(first, second, calls, wanted, hint):
    """Fail when two k-fold splits have the same validation folds."""
    if folds_as_sets(first) != folds_as_sets(second):
        return
    raise StudentFault(f"{calls} returned the same validation folds; expected different random folds from "
                       f"{wanted}.", mistake=SEQUENTIAL_FOLDS if consecutive(first) else hint)


def consecutive(folds):
    """Whether every validation fold is a block of consecutive indices."""
    return all(np.array_equal(np.sort(val), np.arange(val.min(), val.min() + len(val))) for _, val in folds if len(val))


@graded(f"kfold_indices: over {TRIALS} seeds, each index lands in fold 0 with probability 1/k and neighbours share "
        f"a fold only by chance", points=2)
def test_kfold_random_folds(student):
    n, k = 9, 3
    label = f"kfold_indices({n}, {k}, seed=s) for s in range({TRIALS})"
    many = calls_alike(student, student.kfold_indices, (n, k), range(TRIALS), label=label)
    validation = stacked_validation_folds(many, n, k)
    if validation is None:  # some result is malformed: read them one by one, so the sentence names the first
        validation = np.zeros((TRIALS, k, n), dtype=bool)
        for seed, result in enumerate(many.results):
            for j, (_, val) in enumerate(fold_ids(result, n, k, f"kfold_indices({n}, {k}, seed={seed})")):
                validation[seed, j, val] = True
    masks = np.sort(validation @ (1 << np.arange(n)), axis=1)  # each fold as a bitmask, the folds in any order
    masks[:, 1:][masks[:, 1:] == masks[:, :-1]] = -1  # and as a set: a fold twice counts once
    masks = np.sort(masks, axis=1)
    last = fold_ids(many.result(TRIALS - 1), n, k, f"kfold_indices({n}, {k}, seed={TRIALS - 1})")
    expect_that(len(np.unique(masks, axis=0)) > 1, f"{label} returned the same folds for every seed; expected "
                                                   f"different random folds for each.",
                mistake=SEQUENTIAL_FOLDS if consecutive(last) else FIXED_SEED)
    in_first_fold = validation[:, 0].sum(axis=0)
    for index in (0, n // 2, n - 1):
        expect_fraction(int(in_first_fold[index]), TRIALS, 1 / k,
                        what=f"how often index {index} landed in the validation set of fold 0 in {label}")
    beside_next = int((validation[:, :, 0] & validation[:, :, 1]).any(axis=1).sum())
    expect_fraction(beside_next, TRIALS, (n // k - 1) / (n - 1),
                    what=f"how often indices 0 and 1 shared a validation fold in {label}",
                    alternatives=[Mistake(SEQUENTIAL_FOLDS, 1.0)])


def stacked_validation_folds(many, n, k):
    """For k-fold splits that came back stacked and all well formed (k pairs of integer index arrays in range(n)):
    which indices each validation fold holds, as booleans (call, fold, index); None when any needs reading one by
    one."""
    layout = many.layout
    if many.leaves is None or len(layout[1]) != k or not all(
            isinstance(pair, list) and pair[0] in ("tuple", "list") and pair[1] == [2 * j, 2 * j + 1]
            for j, pair in enumerate(layout[1])):
        return None
    if any(leaf.ndim != 2 or leaf.dtype.kind not in "iu" or ((leaf < 0) | (leaf >= n)).any() for leaf in many.leaves):
        return None
    validation = np.zeros((many.count, k, n), dtype=bool)
    calls = np.arange(many.count)[:, None]
    for j in range(k):
        validation[calls, j, many.leaves[2 * j + 1]] = True
    return validation


@graded("kfold_indices: raises ValueError for k < 2 or k > n", points=1, core=False)
def test_kfold_rejects_bad_k(student):
    for n, k in ((10, 1), (10, 0), (10, 11), (3, 5)):
        expect_raises(ValueError, student.kfold_indices, n, k)
