"""Named mistakes for assignment 4, each a wrong definition of one graded function.

Instructor-only fixture data for the project's tests. Every `Mistake.source` is the
reference solution's definition of `Mistake.function` with exactly one error in it,
marked `# MISTAKE:`. `submissions.mutations.with_mistakes` splices chosen mistakes into
the reference source, so a test can grade "the reference plus this mistake" and check
which tests fail and what they say.
"""

from submissions.mutations import Mistake

MISTAKES = {
    "train_test_split_sequential": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = np.arange(len(labels))  # MISTAKE: the first n_train rows always go to train
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
'''),
    "train_test_split_with_replacement": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    rng = np.random.default_rng(seed)
    train = rng.choice(len(labels), n_train)  # MISTAKE: drawn with replacement, so rows repeat
    test = np.setdiff1d(np.arange(len(labels)), train)
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
'''),
    "train_test_split_labels_shuffled_separately": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    rng = np.random.default_rng(seed)
    order, label_order = rng.permutation(len(labels)), rng.permutation(len(labels))  # MISTAKE: two permutations
    return (take(data, order[:n_train]), take(data, order[n_train:]),
            take(labels, label_order[:n_train]), take(labels, label_order[n_train:]))
'''),
    "train_test_split_round": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = round(len(labels) * train_prop)  # MISTAKE: round() instead of int()
    order = shuffled_indices(len(labels), seed)
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
'''),
    "train_test_split_test_rounds_down": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_test = int(len(labels) * (1 - train_prop))  # MISTAKE: 1 - 0.8 is 0.19999999999999996, so train gets the rest
    order = shuffled_indices(len(labels), seed)
    train, test = order[n_test:], order[:n_test]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
'''),
    "train_test_split_ignores_seed": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = np.random.permutation(len(labels))  # MISTAKE: the seed argument is never used
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
'''),
    "train_test_split_in_place": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = shuffled_indices(len(labels), seed)
    data[:], labels[:] = take(data, order), take(labels, order)  # MISTAKE: shuffles the caller's arrays
    return data[:n_train], data[n_train:], labels[:n_train], labels[n_train:]
'''),
    "train_test_split_wrong_order": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = shuffled_indices(len(labels), seed)
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(labels, train), take(data, test), take(labels, test)  # MISTAKE: order
'''),
    "train_test_split_returns_numpy": Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    data, labels = np.asarray(data), np.asarray(labels)  # MISTAKE: tensors come back as numpy arrays
    n_train = int(len(labels) * train_prop)
    order = shuffled_indices(len(labels), seed)
    train, test = order[:n_train], order[n_train:]
    return data[train], data[test], labels[train], labels[test]
'''),
    "train_dev_test_split_round": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = round(n * train_part), round(n * dev_part)  # MISTAKE: round() instead of int()
    train, dev, test = np.split(shuffled_indices(n, seed), [n_train, n_train + n_dev])
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "train_dev_test_split_test_by_int": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    n_test = int(n * test_part)  # MISTAKE: test is not the rest, so rows get lost
    order = shuffled_indices(n, seed)
    train, dev = order[:n_train], order[n_train:n_train + n_dev]
    test = order[n_train + n_dev:n_train + n_dev + n_test]
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "train_dev_test_split_exact_sum": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or sum(partitions) != 1:  # MISTAKE: exact float comparison
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    train, dev, test = np.split(shuffled_indices(n, seed), [n_train, n_train + n_dev])
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "train_dev_test_split_allows_negative": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if abs(train_part + dev_part + test_part - 1) > 1e-9:  # MISTAKE: negative partitions are not rejected
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    train, dev, test = np.split(shuffled_indices(n, seed), [n_train, n_train + n_dev])
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "train_dev_test_split_dev_drawn_separately": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    train, test = order[:n_train], order[n_train + n_dev:]
    dev = rng.choice(n, n_dev, replace=False)  # MISTAKE: dev is drawn from all rows, so it overlaps
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "train_dev_test_split_random_split": Mistake(function="train_dev_test_split", source='''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    # MISTAKE: delegates to torch
    subsets = torch.utils.data.random_split(range(n), [n_train, n_dev, n - n_train - n_dev], generator=generator)
    train, dev, test = (np.array(subset.indices, dtype=int) for subset in subsets)
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
'''),
    "kfold_indices_last_fold_remainder": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    order, size = shuffled_indices(n, seed), n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k - 1)] + [order[(k - 1) * size:]]  # MISTAKE: remainder
    return [(np.concatenate(folds[:i] + folds[i + 1:]), val_idx) for i, val_idx in enumerate(folds)]
'''),
    "kfold_indices_overlapping": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    rng = np.random.default_rng(seed)
    sizes = [len(fold) for fold in np.array_split(np.arange(n), k)]
    folds = [rng.choice(n, size, replace=False) for size in sizes]  # MISTAKE: each fold drawn on its own
    return [(np.setdiff1d(np.arange(n), val_idx), val_idx) for val_idx in folds]
'''),
    "kfold_indices_sequential": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    folds = np.array_split(np.arange(n), k)  # MISTAKE: never shuffled
    return [(np.concatenate(folds[:i] + folds[i + 1:]), val_idx) for i, val_idx in enumerate(folds)]
'''),
    "kfold_indices_fixed_seed": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    folds = np.array_split(shuffled_indices(n, 42), k)  # MISTAKE: a fixed seed instead of the argument
    return [(np.concatenate(folds[:i] + folds[i + 1:]), val_idx) for i, val_idx in enumerate(folds)]
'''),
    "kfold_indices_train_keeps_val": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    order = shuffled_indices(n, seed)
    folds = np.array_split(order, k)
    return [(order, val_idx) for val_idx in folds]  # MISTAKE: train_idx still holds the validation indices
'''),
    "kfold_indices_calls_sklearn": Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    from sklearn.model_selection import KFold  # MISTAKE: delegates to scikit-learn

    splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(np.arange(n)))
'''),
}
