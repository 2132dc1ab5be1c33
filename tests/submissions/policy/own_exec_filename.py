"""Own work hidden in exec: code compiled under another file name, so tracebacks and traces miss it.

The source string calls F.dropout; the policy cannot read strings, so exec itself is the violation.
"""
import torch.nn.functional as F

SOURCE = "def run(x, p, training):\n    return F.dropout(x, p, training)\n"


def dropout(x, p, training=True):
    namespace = {"F": F}
    exec(compile(SOURCE, "helpers.py", "exec"), namespace)
    return namespace["run"](x, p, training)
