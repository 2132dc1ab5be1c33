"""Own work through a global assigned inside a function that runs when the file is loaded."""
import torch.nn.functional as F

_impl = None


def _setup():
    global _impl
    _impl = F.dropout


_setup()


def dropout(x, p, training=True):
    return _impl(x, p, training)
