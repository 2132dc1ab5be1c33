"""The data channel between the grader and the sandboxed child.

    grader (trusted)                                child (runs student code)
    ----------------                                -------------------------
    request  --pickle-->  frame  -------------->    unpickled: the grader wrote it
    decode() <--allowlist--  frame  <-----------    encode(): JSON + raw array bytes

Requests travel as pickles because their only author is the grader. Answers are
never unpickled: they are JSON for structure and scalars plus raw array bytes
whose dtype (numbers only) and shape the JSON gives, and only the types below are
rebuilt. Anything else the child holds (a module instance, an odd object) comes
back as a handle: an id and a type name, never the object itself.

Every frame is length-prefixed, so a child that dies mid-answer or keeps a pipe
open cannot make the grader wait past its deadline, and every size is capped.
"""
import functools
import io
import json
import math
import pickle
import socket
import struct
import sys
import time

import numpy as np

MAX_FRAME_BYTES = 256 * 2**20
MAX_DEPTH = 32
MAX_ITEMS = 200_000
MAX_STRING = 2**20
MAX_INT_DIGITS = 4000

_HEADER = struct.Struct("!I")
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


def recv_frame(sock: socket.socket, deadline: float | None = None) -> bytes:
    """Read one whole frame, giving up at `deadline` (a time.monotonic() value)."""
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size, deadline))
    if size > MAX_FRAME_BYTES:
        raise BadAnswer(f"the child announced a frame of {size} bytes; the limit is {MAX_FRAME_BYTES}")
    return _recv_exactly(sock, size, deadline)


def _recv_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout()
            sock.settimeout(remaining)
        else:
            sock.settimeout(None)
        try:
            chunk = sock.recv(min(missing, 2**20))
        except socket.timeout:
            raise ChannelTimeout() from None
        except (ConnectionResetError, BrokenPipeError):
            raise ChannelClosed() from None
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- requests (grader -> child)

def dump_request(request: dict, persistent_id=None) -> bytes:
    """Pickle a request; `persistent_id` turns proxies of child objects into references."""
    buffer = io.BytesIO()
    pickler = _RequestPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    if persistent_id is not None:
        pickler.persistent_id = persistent_id
    pickler.dump(request)
    return buffer.getvalue()


class _RequestPickler(pickle.Pickler):
    def reducer_override(self, value):
        """Pickle tensors as numpy arrays and torch.nn modules without their empty hook tables: torch's own
        reductions cost ~0.4 ms a tensor and pickle a dozen empty dicts a layer."""
        torch = loaded_torch()
        if torch is None:
            return NotImplemented
        kind = type(value)
        if kind is torch.Tensor or kind is torch.nn.Parameter:
            if value.grad_fn is not None or value.layout != torch.strided or value.dtype == torch.bfloat16:
                return NotImplemented
            return rebuild_tensor, (value.detach().cpu().numpy(), kind is torch.nn.Parameter, value.requires_grad)
        if isinstance(value, torch.nn.Module) and kind.__module__.startswith("torch.nn."):
            defaults = _module_defaults()
            state = {key: item for key, item in value.__dict__.items()
                     if key not in defaults or type(item) is not type(defaults[key]) or item != defaults[key]}
            return rebuild_module, (kind, state)
        return NotImplemented


@functools.lru_cache(maxsize=1)
def _module_defaults() -> dict:
    """What torch.nn.Module.__init__ sets up: left out of requests when unchanged, made again on arrival."""
    import torch

    return dict(torch.nn.Module().__dict__)


def rebuild_module(kind, state: dict):
    """Unpickle a torch.nn module written by _RequestPickler: fresh empty tables, then its own state."""
    import torch

    module = kind.__new__(kind)
    torch.nn.Module.__init__(module)
    module.__dict__.update(state)
    return module


def rebuild_tensor(array, parameter: bool, requires_grad: bool):
    """Unpickle a tensor written by _reduce_tensor."""
    import torch

    tensor = torch.from_numpy(array)
    return torch.nn.Parameter(tensor, requires_grad) if parameter else tensor.requires_grad_(requires_grad)


def load_request(payload: bytes, persistent_load) -> dict:
    """Unpickle a request in the child, resolving references to its own objects."""
    unpickler = pickle.Unpickler(io.BytesIO(payload))
    unpickler.persistent_load = persistent_load
    return unpickler.load()


# ---------------------------------------------------------------- answers (child -> grader)

def dump_answer(answer: dict, keep) -> bytes:
    """Encode an answer in the child; `keep(obj)` stores an object that is not data and returns its handle id."""
    blobs: list[bytes] = []
    tree = _encode(answer, keep, blobs, 0)
    header = json.dumps({"tree": tree, "blobs": [len(b) for b in blobs]}).encode()
    return _HEADER.pack(len(header)) + header + b"".join(blobs)


def load_answer(payload: bytes, make_handle) -> dict:
    """Decode an answer in the grader by the allowlist; `make_handle(id, type_name)` builds proxies."""
    try:
        (size,) = _HEADER.unpack_from(payload)
        header = json.loads(payload[_HEADER.size:_HEADER.size + size])
        offset, blobs = _HEADER.size + size, []
        for length in header["blobs"]:
            if not isinstance(length, int) or length < 0 or offset + length > len(payload):
                raise BadAnswer("a data blob is out of bounds")
            blobs.append(payload[offset:offset + length])
            offset += length
        answer = _Decoder(blobs, make_handle).decode(header["tree"], 0)
    except BadAnswer:
        raise
    except Exception as error:  # any malformed frame is the child's doing, never a grader crash
        raise BadAnswer(f"malformed answer ({type(error).__name__}: {error})") from None
    if not isinstance(answer, dict):
        raise BadAnswer("the answer is not a mapping")
    return answer


def _encode(value, keep, blobs, depth):
    if depth > MAX_DEPTH:
        return {"$handle": keep(value), "type": _type_name(value)}
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**53 else {"$int": str(value)}
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind in (list, tuple, set, frozenset):
        items = [_encode(item, keep, blobs, depth + 1) for item in value]
        return items if kind is list else {"$" + kind.__name__: items}
    if kind is dict:
        return {"$dict": [[_encode(k, keep, blobs, depth + 1), _encode(v, keep, blobs, depth + 1)]
                          for k, v in value.items()]}
    return _encode_array_like(value, keep, blobs) or {"$handle": keep(value), "type": _type_name(value)}


def _encode_array_like(value, keep, blobs):
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
    return f"{kind.__module__}.{kind.__qualname__}"[:200]


def loaded_torch():
    """torch if this process has imported it, else None: describing or encoding never imports it."""
    return sys.modules.get("torch")


class _Decoder:
    """Rebuild plain values from an answer tree, refusing anything off the allowlist."""

    def __init__(self, blobs, make_handle):
        self.blobs, self.make_handle, self.items = blobs, make_handle, 0

    def decode(self, node, depth):
        self.items += 1
        if depth > MAX_DEPTH + 2 or self.items > MAX_ITEMS:
            raise BadAnswer("the answer is nested too deeply or holds too many items")
        if node is None or isinstance(node, (bool, int, float)):
            return node
        if isinstance(node, str):
            if len(node) > MAX_STRING:
                raise BadAnswer("a string in the answer is over the size limit")
            return node
        if isinstance(node, list):
            return [self.decode(item, depth + 1) for item in node]
        if isinstance(node, dict) and len(node) >= 1:
            return self._tagged(node, depth)
        raise BadAnswer(f"unexpected element of type {type(node).__name__}")

    def _tagged(self, node, depth):
        tag = next(iter(node))
        body = node[tag]
        if tag == "$tuple":
            return tuple(self.decode(item, depth + 1) for item in body)
        if tag in ("$set", "$frozenset"):
            return frozenset(self.decode(item, depth + 1) for item in body)
        if tag == "$dict":
            return {_hashable(self.decode(k, depth + 1)): self.decode(v, depth + 1) for k, v in body}
        if tag == "$int" and isinstance(body, str) and len(body) <= MAX_INT_DIGITS:
            return int(body)
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag in ("$ndarray", "$npscalar"):
            array = self._array(body)
            return array if tag == "$ndarray" else array[()]
        if tag == "$tensor":
            return self._tensor(node)
        if tag == "$handle" and isinstance(body, int) and isinstance(node.get("type"), str):
            return self.make_handle(body, node["type"][:200])
        raise BadAnswer(f"unknown tag {tag[:40]!r}")

    def _array(self, spec) -> np.ndarray:
        """Rebuild an array from raw bytes whose dtype is on the allowlist and whose size matches its shape."""
        if not isinstance(spec, dict) or spec.get("dtype") not in ARRAY_DTYPES:
            raise BadAnswer(f"arrays of dtype {str(spec.get('dtype') if isinstance(spec, dict) else spec)[:40]!r} "
                            f"are not accepted")
        shape, blob = spec.get("shape"), self.blobs[spec["blob"]]
        if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
            raise BadAnswer("an array's shape is malformed")
        dtype = np.dtype(spec["dtype"])
        if math.prod(shape) * dtype.itemsize != len(blob):
            raise BadAnswer("an array's size does not match its shape")
        return np.frombuffer(blob, dtype=dtype).reshape(shape).copy()

    def _tensor(self, node):
        import torch

        dtype = node.get("dtype")
        if dtype not in TENSOR_DTYPES:
            raise BadAnswer(f"tensors of dtype {dtype!r} are not accepted")
        tensor = torch.from_numpy(self._array(node["$tensor"])).to(getattr(torch, dtype))
        # What autograd knew in the child, for checks such as "the penalty stays in the graph".
        grad_fn = node.get("grad_fn")
        tensor.child_grad_fn = grad_fn[:100] if isinstance(grad_fn, str) else None
        tensor.child_requires_grad = bool(node.get("requires_grad"))
        return tensor


def _hashable(key):
    if isinstance(key, list):
        return tuple(key)
    return key
