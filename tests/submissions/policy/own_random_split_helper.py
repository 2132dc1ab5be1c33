"""Own work through a helper: both splits hand their shuffling to torch.utils.data.random_split.

kfold_indices shuffles with numpy itself and is not charged.
"""
import numpy as np
import torch
from torch.utils.data import random_split


def _split(n, sizes, seed):
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    return [np.array(subset.indices) for subset in random_split(range(n), sizes, generator=generator)]


def train_test_split(data, labels, train_prop=0.8, seed=None):
    n_train = int(len(labels) * train_prop)
    train, test = _split(len(labels), [n_train, len(labels) - n_train], seed)
    return data[train], data[test], labels[train], labels[test]


def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    n = len(labels)
    n_train, n_dev = int(n * partitions[0]), int(n * partitions[1])
    train, dev, test = _split(n, [n_train, n_dev, n - n_train - n_dev], seed)
    return data[train], data[dev], data[test], labels[train], labels[dev], labels[test]


def kfold_indices(n, k, seed=None):
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold) for i, fold in enumerate(folds)]
