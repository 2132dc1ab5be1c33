"""Own work through __dict__: F.__dict__["dropout"]."""
import torch.nn.functional as F


def dropout(x, p, training=True):
    return F.__dict__["dropout"](x, p, training)
