"""Hostile submission: answers built to exhaust the grader's memory or stack while it parses them.

Module-level code replaces autograder.sandbox.wire.dump_answer in the child, which
then skips the child's own size checks and sends hand-made frames:
  - l1_reg: a 128 MiB frame whose JSON is [{},{},...]; parsed, it would hold
    about 3.3 GiB of the grader's memory;
  - dropout: a 3 MiB JSON list of 1.5 million zeros, under the frame cap but with
    more items than any answer may hold;
  - Dropout(p): a list nested 100 000 deep, which makes a JSON parser recurse;
  - regularized_loss: one 8 MiB array blob claimed by 100 arrays, which would
    make the grader copy it 100 times (800 MiB).
Each must be refused before it costs the grader more than the frame itself:
the function's tests fail with "... returned something the grader cannot read
...", the grader survives, and l2_reg (honest and correct) passes all its tests.
"""

import json
import struct

import torch
import torch.nn as nn

from autograder.sandbox import wire

MIB = 2**20
_honest_dump_answer = wire.dump_answer
_forgery = {}  # the frame the next answer is replaced with, set by the graded name being called


def _frame(header: bytes, blobs: bytes = b"") -> bytes:
    return struct.pack("!I", len(header)) + header + blobs


def _answer(tree_json: bytes, blob_lengths=()) -> bytes:
    return (b'{"tree": {"$dict": [["value", ' + tree_json + b'], ["banned", []]]}, "blobs": '
            + json.dumps(list(blob_lengths)).encode() + b"}")


def _listed(item: bytes, count: int) -> bytes:
    return b"[" + (item + b",") * (count - 1) + item + b"]"


def _empty_dicts():
    return _frame(_answer(_listed(b"{}", 128 * MIB // 3)))


def _many_zeros():
    return _frame(_answer(_listed(b"0", 1_500_000)))


def _deep_nesting():
    return _frame(_answer(b"[" * 100_000 + b"]" * 100_000))


def _shared_blob():
    array = json.dumps({"$ndarray": {"blob": 0, "dtype": "float64", "shape": [MIB]}}).encode()
    return _frame(_answer(_listed(array, 100), [8 * MIB]), bytes(8 * MIB))


def _forged_dump_answer(answer, keep):
    if "next" in _forgery:
        return _forgery.pop("next")()
    return _honest_dump_answer(answer, keep)


wire.dump_answer = _forged_dump_answer


def l1_reg(model):
    _forgery["next"] = _empty_dicts
    return torch.zeros(())


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    _forgery["next"] = _many_zeros
    return x


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        _forgery["next"] = _deep_nesting
        self.p = p

    def forward(self, x):
        return x


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    _forgery["next"] = _shared_blob
    return criterion(output, target)
