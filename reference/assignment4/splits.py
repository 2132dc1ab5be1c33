"""Assignment 4: data splits (train/test, train/devset/test and k-fold cross-validation).

Adapted from the cross-validation lectures of "A deep understanding of deep learning"
(manual separation, scikit-learn, DataLoader, train/devset/test) and Neuromatch Academy
W2D1 Tutorial 2 (`random_split`). Complete train_test_split, train_dev_test_split and
kfold_indices. The grader imports this module and calls them, so keep their names and
signatures.
"""

# %% [markdown]
# # Assignment 4: Cross-validation by hand
#
# **Objectives**
#
# 1. Split data into a training set and a test set at random, the way
#    scikit-learn's `train_test_split` does
# 2. Split data into a training set, a devset (hold-out set) and a test set
# 3. Cut the indices of a dataset into the folds of k-fold cross-validation
#
# **How this assignment is graded.** The grader imports this file as a Python
# module and calls `train_test_split`, `train_dev_test_split` and `kfold_indices`
# on its own arrays and tensors. Only those three are graded: do not rename them or
# change their signatures. The example cells below are commented out (`## uncomment
# to test`) so that importing the module runs nothing; uncomment them while you
# work and compare with the expected output printed under each of them.

# %%
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

SEED = 2021

# %% [markdown]
# ## Section 1: Cross-validation: terms and sets
#
# * The **training set** is what the model learns from.
# * The **devset** (development set, also called hold-out or validation set) is
#   what you evaluate on while you choose the architecture and the
#   hyperparameters.
# * The **test set** is used once, at the very end, to report how well the final
#   model generalizes.
#
# The crucial assumption of cross-validation: the hold-out and test sets are
# independent of (uncorrelated with) the training set. Pictures of the same
# people's siblings, or the homes next door to the training homes, are
# technically new samples, but they are not independent ones.

# %% [markdown]
# ## Section 2: Cross-validation - manual separation
#
# The lecture builds a fake dataset of 10 samples with 4 features, whose first 5
# samples have label `False` and the last 5 label `True`:

# %%
fakedata = np.tile(np.array([1, 2, 3, 4]), (10, 1)) + np.tile(10 * np.arange(1, 11), (4, 1)).T
fakelabels = np.arange(10) > 4

# %%
## uncomment to test
# print(fakedata), print(' ')
# print(fakelabels)

# %% [markdown]
# Expected output:
#
# ```
# [[ 11  12  13  14]
#  [ 21  22  23  24]
#  [ 31  32  33  34]
#  [ 41  42  43  44]
#  [ 51  52  53  54]
#  [ 61  62  63  64]
#  [ 71  72  73  74]
#  [ 81  82  83  84]
#  [ 91  92  93  94]
#  [101 102 103 104]]
#
# [False False False False False  True  True  True  True  True]
# ```

# %% [markdown]
# The first idea for an 80/20 split is to keep the first 80% of the samples for
# training. The lecture asks: *is this the correct way to select samples?*

# %%
## uncomment to test
# # how many training examples
# propTraining = .8  # in proportion, not percent
# nTraining = int(len(fakelabels) * propTraining)
#
# # initialize a boolean vector to select data and labels
# traintestBool = np.zeros(len(fakelabels), dtype=bool)
#
# # is this the correct way to select samples?
# traintestBool[range(nTraining)] = True
# print(traintestBool)
#
# # test whether it's balanced
# print(f"Average of full data: {np.mean(fakelabels)}")
# print(f"Average of training data: {np.mean(fakelabels[traintestBool])}")
# print(f"Average of test data: {np.mean(fakelabels[~traintestBool])}")

# %% [markdown]
# Expected output:
#
# ```
# [ True  True  True  True  True  True  True  True False False]
# Average of full data: 0.5
# Average of training data: 0.375
# Average of test data: 1.0
# ```
#
# It is not: the data are sorted by label, so the test set holds only `True`
# samples, and a model would be tested on a class it rarely saw in training. Real
# datasets are often sorted (by class, by date, by subject), so the samples for
# training must be chosen **at random**. The lecture's better version:
#
# ```python
# items2use4train = np.random.choice(range(len(labels)), nTraining, replace=False)
# traintestBool[items2use4train] = True
# ```
#
# Note `replace=False`: drawn with replacement, a sample could be picked twice
# for training while others are never used.

# %% [markdown]
# ### Coding Exercise 2.1: A random train/test split
#
# Write your own version of scikit-learn's `train_test_split`:
#
# * `nTraining = int(len(labels) * train_prop)`, the lecture's rule. `int()`
#   rounds down: 17 samples at `train_prop=0.8` give `int(13.6) = 13` training
#   samples, not `round(13.6) = 14`.
# * The training samples are chosen uniformly at random without replacement; all
#   the others form the test set.
# * Return `(train_data, test_data, train_labels, test_labels)`, in this order,
#   as scikit-learn does. Every sample keeps its own label: select data and labels
#   with the **same** indices.
# * Numpy arrays in give numpy arrays out, tensors in give tensors out
#   (`data[indices]` does this for both).
# * `data` and `labels` must not change: do not shuffle them in place (no
#   `np.random.shuffle(data)`); index them instead, which makes new arrays.
# * An integer `seed` gives the same split every call; `seed=None` gives a fresh
#   one. `np.random.default_rng(seed)` does both: draw the random order with its
#   `permutation(n)`.
# * `train_prop` is a proportion, not a percent: a value outside (0, 1), like
#   `80`, raises `ValueError`.
#
# Build the split from primitives such as `permutation` or `torch.randperm`:
# calling scikit-learn's splitters (which are not installed where your code is
# graded), `torch.utils.data.random_split` or `SubsetRandomSampler` does not count
# as an answer.

# %%
# BEGIN SOLUTION
def shuffled_indices(n, seed=None):
    """
    Return the integers 0 .. n-1 in a random order

    Args:
      n: int
        How many indices
      seed: int or None
        The same integer gives the same order every call; None draws a fresh one

    Returns:
      order: np.ndarray
        A permutation of range(n)
    """
    return np.random.default_rng(seed).permutation(n)


def take(values, indices):
    """
    Select the rows `indices` of a numpy array or a torch tensor, keeping its type

    Args:
      values: np.ndarray or torch.Tensor
        Samples along the first axis
      indices: np.ndarray
        Integer row indices

    Returns:
      rows: np.ndarray or torch.Tensor
        values[indices], of the same type as values
    """
    if isinstance(values, torch.Tensor):
        return values[torch.as_tensor(indices, dtype=torch.long)]
    return values[indices]
# END SOLUTION


def train_test_split(data, labels, train_prop=0.8, seed=None):
    """
    Split data and labels at random into a training set and a test set

    Args:
      data: np.ndarray or torch.Tensor
        Samples along the first axis
      labels: np.ndarray or torch.Tensor
        One label per sample
      train_prop: float
        Proportion (not percent) of the samples used for training, in (0, 1) [default: 0.8]
      seed: int or None
        The same integer gives the same split every call; None draws a fresh one [default: None]

    Returns:
      train_data, test_data, train_labels, test_labels
        int(len(labels) * train_prop) samples chosen at random without replacement
        for training, the rest for testing; each of the input's type, rows kept
        with their labels

    Raises:
      ValueError: if train_prop is outside (0, 1)
    """
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = shuffled_indices(len(labels), seed)
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the train_test_split function")
    # ####################################################################
    # if ...:  # train_prop outside (0, 1)
    #     raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    # nTraining = int(len(labels) * train_prop)
    # order = ...  # the indices 0 .. len(labels) - 1 in a random order drawn with seed
    # train, test = ...  # the first nTraining of them, and the rest
    #
    # return data[train], data[test], labels[train], labels[test]
    # END PROMPT


# %%
## uncomment to test
# train_data, test_data, train_labels, test_labels = train_test_split(fakedata, fakelabels, train_prop=.8, seed=SEED)
# print(f"Training data size: {train_data.shape}")
# print(f"Test data size: {test_data.shape}")
# print(' ')
# print('Training data: ')
# print(train_data)
# print(' ')
# print('Test data: ')
# print(test_data)
# print(' ')
# paired = np.array_equal(train_labels, train_data[:, 0] > 51) and np.array_equal(test_labels, test_data[:, 0] > 51)
# print(f"Labels kept with their rows: {paired}")

# %% [markdown]
# Expected output:
#
# ```
# Training data size: (8, 4)
# Test data size: (2, 4)
#
# Training data:
# [[ 71  72  73  74]
#  [ 91  92  93  94]
#  [ 41  42  43  44]
#  [ 31  32  33  34]
#  [ 11  12  13  14]
#  [ 81  82  83  84]
#  [ 21  22  23  24]
#  [101 102 103 104]]
#
# Test data:
# [[61 62 63 64]
#  [51 52 53 54]]
#
# Labels kept with their rows: True
# ```
#
# The rows above come from `np.random.default_rng(seed).permutation(n)`; if you
# draw the random order another way (for example with `torch.randperm`), other
# rows land in each set, but the sizes and the last line are the same.

# %% [markdown]
# ## Section 3: Cross-validation - DataLoader
#
# PyTorch feeds a model through a `DataLoader`, which serves a `Dataset` in
# batches. Split first, then wrap each part: with tensors in, your
# `train_test_split` returns tensors, ready for a `TensorDataset`. (Neuromatch's
# tutorials use `torch.utils.data.random_split` for this step; here you have just
# written your own.)

# %%
## uncomment to test
# train_data, test_data, train_labels, test_labels = train_test_split(
#     torch.Tensor(fakedata), torch.Tensor(fakelabels), train_prop=.8, seed=SEED)
# train_loader = DataLoader(TensorDataset(train_data, train_labels), batch_size=4)
# for batch, label in train_loader:
#     print(batch, label)
#     print(' ')

# %% [markdown]
# Expected output (the rows depend on how you draw the random order, as above):
#
# ```
# tensor([[71., 72., 73., 74.],
#         [91., 92., 93., 94.],
#         [41., 42., 43., 44.],
#         [31., 32., 33., 34.]]) tensor([1., 1., 0., 0.])
#
# tensor([[ 11.,  12.,  13.,  14.],
#         [ 81.,  82.,  83.,  84.],
#         [ 21.,  22.,  23.,  24.],
#         [101., 102., 103., 104.]]) tensor([0., 1., 0., 1.])
# ```

# %% [markdown]
# ## Section 4: Splitting data into train, devset and test
#
# Why an 80/20 split? The idea is to have as much training data as possible while
# keeping enough hold-out and test data; how much is "enough" depends on the data
# and the model. With a huge dataset even 1% is plenty, for example a 98/1/1 split
# of 14 million samples:
#
# * 98% training: 14,055,151
# * 1% devset: 141,971
# * 1% test: 141,971
#
# The lecture splits twice with scikit-learn, with `partitions = [.8, .1, .1]`
# (the order is train, devset, test): first train against the rest, then the rest
# into devset and test.
#
# ### Coding Exercise 4.1: A random train/devset/test split
#
# Write `train_dev_test_split` in one go instead:
#
# * `n_train = int(n * partitions[0])`, `n_dev = int(n * partitions[1])`, and the
#   test set gets **all the rest**, `n - n_train - n_dev` samples, so that no
#   sample is lost to rounding. 17 samples with `(.8, .1, .1)` give 13, 1 and 3.
# * The three sets are chosen at random without replacement: cut **one** random
#   order into three consecutive pieces, so they cannot share a sample.
# * The same rules as in Exercise 2.1 for the order of the outputs (data parts
#   first, then label parts), their types, labels, the inputs and `seed`.
# * `partitions` that hold a negative number, or do not sum to 1, raise
#   `ValueError`. Compare the sum with a tolerance of `1e-9`: in floating point
#   `0.7 + 0.2 + 0.1` is `0.9999999999999999`, and that is a valid split.

# %%
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    """
    Split data and labels at random into a training set, a devset and a test set

    Args:
      data: np.ndarray or torch.Tensor
        Samples along the first axis
      labels: np.ndarray or torch.Tensor
        One label per sample
      partitions: sequence of three floats
        Proportions of train, devset and test; non-negative, summing to 1 [default: (0.8, 0.1, 0.1)]
      seed: int or None
        The same integer gives the same split every call; None draws a fresh one [default: None]

    Returns:
      train_data, dev_data, test_data, train_labels, dev_labels, test_labels
        int(n * partitions[0]) training samples, int(n * partitions[1]) devset
        samples and the rest for testing, chosen at random without replacement;
        each of the input's type, rows kept with their labels

    Raises:
      ValueError: if a partition is negative or they do not sum to 1 (within 1e-9)
    """
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    train, dev, test = np.split(shuffled_indices(n, seed), [n_train, n_train + n_dev])
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the train_dev_test_split function")
    # ####################################################################
    # if ...:  # a negative partition, or a sum further than 1e-9 from 1
    #     raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    # n = len(labels)
    # n_train, n_dev = ...
    # order = ...  # the indices 0 .. n - 1 in a random order drawn with seed
    # train, dev, test = ...  # three consecutive pieces of order
    #
    # return data[train], data[dev], data[test], labels[train], labels[dev], labels[test]
    # END PROMPT


# %%
## uncomment to test
# train_data, dev_data, test_data, train_labels, dev_labels, test_labels = train_dev_test_split(
#     fakedata, fakelabels, partitions=[.8, .1, .1], seed=SEED)
# print(f"Training data size: {train_data.shape}")
# print(f"Devset data size: {dev_data.shape}")
# print(f"Test data size: {test_data.shape}")
# samples = np.arange(17)
# sizes = [len(part) for part in train_dev_test_split(samples, samples, partitions=(.8, .1, .1), seed=SEED)[:3]]
# print(f"Sizes for 17 samples: {sizes}")
# sizes = [len(part) for part in train_dev_test_split(samples, samples, partitions=(.7, .2, .1), seed=SEED)[:3]]
# print(f"Sizes with (.7, .2, .1): {sizes}")

# %% [markdown]
# Expected output:
#
# ```
# Training data size: (8, 4)
# Devset data size: (1, 4)
# Test data size: (1, 4)
# Sizes for 17 samples: [13, 1, 3]
# Sizes with (.7, .2, .1): [11, 3, 3]
# ```

# %% [markdown]
# ## Section 5: K-fold cross-validation
#
# A single devset gives a noisy estimate of how well a model does, and the samples
# in it are never trained on. K-fold cross-validation cuts the data into `k`
# folds; it trains `k` times, each time holding out one fold for validation and
# training on the other `k - 1`. Every sample is validated exactly once.
#
# ### Coding Exercise 5.1: K-fold indices
#
# Write `kfold_indices(n, k, seed)`, which returns the indices rather than the
# data, so that the same folds can select rows of any array (`data[train_idx]`):
#
# * Shuffle the indices `0 .. n - 1` once (with `seed`, as before), then cut them
#   into `k` folds whose sizes differ by at most one. 10 samples in 4 folds give
#   sizes 3, 3, 2 and 2, not 2, 2, 2 and 4: `np.array_split` cuts this way.
# * Return a list of `k` pairs `(train_idx, val_idx)`: `val_idx` is fold `i` and
#   `train_idx` holds every other index. Both are 1-D numpy arrays of integers.
# * `k < 2` or `k > n` raises `ValueError`.
# * No scikit-learn `KFold` (or any other of its splitters).

# %%
def kfold_indices(n, k, seed=None):
    """
    Split the indices 0 .. n-1 at random into k folds for k-fold cross-validation

    Args:
      n: int
        Number of samples
      k: int
        Number of folds, between 2 and n
      seed: int or None
        The same integer gives the same folds every call; None draws fresh ones [default: None]

    Returns:
      folds: list of k tuples (train_idx, val_idx) of integer np.ndarrays
        Every index is in exactly one val_idx; the sizes of the val_idx differ
        by at most one; train_idx holds every index that is not in val_idx

    Raises:
      ValueError: if k < 2 or k > n
    """
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    folds = np.array_split(shuffled_indices(n, seed), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), val_idx) for i, val_idx in enumerate(folds)]
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the kfold_indices function")
    # ####################################################################
    # if ...:  # k < 2 or k > n
    #     raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    # order = ...  # the indices 0 .. n - 1 in a random order drawn with seed
    # folds = ...  # k pieces of order whose sizes differ by at most one
    #
    # return [(..., val_idx) for i, val_idx in enumerate(folds)]
    # END PROMPT


# %%
## uncomment to test
# folds = kfold_indices(10, 4, seed=SEED)
# for i, (train_idx, val_idx) in enumerate(folds):
#     print(f"Fold {i}: {len(train_idx)} training samples, validation samples {np.sort(val_idx)}")
# every_index = np.sort(np.concatenate([val_idx for _, val_idx in folds]))
# print(f"Every sample validated once: {np.array_equal(every_index, np.arange(10))}")

# %% [markdown]
# Expected output:
#
# ```
# Fold 0: 7 training samples, validation samples [3 6 8]
# Fold 1: 7 training samples, validation samples [0 2 7]
# Fold 2: 8 training samples, validation samples [1 9]
# Fold 3: 8 training samples, validation samples [4 5]
# Every sample validated once: True
# ```
#
# As before, which samples land in which fold depends on how you draw the random
# order; the fold sizes and the last line do not.
