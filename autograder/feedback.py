"""The words of a lost point: the exception that carries them and how values read.

Every sentence a student reads names the call first, then what came back, then
what was expected: "dropout(x, p=0.5) returned ...; expected ...". The helpers
here give values and calls a short, stable description so every check and every
sandbox outcome speaks the same way.
"""
import functools

import numpy as np

from autograder.sandbox.wire import loaded_torch

SHORT_ITEMS = 6
MAX_DESCRIPTION = 160
DEFAULT_DTYPES = {"tensor": "float32", "array": "float64"}  # what torch and numpy print without a dtype


MISTAKE_SUFFIX = " This looks like a known mistake: {mistake}."
# The one sentence telling a student that the grader, not their code, failed; `error` says what broke, last, so a
# sentence cut to size keeps what the student should do.
GRADER_FAULT = "The grader itself failed, not your code; please tell your instructor: {error}"
PLURALS = {"index": "indices"}


class StudentFault(AssertionError):
    """A lost point whose message is the sentence the student reads.

    `mistake` names the known mistake the output matched, if any; it ends the sentence and
    lets an instructor count how many submissions made it.
    """

    def __init__(self, sentence: str, mistake: str | None = None):
        super().__init__(sentence + (MISTAKE_SUFFIX.format(mistake=mistake) if mistake else ""))
        self.mistake = mistake


def counted(count: float, noun: str) -> str:
    """A count and its noun, plural unless the count is 1: `1 test`, `2 tests`, `1.5 points`, `2 indices`."""
    return f"{count:g} {noun if count == 1 else PLURALS.get(noun, noun + 's')}"


def describe(value) -> str:
    """Describe a value in a few words: small values in full, large ones by type and shape."""
    text = _describe(value)
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 3] + "..."


def describe_call(label: str, args=(), kwargs=None) -> str:
    """Write a call the way the student would have typed it: `dropout(a float32 tensor of shape (1000,), p=0.5)`."""
    parts = [describe(arg) for arg in args]
    parts += [f"{key}={describe(value)}" for key, value in (kwargs or {}).items()]
    return f"{label}({', '.join(parts)})"


def _describe(value) -> str:
    torch = loaded_torch()
    if torch is not None and isinstance(value, torch.Tensor):
        return _describe_array(value.detach().cpu().numpy() if value.dtype != torch.bfloat16 else
                               value.detach().float().numpy(), "tensor", str(value.dtype).removeprefix("torch."))
    if isinstance(value, np.ndarray):
        return _describe_array(value, "array", str(value.dtype))
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
        return text if any(mark in text for mark in ".en") else text + ".0"  # 21.0 reads as a float, not 21
    if isinstance(value, (bool, int, np.integer, np.bool_)) or value is None:
        return repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, (list, tuple)):
        return _describe_sequence(value)
    if isinstance(value, dict):
        return f"a dict with keys {', '.join(map(str, list(value)[:SHORT_ITEMS]))}"
    if torch is not None and isinstance(value, torch.nn.Module):
        return _describe_module(value)
    remote_type = getattr(value, "remote_type", None)  # a proxy of an object that stayed in the sandbox
    if isinstance(remote_type, str):
        return f"an object of type {remote_type}"
    return getattr(value, "__name__", None) or f"an object of type {type(value).__name__}"


def _describe_array(array: np.ndarray, kind: str, dtype: str) -> str:
    suffix = "" if dtype == DEFAULT_DTYPES[kind] else f", dtype={dtype}"
    if array.size <= SHORT_ITEMS:
        values = (_numbers(array.dtype.str, array.shape, array.tobytes()) if array.dtype.kind in "biufc"
                  else _printed(array))
        return f"{kind}({values}{suffix})"
    return f"{_article(dtype)} {dtype} {kind} of shape {tuple(array.shape)}"


@functools.lru_cache(maxsize=4096)
def _numbers(dtype: str, shape: tuple, data: bytes) -> str:
    """A small numeric array's values, kept: the same few arrays (a fold, a seed's split) come back from every
    student, and printing one takes ~60 us."""
    return _printed(np.frombuffer(data, dtype=dtype).reshape(shape))


def _printed(array: np.ndarray) -> str:
    return np.array2string(array, precision=8, separator=", ", floatmode="maxprec").replace("\n", "")


def _describe_sequence(value) -> str:
    opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    if len(value) > SHORT_ITEMS:
        return f"a {type(value).__name__} of {len(value)} items"
    described = []
    for item in value:  # stopping as soon as the text is too long: describing a small array takes ~70 us
        described.append(describe(item))
        if len(", ".join(described)) > MAX_DESCRIPTION // 2:
            # e.g. a list of weight tensors: counted reads better than cut off
            nouns = {"tensors" if hasattr(item, "detach") else "arrays" if isinstance(item, np.ndarray) else "items"
                     for item in value}
            return f"a {type(value).__name__} of {len(value)} {nouns.pop() if len(nouns) == 1 else 'items'}"
    return opening + ", ".join(described) + ("," if len(value) == 1 and closing == ")" else "") + closing


def _describe_module(module) -> str:
    children = list(module.children())
    if children:
        inner = ", ".join(_describe_module(child) for child in children[:SHORT_ITEMS])
        return f"{type(module).__name__}({inner}{', ...' if len(children) > SHORT_ITEMS else ''})"
    return f"{type(module).__name__}({module.extra_repr()})"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeio" else "a"  # a uint8, an int64
