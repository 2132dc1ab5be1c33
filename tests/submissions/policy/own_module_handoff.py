"""Own work by handing the module to a helper: `_pick` looks the routine up on a plain parameter.

getattr on a parameter is allowed (it is how `getattr(self, name)` looks), so what is caught is
dropout handing torch.nn.functional, which holds the banned routine, to other code.
"""
import torch.nn.functional as F


def _pick(namespace, name):
    return getattr(namespace, name)


def dropout(x, p, training=True):
    return _pick(F, "drop" + "out")(x, p, training)
