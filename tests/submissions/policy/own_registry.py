"""Own work through a module-level dictionary filled after it was created."""
import torch.nn.functional as F

OPERATIONS = {}
OPERATIONS["drop"] = F.dropout


def dropout(x, p, training=True):
    return OPERATIONS["drop"](x, p, training)
