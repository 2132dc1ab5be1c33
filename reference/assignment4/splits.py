"""Assignment 4: data splits (train/test, train/devset/test, k-fold) -- reference solution.

Adapted from the cross-validation lectures of "A deep understanding of deep learning"
(manual separation, scikit-learn, DataLoader, train/devset/test).
Graded names: train_test_split, train_dev_test_split, kfold_indices.
"""

import numpy as np
import torch

SEED = 2021

fakedata = np.tile(np.array([1, 2, 3, 4]), (10, 1)) + np.tile(10 * np.arange(1, 11), (4, 1)).T
fakelabels = np.arange(10) > 4


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
    if not 0 < train_prop < 1:
        raise ValueError(f"train_prop must be a proportion between 0 and 1, but got {train_prop}")
    n_train = int(len(labels) * train_prop)
    order = shuffled_indices(len(labels), seed)
    train, test = order[:n_train], order[n_train:]
    return take(data, train), take(data, test), take(labels, train), take(labels, test)


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
    train_part, dev_part, test_part = partitions
    if min(partitions) < 0 or abs(train_part + dev_part + test_part - 1) > 1e-9:
        raise ValueError(f"partitions must be non-negative proportions summing to 1, but got {partitions}")
    n = len(labels)
    n_train, n_dev = int(n * train_part), int(n * dev_part)
    train, dev, test = np.split(shuffled_indices(n, seed), [n_train, n_train + n_dev])
    return (take(data, train), take(data, dev), take(data, test),
            take(labels, train), take(labels, dev), take(labels, test))


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
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n = {n}, but got {k}")
    folds = np.array_split(shuffled_indices(n, seed), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), val_idx) for i, val_idx in enumerate(folds)]
