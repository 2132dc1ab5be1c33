"""The data channel between the grader and the sandboxed child.

Where it runs between the grader and the child is drawn in autograder/sandbox/__init__.py.

Requests (grader -> child) are typed and encoded in requests.py. Answers are
never unpickled: they are JSON for structure and scalars plus raw array bytes
whose dtype (numbers only) and shape the JSON gives, and only the types below are
rebuilt. Anything else the child holds (a module instance, an odd object) comes
back as a handle: an id and a type name, never the object itself.

Every byte of an answer is hostile: the student's code runs in the child's own
process and can rewrite its encoder or write to its socket. So an answer's size
is checked before any of it is parsed (frame, JSON header, a count of the
header's structural characters that bounds its items, nesting through the
parser's own recursion limit), each blob is read once and at the width its
dtype says, and dict keys whose hashes an attacker could make collide are
counted. The child checks its own answers against the same caps first, so an
honest answer over a cap comes back as a sentence, not as a broken channel.

Frames are length-prefixed, so a child that dies mid-answer or keeps a pipe
open cannot make the grader wait past its deadline.
"""
import json
import math
import socket
import struct
import sys
import time

import numpy as np

MAX_FRAME_BYTES = 256 * 2**20  # any frame; requests (from the grader) may be this large
# Answers. The largest honest ones (measured on every reference solution): 0.8 MB frames, 0.35 MB headers and
# 61 000 structural characters (800 splits in one call_many), 0.2 MB blobs (a 50 000-element float32 tensor).
MAX_ANSWER_BYTES = 16 * 2**20
MAX_HEADER_BYTES = 4 * 2**20
MAX_ITEMS = 500_000  # structural characters , : [ { of an answer's header, which bound its JSON values
MAX_DEPTH = 32
MAX_STRING = 2**20
MAX_INT_DIGITS = 4000
MAX_TYPE_NAME = 200
MAX_HANDLE = 2**31
# Dict keys and set members other than str, bool, None, float and ints below 2**53 (tuples, big ints, numpy
# scalars) have hashes an attacker can make collide; each colliding insertion costs as much as all before it.
MAX_COMPOSITE_KEYS = 1000

_HEADER = struct.Struct("!I")
_NOT_STRUCTURAL = bytes(sorted(set(range(256)) - set(b",:[{")))
_JSON_INT = 2**53
TENSOR_DTYPES = frozenset(
    "float16 bfloat16 float32 float64 int8 int16 int32 int64 uint8 bool complex64 complex128".split()
)
ARRAY_DTYPES = frozenset(  # numbers only: no objects, strings or voids
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64 complex64 complex128".split())


class ChannelClosed(Exception):
    """The other side closed the connection or died before a whole frame arrived."""


class ChannelTimeout(Exception):
    """No whole frame arrived before the deadline."""


class BadAnswer(Exception):
    """The child sent something outside the allowlist or over a size cap."""


# ---------------------------------------------------------------- framing

def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Write one length-prefixed frame."""
    if len(payload) > MAX_FRAME_BYTES:
        raise BadAnswer(f"a frame of {len(payload)} bytes is over the {MAX_FRAME_BYTES}-byte limit")
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def recv_frame(sock: socket.socket, deadline: float | None = None, limit: int | None = None) -> bytearray:
    """Read one whole frame of at most `limit` bytes (default MAX_FRAME_BYTES), giving up at `deadline` (a
    time.monotonic() value); a frame announced larger is refused before any of it is read."""
    limit = MAX_FRAME_BYTES if limit is None else limit
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size, deadline))
    if size > limit:
        raise BadAnswer(f"the child announced a frame of {size} bytes; the limit is {limit}")
    return _recv_exactly(sock, size, deadline)


def _recv_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytearray:
    """Read `size` bytes into one buffer: no list of chunks joined into a second copy."""
    buffer, received = bytearray(size), 0
    view = memoryview(buffer)
    while received < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout()
            sock.settimeout(remaining)
        else:
            sock.settimeout(None)
        try:
            count = sock.recv_into(view[received:], min(size - received, 2**20))
        except socket.timeout:
            raise ChannelTimeout() from None
        except (ConnectionResetError, BrokenPipeError):
            raise ChannelClosed() from None
        if not count:
            raise ChannelClosed()
        received += count
    return buffer


# ---------------------------------------------------------------- answers (child -> grader)

def dump_answer(answer: dict, keep) -> bytes:
    """Encode an answer in the child; `keep(obj)` stores an object that is not data and returns its handle id.

    Raises BadAnswer when the answer is over a cap the grader enforces, so the child can say so instead.
    """
    blobs: list[bytes] = []
    tree = _Encoder(keep, blobs).encode(answer, 0)
    header = json.dumps({"tree": tree, "blobs": [len(b) for b in blobs]}).encode()
    payload = _HEADER.pack(len(header)) + header + b"".join(blobs)
    check_answer_size(payload)
    return payload


def check_answer_size(payload) -> bytes:
    """Check an answer frame against the caps that bound what parsing it costs; return its JSON header."""
    if len(payload) > MAX_ANSWER_BYTES:
        raise BadAnswer(f"an answer of {_mib(len(payload))} is over the {_mib(MAX_ANSWER_BYTES)} limit")
    if len(payload) < _HEADER.size:
        raise BadAnswer("malformed answer (shorter than its header)")
    (size,) = _HEADER.unpack_from(payload)
    if size > MAX_HEADER_BYTES or _HEADER.size + size > len(payload):
        raise BadAnswer(f"an answer's structure of {_mib(size)} is over the {_mib(MAX_HEADER_BYTES)} limit"
                        if size > MAX_HEADER_BYTES else "malformed answer (its header runs past its end)")
    header = bytes(memoryview(payload)[_HEADER.size:_HEADER.size + size])
    if len(header.translate(None, _NOT_STRUCTURAL)) > MAX_ITEMS:
        raise BadAnswer(f"the answer holds too many items (more than {MAX_ITEMS})")
    return header


def load_answer(payload, make_handle) -> dict:
    """Decode an answer in the grader by the allowlist; `make_handle(id, type_name)` builds proxies.

    Sizes are checked before the JSON is parsed; the parser's recursion limit stops deep nesting.
    """
    header_bytes = check_answer_size(payload)
    try:
        header = json.loads(header_bytes)
        offset, blobs = _HEADER.size + len(header_bytes), []
        view = memoryview(payload)
        for length in header["blobs"]:
            if type(length) is not int or length < 0 or offset + length > len(payload):
                raise BadAnswer("a data blob is out of bounds")
            blobs.append(view[offset:offset + length])
            offset += length
        answer = _Decoder(blobs, make_handle).decode(header["tree"], 0)
    except BadAnswer:
        raise
    except Exception as error:  # any malformed frame is the child's doing, never a grader crash
        raise BadAnswer(f"malformed answer ({type(error).__name__}: {str(error)[:100]})") from None
    if not isinstance(answer, dict):
        raise BadAnswer("the answer is not a mapping")
    return answer


def loaded_torch():
    """torch if this process has imported it, else None: describing or encoding never imports it."""
    return sys.modules.get("torch")


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _shown(value) -> str:
    """A child's value quoted in a refusal, short enough for a sentence."""
    return repr(value[:40] if isinstance(value, str) else value)[:60]


def _plain_key(key) -> bool:
    """Whether a dict key or set member has a hash no one can make collide with many others: str (hashed with a
    secret seed), bool, None, float (few floats share a hash) and ints below 2**53 (each its own hash)."""
    kind = type(key)
    return kind is str or kind is float or kind is bool or key is None or (kind is int and -_JSON_INT < key < _JSON_INT)


class _Encoder:
    """Turn an answer into a JSON tree and raw array blobs, keeping objects that are not data as handles."""

    def __init__(self, keep, blobs: list):
        self.keep, self.blobs, self.composite_keys = keep, blobs, 0

    def encode(self, value, depth: int):
        if depth > MAX_DEPTH:
            return self._handle(value)
        kind = type(value)
        if value is None or kind is bool:
            return value
        if kind is str:
            if len(value) > MAX_STRING:
                raise BadAnswer(f"a string of {len(value)} characters is over the {MAX_STRING}-character limit")
            return value
        if kind is int:
            return value if abs(value) < _JSON_INT else {"$int": self._digits(value)}
        if kind is float:
            return value if math.isfinite(value) else {"$float": repr(value)}
        if kind in (list, tuple, set, frozenset):
            if kind in (set, frozenset):
                self._count_keys(value)
            items = [self.encode(item, depth + 1) for item in value]
            return items if kind is list else {"$" + kind.__name__: items}
        if kind is dict:
            self._count_keys(value)
            return {"$dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        return _encode_array_like(value, self.blobs) or self._handle(value)

    def _handle(self, value) -> dict:
        return {"$handle": self.keep(value), "type": _type_name(value)}

    def _count_keys(self, keys) -> None:
        self.composite_keys += sum(not _plain_key(key) for key in keys)
        if self.composite_keys > MAX_COMPOSITE_KEYS:
            raise BadAnswer(f"the answer holds more than {MAX_COMPOSITE_KEYS} dict keys or set members that are "
                            f"not strings or numbers")

    @staticmethod
    def _digits(value: int) -> str:
        # Past about 4300 digits str() itself refuses; well before that, the grader would.
        text = str(value) if value.bit_length() <= 3.33 * MAX_INT_DIGITS else ""  # 3.33 bits a digit
        if not text or len(text) > MAX_INT_DIGITS:
            raise BadAnswer(f"an integer of more than {MAX_INT_DIGITS} digits is over the limit")
        return text


def _encode_array_like(value, blobs):
    """Encode numpy arrays and scalars and torch tensors; None for anything else."""
    if isinstance(value, (np.ndarray, np.generic)) and str(np.asarray(value).dtype) in ARRAY_DTYPES:
        return {"$ndarray" if isinstance(value, np.ndarray) else "$npscalar": _blob(np.asarray(value), blobs)}
    torch = loaded_torch()
    if torch is not None and isinstance(value, torch.Tensor) and value.layout == torch.strided:
        dtype = str(value.dtype).removeprefix("torch.")
        if dtype not in TENSOR_DTYPES:
            return None
        data = value.detach().cpu()
        grad_fn = type(value.grad_fn).__name__ if value.grad_fn is not None else None
        return {"$tensor": _blob((data.float() if dtype == "bfloat16" else data).numpy(), blobs), "dtype": dtype,
                "requires_grad": bool(value.requires_grad), "grad_fn": grad_fn}
    return None


def _blob(array: np.ndarray, blobs: list) -> dict:
    """Store an array's raw bytes (native order) as a blob; describe its dtype and shape in JSON."""
    native = array.astype(array.dtype.newbyteorder("="), copy=False)
    blobs.append(native.tobytes(order="C"))
    return {"blob": len(blobs) - 1, "dtype": str(native.dtype), "shape": list(native.shape)}


def _type_name(value) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"[:MAX_TYPE_NAME]


# Each tag with the keys its node may have, so a node with others is refused, not silently half-read.
_TAG_KEYS = {"$tuple": {"$tuple"}, "$set": {"$set"}, "$frozenset": {"$frozenset"}, "$dict": {"$dict"},
             "$int": {"$int"}, "$float": {"$float"}, "$ndarray": {"$ndarray"}, "$npscalar": {"$npscalar"},
             "$tensor": {"$tensor", "dtype", "requires_grad", "grad_fn"}, "$handle": {"$handle", "type"}}


class _Decoder:
    """Rebuild plain values from an answer tree, refusing anything off the allowlist."""

    def __init__(self, blobs, make_handle):
        self.blobs, self.make_handle = blobs, make_handle
        self.used_blobs: set[int] = set()
        self.composite_keys = 0

    def decode(self, node, depth):
        if depth > MAX_DEPTH + 2:
            raise BadAnswer("the answer is nested too deeply")
        if node is None or isinstance(node, (bool, int, float)):
            return node
        if isinstance(node, str):
            if len(node) > MAX_STRING:
                raise BadAnswer("a string in the answer is over the size limit")
            return node
        if isinstance(node, list):
            return [self.decode(item, depth + 1) for item in node]
        if isinstance(node, dict) and node:
            tag = next(iter(node))
            if not node.keys() <= _TAG_KEYS.get(tag, set()):
                raise BadAnswer(f"unknown tag {_shown(tag)}")
            return self._tagged(tag, node, depth)
        raise BadAnswer(f"unexpected element of type {type(node).__name__}")

    def _tagged(self, tag, node, depth):
        body = node[tag]
        if tag == "$tuple" and type(body) is list:
            return tuple(self.decode(item, depth + 1) for item in body)
        if tag in ("$set", "$frozenset") and type(body) is list:
            return frozenset(self._keys(self.decode(item, depth + 1) for item in body))
        if tag == "$dict" and type(body) is list:
            pairs = [(self.decode(k, depth + 1), self.decode(v, depth + 1)) for k, v in body]
            return dict(zip(self._keys(key for key, _ in pairs), (value for _, value in pairs)))
        if tag == "$int" and type(body) is str and len(body) <= MAX_INT_DIGITS:
            return int(body)
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$ndarray":
            return self._array(body)
        if tag == "$npscalar":
            return self._array(body, scalar=True)[()]
        if tag == "$tensor":
            return self._tensor(node)
        if tag == "$handle" and type(body) is int and 0 <= body < MAX_HANDLE and type(node.get("type")) is str:
            if len(node["type"]) > MAX_TYPE_NAME:
                raise BadAnswer("a handle's type name is over the size limit")
            return self.make_handle(body, node["type"])
        raise BadAnswer(f"unknown tag {_shown(tag)}")

    def _keys(self, keys):
        """Pass dict keys and set members through, counting those whose hashes could be made to collide."""
        for key in keys:
            if not _plain_key(key):
                self.composite_keys += 1
                if self.composite_keys > MAX_COMPOSITE_KEYS:
                    raise BadAnswer(f"the answer holds more than {MAX_COMPOSITE_KEYS} dict keys or set members "
                                    f"that are not strings or numbers")
            yield key

    def _array(self, spec, dtype: str | None = None, scalar: bool = False) -> np.ndarray:
        """Rebuild an array from a blob read only once, whose dtype is on the allowlist (and `dtype` when given)
        and whose size matches its shape."""
        if not isinstance(spec, dict) or spec.keys() != {"blob", "dtype", "shape"} \
                or spec["dtype"] not in ARRAY_DTYPES or dtype not in (None, spec["dtype"]):
            shown = spec.get("dtype") if isinstance(spec, dict) else spec
            raise BadAnswer(f"arrays of dtype {_shown(shown)} are not accepted"
                            + (f" as {dtype} data" if dtype else ""))
        shape, index = spec["shape"], spec["blob"]
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)) or (scalar and shape):
            raise BadAnswer("an array's shape is malformed")
        if type(index) is not int or not 0 <= index < len(self.blobs) or index in self.used_blobs:
            raise BadAnswer("an array's data blob is missing or read twice")
        self.used_blobs.add(index)
        blob, dtype_ = self.blobs[index], np.dtype(spec["dtype"])
        if math.prod(shape) * dtype_.itemsize != len(blob):
            raise BadAnswer("an array's size does not match its shape")
        return np.frombuffer(blob, dtype=dtype_).reshape(shape).copy()

    def _tensor(self, node):
        import torch

        dtype = node.get("dtype")
        if dtype not in TENSOR_DTYPES:
            raise BadAnswer(f"tensors of dtype {_shown(dtype)} are not accepted")
        grad_fn, requires_grad = node.get("grad_fn"), node.get("requires_grad", False)
        if not (grad_fn is None or type(grad_fn) is str and len(grad_fn) <= MAX_TYPE_NAME) \
                or type(requires_grad) is not bool:
            raise BadAnswer("a tensor's autograd details are malformed")
        # A tensor's bytes are read at its own width (bfloat16 travels as float32): no blob grows on arrival.
        array = self._array(node["$tensor"], "float32" if dtype == "bfloat16" else dtype)
        tensor = torch.from_numpy(array).to(getattr(torch, dtype))
        # What autograd knew in the child, for checks such as "the penalty stays in the graph".
        tensor.child_grad_fn, tensor.child_requires_grad = grad_fn, requires_grad
        return tensor
