"""Own work through a lambda: the graded name dropout is a lambda around F.dropout."""
import torch.nn.functional as F

dropout = lambda x, p, training=True: F.dropout(x, p, training)  # noqa: E731
