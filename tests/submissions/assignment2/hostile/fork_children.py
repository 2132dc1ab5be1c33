"""Hostile submission: l1_reg leaves 5 daemonised processes behind, then answers correctly.

Each child calls setsid() (leaving the grader's process group), names itself
"hostile-sleeper" (see /proc/<pid>/comm) and sleeps 1000 s while holding every
fd it inherited, including the grader's pipes. Their pids are written, one a
line, to fork_children.pids in the working directory. l1_reg then returns the
correct value. The grader must not wait for these processes (its result channel
must not depend on EOF), must kill them: no "hostile-sleeper" process and no pid
from the file is alive after grading, and must still give l1_reg full credit.
"""

import os
import time

import torch
import torch.nn as nn

PR_SET_NAME = 15


def _sleep_forever():
    try:
        os.setsid()
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_NAME, b"hostile-sleeper", 0, 0, 0)
    except Exception:
        pass
    finally:
        time.sleep(1000)
        os._exit(0)


def l1_reg(model):
    pids = []
    for _ in range(5):
        pid = os.fork()
        if pid == 0:
            _sleep_forever()
        pids.append(pid)
    try:
        with open("fork_children.pids", "w", encoding="utf-8") as handle:
            handle.write("".join(f"{pid}\n" for pid in pids))
    except OSError:
        pass
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
