"""What the grader asks a child: typed requests, encoded and decoded here only.

    grader   Load | Call | GetAttr  --encode(): pickle; a Remote becomes its reference-->  frame
    child    frame  --decode(): the grader's own classes from copies taken before any student code-->
             Load | Call | GetAttr, with references resolved to the child's own objects

Requests travel as pickles because their only author is the grader; the answers the other way are never
unpickled (wire.py, messages.py). A reference is a pickle persistent id: ("attr", path) names an attribute of
the student's module, looked up again at every call; ("handle", id) an object the child kept. Where the data
socket runs is drawn in autograder/sandbox/__init__.py.
"""
import functools
import io
import pickle
from dataclasses import dataclass

from autograder.sandbox.chunks import Chunk
from autograder.sandbox.wire import loaded_torch

NOT_A_REQUEST = "a request of type {kind}, which the child does not serve"
NOT_SERVED = "a request names {module}.{name}, which the child does not serve"


@dataclass(frozen=True)
class Load:
    """Run the submission's chunks as module `module`, reporting each call of a `banned` routine."""
    module: str
    chunks: tuple[Chunk, ...]
    banned: tuple[str, ...]  # qualified names of library routines
    setup_seconds: float  # what the notebook's timed chunks may take together


@dataclass(frozen=True)
class Call:
    """Call `target` (a student callable, or a trusted grader function such as a probe) on copies of the arguments."""
    target: object
    args: tuple
    kwargs: dict
    seed: int | None = None  # python, numpy and torch are seeded to it first


@dataclass(frozen=True)
class GetAttr:
    """Look up `name` on `target`: the student's module (a ModuleAttribute) or one of its objects."""
    target: object
    name: str


@dataclass(frozen=True)
class ModuleAttribute:
    """A reference to the student's module (the empty path) or a name in it, resolved in the child."""
    path: tuple[str, ...]


REQUESTS = (Load, Call, GetAttr)


def encode(request: Load | Call | GetAttr, persistent_id=None) -> bytes:
    """Pickle a request; `persistent_id` turns proxies of child objects into references."""
    buffer = io.BytesIO()
    pickler = _RequestPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    if persistent_id is not None:
        pickler.persistent_id = persistent_id
    pickler.dump(request)
    return buffer.getvalue()


def decode(payload: bytes, persistent_load, grader_objects: dict | None = None) -> Load | Call | GetAttr:
    """Unpickle a request in the child, resolving references to its own objects, and the grader's own functions and
    classes (`autograder.*`) from `grader_objects`: copies taken before any student code ran."""
    unpickler = _RequestUnpickler(io.BytesIO(payload), grader_objects)
    unpickler.persistent_load = persistent_load
    request = unpickler.load()
    if type(request) not in REQUESTS:
        raise pickle.UnpicklingError(NOT_A_REQUEST.format(kind=type(request).__name__))
    return request


def rebuild_module(kind, state: dict):
    """Unpickle a torch.nn module written by _RequestPickler: fresh empty tables, then its own state."""
    import torch

    module = kind.__new__(kind)
    torch.nn.Module.__init__(module)
    module.__dict__.update(state)
    return module


def rebuild_tensor(array, parameter: bool, requires_grad: bool):
    """Unpickle a tensor written by _RequestPickler."""
    import torch

    tensor = torch.from_numpy(array)
    return torch.nn.Parameter(tensor, requires_grad) if parameter else tensor.requires_grad_(requires_grad)


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


class _RequestUnpickler(pickle.Unpickler):
    def __init__(self, file, grader_objects: dict | None):
        super().__init__(file)
        self.grader_objects = grader_objects

    def find_class(self, module: str, name: str):
        if self.grader_objects is None or not module.startswith("autograder."):
            return super().find_class(module, name)
        try:
            return self.grader_objects[module, name]
        except KeyError:
            raise pickle.UnpicklingError(NOT_SERVED.format(module=module, name=name)) from None
