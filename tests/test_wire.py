"""Tests of autograder.sandbox.wire: answers round-trip as data, hostile answers never run code, frames are bounded.

Answers are encoded in-process with dump_answer, as the child would, and decoded
with load_answer, as the grader does. Hostile frames are built by hand: they are
what a student's code could write to the socket instead of a real answer.
"""
import io
import json
import math
import pickle
import socket
import struct
import threading
import time

import numpy as np
import pytest
import torch

from autograder.sandbox import wire
from autograder.sandbox.wire import (MAX_ANSWER_BYTES, MAX_COMPOSITE_KEYS, MAX_DEPTH, MAX_FRAME_BYTES, MAX_HEADER_BYTES,
                                     MAX_INT_DIGITS, MAX_ITEMS, MAX_STRING, MAX_TYPE_NAME, TENSOR_DTYPES, BadAnswer,
                                     ChannelClosed, ChannelTimeout, dump_answer, load_answer, recv_frame, send_frame)


class Thing:
    """An object that is not data: it must come back as a handle."""


class Handle:
    def __init__(self, id, type_name):
        self.id, self.type_name = id, type_name


def round_trip(value):
    """Encode {"value": value} as the child would and decode it as the grader does; return it and the kept objects."""
    kept = []

    def keep(obj):
        kept.append(obj)
        return len(kept) - 1

    answer = load_answer(dump_answer({"value": value}, keep), Handle)
    assert list(answer) == ["value"]
    return answer["value"], kept


def frame(tree, blobs=(), lengths=None) -> bytes:
    """A hand-made answer: JSON header, then the blobs, as dump_answer lays them out."""
    header = json.dumps({"tree": tree, "blobs": [len(b) for b in blobs] if lengths is None else lengths}).encode()
    return struct.pack("!I", len(header)) + header + b"".join(blobs)


def npy(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def spec(dtype="float64", shape=(2,), blob=0) -> dict:
    """How an answer describes an array: which blob holds its bytes, their dtype and the shape."""
    return {"blob": blob, "dtype": dtype, "shape": list(shape)}


def answer_tree(node):
    """The tree of an answer {"value": node}, as the decoder expects a top-level dict."""
    return {"$dict": [["value", node]]}


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("value", [
    None, True, False, 0, -1, 2**53 - 1, 2**53, -(2**53), 2**200, 10**(MAX_INT_DIGITS - 1), -(10**(MAX_INT_DIGITS - 2)),
    0.1, -2.5e-300, 5e-324, 1.7976931348623157e308, math.inf, -math.inf,
    "", "héllo ✓", "$tuple", "\x00\n", "x" * MAX_STRING,
], ids=lambda value: repr(value)[:40])
def test_scalars_round_trip(value):
    decoded, kept = round_trip(value)
    assert decoded == value and type(decoded) is type(value)
    assert kept == []


def test_nan_and_negative_zero_round_trip():
    nan, _ = round_trip(math.nan)
    zero, _ = round_trip(-0.0)
    assert type(nan) is float and math.isnan(nan)
    assert zero == 0.0 and math.copysign(1.0, zero) == -1.0


def test_containers_round_trip_with_their_types():
    value = {"a": [1, (2, 3.5), {4, 5}, frozenset({"x"}), []], (1, "k"): {"inner": None}, 3: ((),),
             "$tuple": "a key that looks like a tag", None: [[[["deep"]]]]}
    decoded, kept = round_trip(value)
    assert decoded == value and kept == []
    assert type(decoded["a"][1]) is tuple and type(decoded[3]) is tuple and type(decoded[3][0]) is tuple
    assert type(decoded["a"][2]) is frozenset  # sets come back immutable (hashable, e.g. as keys)
    assert list(decoded) == list(value)  # insertion order kept


@pytest.mark.parametrize("array", [
    np.array([1.5, -2.0], dtype=np.float16), np.array([[1.5, np.nan], [np.inf, -0.0]], dtype=np.float32),
    np.arange(12, dtype=np.float64).reshape(3, 4), np.array([-128, 127], dtype=np.int8),
    np.array([2**62, -5], dtype=np.int64), np.array([255, 0], dtype=np.uint8), np.array([2**64 - 1], dtype=np.uint64),
    np.array([True, False]), np.array([1 + 2j], dtype=np.complex64), np.array([1j, -1], dtype=np.complex128),
    np.array(3.25), np.array(7, dtype=np.int16), np.zeros((0, 3)),
    np.arange(12.0).reshape(3, 4).T, np.arange(10)[::3],  # not contiguous
], ids=lambda a: f"{a.dtype}-{a.shape}")
def test_numpy_arrays_round_trip(array):
    decoded, kept = round_trip(array)
    assert type(decoded) is np.ndarray and kept == []
    assert decoded.dtype == array.dtype and decoded.shape == array.shape
    np.testing.assert_array_equal(decoded, array)


@pytest.mark.parametrize("scalar", [np.float32(1.5), np.float64(-0.25), np.int64(-7), np.uint8(255), np.bool_(True),
                                    np.complex128(1 - 2j), np.float16(0.5)], ids=repr)
def test_numpy_scalars_round_trip(scalar):
    decoded, _ = round_trip(scalar)
    assert type(decoded) is type(scalar) and decoded == scalar


@pytest.mark.parametrize("tensor", [
    torch.tensor([1.5, -2.0]), torch.tensor([[1.0, math.nan]], dtype=torch.float64),
    torch.tensor([2**62, -3]), torch.tensor([True, False]), torch.tensor([1.5, -3.0, 1e30], dtype=torch.bfloat16),
    torch.tensor(2.5), torch.tensor(4), torch.tensor([1, -1], dtype=torch.int8), torch.tensor([200], dtype=torch.uint8),
    torch.tensor([1 + 1j], dtype=torch.complex64), torch.tensor([0.1], dtype=torch.float16), torch.zeros(0, 2),
    torch.arange(6.0).reshape(2, 3).t(),  # not contiguous
], ids=lambda t: f"{t.dtype}-{tuple(t.shape)}")
def test_tensors_round_trip(tensor):
    decoded, kept = round_trip(tensor)
    assert type(decoded) is torch.Tensor and kept == []
    assert decoded.dtype == tensor.dtype and decoded.shape == tensor.shape
    assert torch.equal(decoded.nan_to_num(), tensor.nan_to_num())
    assert decoded.child_requires_grad is False and decoded.child_grad_fn is None


def test_what_autograd_knew_in_the_child_comes_along():
    weight = torch.ones(3, requires_grad=True)
    penalty = (weight * 2).sum()
    decoded, _ = round_trip({"weight": weight, "penalty": penalty, "detached": penalty.detach(),
                             "parameter": torch.nn.Parameter(torch.zeros(2))})
    assert decoded["penalty"].child_grad_fn == "SumBackward0" and decoded["penalty"].child_requires_grad is True
    assert decoded["weight"].child_grad_fn is None and decoded["weight"].child_requires_grad is True
    assert decoded["detached"].child_grad_fn is None and decoded["detached"].child_requires_grad is False
    assert decoded["parameter"].child_requires_grad is True and type(decoded["parameter"]) is torch.Tensor
    assert torch.equal(decoded["penalty"], torch.tensor(6.0))
    assert not any(t.requires_grad for t in decoded.values())  # no graph crosses the boundary


@pytest.mark.parametrize("value, type_name", [
    pytest.param(Thing(), f"{__name__}.Thing", id="object"),
    pytest.param(torch.nn.Linear(2, 1), "torch.nn.modules.linear.Linear", id="module"),
    pytest.param(len, "builtins.builtin_function_or_method", id="builtin"),
    pytest.param(np.array(["text"]), "numpy.ndarray", id="string-array"),
    pytest.param(np.array([None, 1], dtype=object), "numpy.ndarray", id="object-array"),
    pytest.param(torch.zeros(2, dtype=torch.uint16), "torch.Tensor", id="tensor-dtype-off-the-list"),
    pytest.param(torch.zeros(3).to_sparse(), "torch.Tensor", id="sparse-tensor"),
    pytest.param(b"bytes", "builtins.bytes", id="bytes"),
])
def test_anything_else_comes_back_as_a_handle(value, type_name):
    decoded, kept = round_trip([1, value])
    assert decoded[0] == 1
    assert isinstance(decoded[1], Handle)
    assert kept[decoded[1].id] is value and decoded[1].type_name == type_name


def test_nesting_past_max_depth_is_a_handle_not_an_error():
    outer = inner = []
    for _ in range(MAX_DEPTH + 10):
        inner.append([])
        inner = inner[0]
    decoded, kept = round_trip(outer)
    depth = 0
    while isinstance(decoded, list):
        decoded, depth = decoded[0], depth + 1
    assert isinstance(decoded, Handle) and decoded.type_name == "builtins.list"
    assert depth == MAX_DEPTH and len(kept) == 1


def test_keys_whose_hashes_could_collide_round_trip_up_to_their_cap():
    value = {(n, "k"): frozenset({(n,), 2**60 + n}) for n in range(MAX_COMPOSITE_KEYS // 3)}
    decoded, _ = round_trip(value)
    assert decoded == value


@pytest.mark.parametrize("value, says", [
    pytest.param("x" * (MAX_STRING + 1), "a string of 1048577 characters", id="string"),
    pytest.param(10**MAX_INT_DIGITS, f"an integer of more than {MAX_INT_DIGITS} digits", id="integer"),
    pytest.param({(n,): n for n in range(MAX_COMPOSITE_KEYS + 1)}, "dict keys or set members", id="tuple-keys"),
    pytest.param(np.zeros(MAX_ANSWER_BYTES // 8), "is over the 16.0 MiB limit", id="array"),
    pytest.param([0] * MAX_ITEMS, "too many items", id="items"),
])
def test_the_child_refuses_to_send_what_the_grader_would_refuse(value, says):
    """An honest answer over a cap is stopped in the child, which then says why instead of sending it."""
    with pytest.raises(BadAnswer, match=says):
        dump_answer({"value": value}, keep=lambda obj: 0)


def test_tensor_dtypes_listed_are_the_ones_torch_has():
    assert all(isinstance(getattr(torch, name), torch.dtype) for name in TENSOR_DTYPES)


# ---------------------------------------------------------------- hostile answers

class Marker:
    """Unpickling this object creates the file `path`: proof that a pickle ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


HOSTILE = {  # name -> (frame, what the refusal says)
    "unknown-tag": (frame(answer_tree({"$eval": "__import__('os').system('true')"})), r"unknown tag '\$eval'"),
    "float-tag-with-a-number": (frame(answer_tree({"$float": "1e999"})), r"unknown tag '\$float'"),
    "int-tag-too-long": (frame(answer_tree({"$int": "9" * (MAX_INT_DIGITS + 1)})), r"unknown tag '\$int'"),
    "handle-without-type": (frame(answer_tree({"$handle": 0})), r"unknown tag '\$handle'"),
    "handle-with-string-id": (frame(answer_tree({"$handle": "0", "type": "x"})), r"unknown tag '\$handle'"),
    "empty-object": (frame(answer_tree({})), "unexpected element of type dict"),
    "tensor-dtype-off-the-list": (frame(answer_tree({"$tensor": spec(), "dtype": "load"}), [bytes(16)]),
                                  "tensors of dtype 'load' are not accepted"),
    "tensor-dtype-missing": (frame(answer_tree({"$tensor": spec()}), [bytes(16)]),
                             "tensors of dtype None are not accepted"),
    "string-array": (frame(answer_tree({"$ndarray": spec("<U1", (1,))}), [b"a\0\0\0"]),
                     "dtype '<U1' are not accepted"),
    "structured-array": (frame(answer_tree({"$ndarray": spec("[('f0', '<i4'), ('f1', '<f8')]")}), [bytes(24)]),
                         "are not accepted"),
    "datetime-array": (frame(answer_tree({"$npscalar": spec("datetime64[D]", ())}), [bytes(8)]), "are not accepted"),
    "object-array": (frame(answer_tree({"$ndarray": spec("object")}), [bytes(16)]), "dtype 'object' are not"),
    "array-spec-not-a-mapping": (frame(answer_tree({"$ndarray": 0}), [bytes(16)]), "are not accepted"),
    "string-array-as-tensor": (frame(answer_tree({"$tensor": spec("<U1", (1,)), "dtype": "float32"}), [b"a\0\0\0"]),
                               "are not accepted"),
    "pickled-object-array": (frame(answer_tree({"$ndarray": spec("float64", (1,))}),
                                   [npy(np.array([1, None], dtype=object), True)]), "does not match its shape"),
    "blob-longer-than-frame": (frame(answer_tree({"$ndarray": spec()}), [bytes(16)], [10**9]),
                               "a data blob is out of bounds"),
    "blob-negative": (frame(answer_tree(1), [b"abc"], [-1, 4]), "a data blob is out of bounds"),
    "blob-length-not-int": (frame(answer_tree(1), [b"abc"], ["3"]), "a data blob is out of bounds"),
    "blob-length-float": (frame(answer_tree(1), [b"abc"], [1.5]), "a data blob is out of bounds"),
    "blob-index-missing": (frame(answer_tree({"$ndarray": spec(blob=3)}), [bytes(16)]), "data blob is missing"),
    "blob-shorter-than-its-shape": (frame(answer_tree({"$ndarray": spec(shape=(1000,))}), [bytes(200)]),
                                    "does not match its shape"),
    "astronomical-shape": (frame(answer_tree({"$ndarray": spec(shape=(10**15,))}), [bytes(8)]),
                           "does not match its shape"),
    "negative-shape": (frame(answer_tree({"$ndarray": spec(shape=(-2,))}), [bytes(16)]), "shape is malformed"),
    "shape-not-a-list": (frame(answer_tree({"$ndarray": {"blob": 0, "dtype": "float64", "shape": "2"}}),
                                [bytes(16)]), "shape is malformed"),
    "too-deep": (frame(answer_tree(json.loads("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)))), "nested too deeply"),
    "json-recursion": (struct.pack("!I", 200_001) + b"[" * 100_000 + b"]" * 100_001, "malformed answer"),
    "too-many-items": (frame(answer_tree([0] * MAX_ITEMS)), "too many items"),
    "huge-string": (frame(answer_tree("x" * (MAX_STRING + 1))), "a string in the answer is over the size limit"),
    "header-over-its-cap": (frame(answer_tree("x" * MAX_HEADER_BYTES)), "structure of 4.0 MiB is over"),
    "frame-over-its-cap": (frame(answer_tree(1), [bytes(MAX_ANSWER_BYTES)]), "is over the 16.0 MiB limit"),
    "one-blob-read-twice": (frame(answer_tree([{"$ndarray": spec()}, {"$ndarray": spec()}]), [bytes(16)]),
                            "data blob is missing or read twice"),
    "bool-blob-read-as-complex": (frame(answer_tree({"$tensor": spec("bool", (16,)), "dtype": "complex128"}),
                                        [bytes(16)]), "'bool' are not accepted as complex128 data"),
    "float32-blob-read-as-float64": (frame(answer_tree({"$tensor": spec("float32", (4,)), "dtype": "float64"}),
                                           [bytes(16)]), "'float32' are not accepted as float64 data"),
    "scalar-with-a-shape": (frame(answer_tree({"$npscalar": spec()}), [bytes(16)]), "shape is malformed"),
    "blob-index-a-bool": (frame(answer_tree({"$ndarray": spec(blob=True)}), [bytes(16)]), "data blob is missing"),
    "spec-with-extra-key": (frame(answer_tree({"$ndarray": {**spec(), "offset": 8}}), [bytes(24)]),
                            "are not accepted"),
    "tag-with-extra-key": (frame(answer_tree({"$tuple": [], "payload": "x" * 1000})), r"unknown tag '\$tuple'"),
    "grad-fn-too-long": (frame(answer_tree({"$tensor": spec("float32", (4,)), "dtype": "float32",
                                            "grad_fn": "G" * (MAX_TYPE_NAME + 1)}), [bytes(16)]),
                         "autograd details are malformed"),
    "requires-grad-a-string": (frame(answer_tree({"$tensor": spec("float32", (4,)), "dtype": "float32",
                                                  "requires_grad": "yes"}), [bytes(16)]),
                               "autograd details are malformed"),
    "handle-type-too-long": (frame(answer_tree({"$handle": 0, "type": "T" * (MAX_TYPE_NAME + 1)})),
                             "type name is over the size limit"),
    "handle-id-negative": (frame(answer_tree({"$handle": -1, "type": "x"})), r"unknown tag '\$handle'"),
    "handle-id-a-bool": (frame(answer_tree({"$handle": True, "type": "x"})), r"unknown tag '\$handle'"),
    "colliding-set-members": (frame(answer_tree({"$frozenset": [{"$int": str((2**61 - 1) * (n + 1))}
                                                                for n in range(MAX_COMPOSITE_KEYS + 1)]})),
                              f"more than {MAX_COMPOSITE_KEYS} dict keys or set members"),
    "colliding-tuple-keys": (frame(answer_tree({"$dict": [[{"$tuple": [n, 0]}, 0]
                                                          for n in range(MAX_COMPOSITE_KEYS + 1)]})),
                             f"more than {MAX_COMPOSITE_KEYS} dict keys or set members"),
    "list-as-key": (frame(answer_tree({"$dict": [[[1, 2], 0]]})), "malformed answer"),
    "unhashable-key": (frame({"$dict": [[{"$dict": []}, 1]]}), "malformed answer"),
    "dict-body-not-pairs": (frame({"$dict": [[1]]}), "malformed answer"),
    "top-is-a-list": (frame([1, 2]), "the answer is not a mapping"),
    "top-is-a-string": (frame("value"), "the answer is not a mapping"),
    "top-is-a-tuple": (frame({"$tuple": []}), "the answer is not a mapping"),
    "header-is-a-list": (struct.pack("!I", 2) + b"[]", "malformed answer"),
    "header-not-json": (struct.pack("!I", 4) + b"\xff\xfe{]", "malformed answer"),
    "header-size-past-the-end": (struct.pack("!I", 1000) + b'{"tree": 1}', "malformed answer"),
    "shorter-than-a-header": (b"\x00\x01", "malformed answer"),
    "empty": (b"", "malformed answer"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_answers_are_refused(name):
    payload, says = HOSTILE[name]
    handles = []
    with pytest.raises(BadAnswer, match=says):
        load_answer(payload, lambda *a: handles.append(a))
    assert handles == []


def test_the_hostile_frames_differ_from_good_ones_only_where_intended():
    """The frame helper makes answers load_answer accepts, so each refusal above is about its one defect."""
    good = {"$dict": [["value", {"$tensor": spec("float32"), "dtype": "float32"}],
                      ["n", [1, {"$int": "9" * MAX_INT_DIGITS}]]]}
    answer = load_answer(frame(good, [np.ones(2, dtype=np.float32).tobytes()]), Handle)
    assert torch.equal(answer["value"], torch.ones(2)) and answer["n"] == [1, int("9" * MAX_INT_DIGITS)]
    assert load_answer(frame(answer_tree([0] * (MAX_ITEMS - 10))), Handle)["value"] == [0] * (MAX_ITEMS - 10)
    assert load_answer(frame(answer_tree({"$handle": 5, "type": "x"})), Handle)["value"].id == 5


def _pickle_payloads(marker) -> dict[str, bytes]:
    evil = pickle.dumps(Marker(marker))
    object_array = npy(np.array([Marker(marker)], dtype=object), allow_pickle=True)
    return {
        "raw-pickle": evil,
        "pickle-after-a-header": struct.pack("!I", len(evil)) + evil,
        "pickle-as-array-blob": frame(answer_tree({"$ndarray": spec("float64", (1,))}), [evil]),
        "pickle-as-tensor-blob": frame(answer_tree({"$tensor": spec("float32", (1,)), "dtype": "float32"}), [evil]),
        "object-array-as-array": frame(answer_tree({"$ndarray": spec("object", (1,))}), [object_array]),
        "object-array-as-scalar": frame(answer_tree({"$npscalar": spec("object", ())}), [object_array]),
        "object-array-as-tensor": frame(answer_tree({"$tensor": spec("object", (1,)), "dtype": "float64"}),
                                        [object_array]),
    }


@pytest.mark.parametrize("name", list(_pickle_payloads("unused")))
def test_a_pickle_in_an_answer_never_runs(name, tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(BadAnswer):
        load_answer(_pickle_payloads(marker)[name], Handle)
    assert not marker.exists()


def test_the_marker_pickle_really_would_run(tmp_path):
    """Without this, the test above could pass with a harmless payload."""
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(Marker(marker))).close()
    assert marker.exists()
    marker.unlink()
    loaded = np.load(io.BytesIO(npy(np.array([Marker(marker)], dtype=object), allow_pickle=True)), allow_pickle=True)
    loaded[0].close()
    assert marker.exists()


# ---------------------------------------------------------------- framing

@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


@pytest.mark.parametrize("payload", [b"", b"answer", bytes(range(256)) * 12_289], ids=["empty", "short", "3MB"])
def test_frames_round_trip(pair, payload):
    ours, theirs = pair
    sender = threading.Thread(target=send_frame, args=(theirs, payload))  # 3 MB is more than a socket buffers
    sender.start()
    assert recv_frame(ours, time.monotonic() + 5) == payload
    sender.join()


def test_frames_arrive_one_at_a_time(pair):
    ours, theirs = pair
    send_frame(theirs, b"first")
    send_frame(theirs, b"second")
    assert recv_frame(ours) == b"first"
    assert recv_frame(ours) == b"second"


@pytest.mark.parametrize("sent", [b"", struct.pack("!I", 10) + b"abc", b"\x00\x00"],
                         ids=["nothing", "half-a-frame", "half-a-header"])
def test_a_silent_child_times_out_at_the_deadline(pair, sent):
    ours, theirs = pair
    theirs.sendall(sent)
    start = time.monotonic()
    with pytest.raises(ChannelTimeout):
        recv_frame(ours, start + 0.2)
    assert 0.15 < time.monotonic() - start < 1.0


def test_a_deadline_already_past_times_out_at_once(pair):
    ours, _ = pair
    start = time.monotonic()
    with pytest.raises(ChannelTimeout):
        recv_frame(ours, start - 1)
    assert time.monotonic() - start < 0.1


@pytest.mark.parametrize("sent", [b"", struct.pack("!I", 10) + b"abc", b"\x00"],
                         ids=["nothing", "half-a-frame", "half-a-header"])
def test_a_child_that_hangs_up_closes_the_channel(pair, sent):
    ours, theirs = pair
    theirs.sendall(sent)
    theirs.close()
    start = time.monotonic()
    with pytest.raises(ChannelClosed):
        recv_frame(ours, start + 5)
    assert time.monotonic() - start < 1.0


def test_an_oversized_frame_is_refused_before_it_is_read(pair):
    ours, theirs = pair
    theirs.sendall(struct.pack("!I", MAX_FRAME_BYTES + 1) + b"rest")
    with pytest.raises(BadAnswer, match=f"announced a frame of {MAX_FRAME_BYTES + 1} bytes"):
        recv_frame(ours, time.monotonic() + 5)
    ours.settimeout(1)
    assert ours.recv(100) == b"rest"  # nothing after the header was consumed


def test_a_frame_of_exactly_the_limit_is_announced_acceptably(pair, monkeypatch):
    monkeypatch.setattr(wire, "MAX_FRAME_BYTES", 8)
    ours, theirs = pair
    send_frame(theirs, b"12345678")
    assert recv_frame(ours, time.monotonic() + 5) == b"12345678"
    with pytest.raises(BadAnswer, match="over the 8-byte limit"):
        send_frame(theirs, b"123456789")
    theirs.sendall(struct.pack("!I", 9) + b"123456789")
    with pytest.raises(BadAnswer):
        recv_frame(ours, time.monotonic() + 5)
