"""Tests of the sandbox's boundary as split by job: typed requests, the zygote's typed control messages, the
child-side compile step, course folders.

Requests are encoded with requests.encode, as the grader does, and decoded with requests.decode, as the child
does; a payload that is not one of the three request kinds is refused on arrival. Control messages are refused
the same way at both ends of the zygote's socket: by the zygote's own loop, and by a grader whose forged zygote
answers out of turn.
"""
import os
import pickle
import socket
import stat
import subprocess
import sys

import pytest
import torch

from autograder.sandbox import control, requests, zygote_messages
from autograder.sandbox.chunks import compile_chunk
from autograder.sandbox.control import Sandbox, SandboxError
from autograder.sandbox.course_folders import hidden_folders
from autograder.sandbox.requests import Call, GetAttr, Load, ModuleAttribute, decode, encode
from autograder.sandbox.zygote import SPAWN_WITHOUT_SOCKET, Zygote
from autograder.sandbox.zygote_messages import (NOT_A_MESSAGE, UNEXPECTED_KIND, WRONG_FIELDS, Config, ControlError,
                                                Ended, Quit, Ready, Reap, Spawn, Spawned)
from autograder.submission import Chunk, load_submission
from conftest import PROJECT


class Proxy:
    """The grader's stand-in for an object that lives in the child."""

    def __init__(self, id):
        self.id = id


class Thing:
    """An object of the child's own."""


def no_reference(reference):
    pytest.fail(f"no reference was sent, yet {reference!r} arrived")


# ---------------------------------------------------------------- typed requests

def test_a_call_carries_references_to_child_objects_not_the_objects():
    in_the_child = {7: torch.nn.Linear(2, 1), 8: Thing()}
    request = Call("l1_reg", (Proxy(7), [Proxy(8), Proxy(7)], torch.ones(2)), {"lam": 0.5}, seed=3)
    payload = encode(request, persistent_id=lambda obj: ("ref", obj.id) if isinstance(obj, Proxy) else None)
    assert b"Proxy" not in payload  # only the reference travels

    def persistent_load(reference):
        kind, id = reference
        assert kind == "ref"
        return in_the_child[id]

    loaded = decode(payload, persistent_load)
    assert type(loaded) is Call and loaded.target == "l1_reg" and loaded.kwargs == {"lam": 0.5} and loaded.seed == 3
    assert loaded.args[0] is in_the_child[7]
    assert loaded.args[1][0] is in_the_child[8] and loaded.args[1][1] is in_the_child[7]
    assert torch.equal(loaded.args[2], torch.ones(2))


def test_a_load_without_references_is_a_plain_pickle_of_its_record():
    chunk = Chunk("LAMBDA = 0.5", "regularization.py", 1, False, "LAMBDA = 0.5\n", binds=("LAMBDA",))
    request = Load("regularization", (chunk,), ("torch.nn.Dropout",), 3.0)
    payload = encode(request)
    assert pickle.loads(payload) == request
    assert decode(payload, no_reference) == request


def test_a_name_in_the_module_travels_as_an_attribute_reference():
    request = GetAttr(ModuleAttribute(("Dropout",)), "forward")
    payload = encode(request, lambda obj: ("attr", obj.path) if type(obj) is ModuleAttribute else None)
    assert b"ModuleAttribute" not in payload
    assert decode(payload, lambda reference: reference) == GetAttr(("attr", ("Dropout",)), "forward")


@pytest.mark.parametrize("payload", [
    pickle.dumps({"op": "call", "target": print, "args": (), "kwargs": {}}),  # the untyped form of before
    pickle.dumps(("load", "regularization")),
    pickle.dumps(None),
], ids=["dict", "tuple", "none"])
def test_the_child_refuses_anything_but_a_typed_request(payload):
    with pytest.raises(pickle.UnpicklingError, match="which the child does not serve"):
        decode(payload, no_reference, {})


def test_the_child_serves_only_the_grader_objects_it_copied_before_student_code():
    served = {(requests.__name__, "GetAttr"): GetAttr}  # Call is not among them
    assert decode(encode(GetAttr(1, "x")), no_reference, served) == GetAttr(1, "x")
    with pytest.raises(pickle.UnpicklingError, match=r"autograder\.sandbox\.requests\.Call, which the child does not"):
        decode(encode(Call(len, ((),), {})), no_reference, served)


def test_tensors_travel_as_arrays_and_come_back_as_tensors():
    parameter = torch.nn.Parameter(torch.arange(3.0))
    request = Call(len, (parameter, torch.zeros(2, dtype=torch.int64)), {})
    payload = encode(request)
    assert b"torch._utils" not in payload  # not torch's own reduction
    loaded = decode(payload, no_reference)
    assert type(loaded.args[0]) is torch.nn.Parameter and torch.equal(loaded.args[0], parameter)
    assert loaded.args[1].dtype == torch.int64


# ---------------------------------------------------------------- the zygote's control messages

CONTROL_MESSAGES = [
    Config(hidden=("/course/reference",), readable=("/course/autograder",), memory_bytes=2**30, scratch="/tmp/s",
           font_cache="/root/.cache/matplotlib"),
    Ready(notes=("no seccomp here",), cgroups=("/sys/fs/cgroup/memory/grade-1",)), Spawn(), Spawned(pid=7),
    Reap(pid=7), Ended(signal=9, out_of_memory="768 MiB"), Ended(exit=0), Quit(),
]


@pytest.mark.parametrize("message", CONTROL_MESSAGES, ids=lambda message: type(message).__name__)
def test_a_control_message_arrives_as_the_record_it_was(message):
    assert zygote_messages.decode(zygote_messages.encode(message), type(message)) == message


@pytest.mark.parametrize("packet, expected, says", [
    (b'{"op": "spawn"}', (Spawn, Reap, Quit), NOT_A_MESSAGE.format(packet=b'{"op": "spawn"}')),  # the untyped form
    (b"spawn", (Spawn,), NOT_A_MESSAGE.format(packet=b"spawn")),
    (b'["Spawn"]', (Spawn,), NOT_A_MESSAGE.format(packet=b'["Spawn"]')),
    (b'{"kind": "Ready", "notes": [], "cgroups": []}', (Spawn, Reap, Quit),
     UNEXPECTED_KIND.format(kind="Ready", expected="Spawn or Reap or Quit")),
    (b'{"kind": "Pickle", "data": "gASV"}', (Ended,), UNEXPECTED_KIND.format(kind="Pickle", expected="Ended")),
], ids=["untyped", "not-json", "not-an-object", "kind-of-the-other-end", "unknown-kind"])
def test_a_control_packet_off_the_expected_kinds_is_refused(packet, expected, says):
    with pytest.raises(ControlError) as refused:
        zygote_messages.decode(packet, *expected)
    assert str(refused.value) == says


@pytest.mark.parametrize("packet, wrong", [
    (b'{"kind": "Reap"}', "missing 1 required positional argument: 'pid'"),
    (b'{"kind": "Reap", "pid": 7, "signal": 9}', "got an unexpected keyword argument 'signal'"),
], ids=["missing", "unknown"])
def test_a_control_message_with_the_wrong_fields_is_refused(packet, wrong):
    with pytest.raises(ControlError) as refused:
        zygote_messages.decode(packet, Reap)
    assert str(refused.value).startswith(WRONG_FIELDS.format(kind="Reap", error="")[:-1]) and wrong in str(refused.value)


@pytest.fixture
def serving_zygote():
    """A zygote's loop on a socket whose other end is the test, with nothing to confine: no child is ever forked."""
    grader, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    yield Zygote(theirs, None, None, None, {}, (None, None, None)), grader
    grader.close()
    theirs.close()


def test_the_zygote_refuses_a_message_that_is_not_the_graders(serving_zygote):
    zygote, grader = serving_zygote
    grader.send(zygote_messages.encode(Spawned(pid=1)))
    with pytest.raises(ControlError) as refused:
        zygote.run()
    assert str(refused.value) == UNEXPECTED_KIND.format(kind="Spawned", expected="Spawn or Reap or Quit")
    assert zygote.children == {}


def test_the_zygote_refuses_a_spawn_without_the_childs_socket(serving_zygote):
    zygote, grader = serving_zygote
    grader.send(zygote_messages.encode(Spawn()))
    with pytest.raises(ControlError) as refused:
        zygote.run()
    assert str(refused.value) == SPAWN_WITHOUT_SOCKET and zygote.children == {}


FORGED_ZYGOTE = ("import socket, sys; control = socket.socket(fileno=int(sys.argv[1])); control.recv(65536); "
                 "control.send(b'{\"kind\": \"Spawned\", \"pid\": 1}'); control.recv(65536)")


def test_the_grader_refuses_a_zygote_that_answers_out_of_turn(monkeypatch):
    """A zygote that answers its Config with a Spawned instead of Ready: a grading error, said as such."""
    monkeypatch.setattr(control, "ZYGOTE_COMMAND", ("-c", FORGED_ZYGOTE))
    with Sandbox() as sandbox:
        with pytest.raises(SandboxError) as refused:
            sandbox.notes  # noqa: B018
    assert str(refused.value) == "the sandbox sent " + UNEXPECTED_KIND.format(kind="Spawned", expected="Ready")
    assert sandbox.process.returncode == 0  # told to quit, it did


def test_the_control_messages_import_no_torch():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys; import autograder.sandbox.zygote_messages; print(' '.join(sys.modules))"],
        cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    assert "torch" not in imported and "numpy" not in imported


# ---------------------------------------------------------------- the child-side compile step

def test_the_child_imports_nothing_of_reading_submissions():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys; import autograder.sandbox.child; print(' '.join(sorted(sys.modules)))"],
        cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    assert "autograder.sandbox.chunks" in imported
    assert "autograder.submission" not in imported and "symtable" not in imported and "nbformat" not in imported


def test_chunks_cut_by_submission_compile_at_their_own_lines_on_the_child_side(tmp_path):
    path = tmp_path / "regularization.py"
    path.write_text("import math\n\n\ndef l1_reg(w):\n    raise ValueError(w)\n")
    chunks = load_submission(path).chunks
    namespace = {}
    for chunk in chunks:
        exec(compile_chunk(chunk), namespace)
    with pytest.raises(ValueError) as raised:
        namespace["l1_reg"](1)
    assert raised.traceback[-1].lineno + 1 == 5  # pytest counts lines from 0
    assert "raise ValueError(w)" in str(raised.traceback[-1])


# ---------------------------------------------------------------- the course folders

def course_folders(tmp_path, mode=0o755):
    """A course graded from a copy, the installed course with its history, and a class's folder to grade in."""
    course, installed, classroom = tmp_path / "copy", tmp_path / "installed", tmp_path / "class"
    for folder in (course / "reference", installed / "reference", installed / ".git", installed / "assignments",
                   classroom):
        folder.mkdir(parents=True)
    for folder in (course, installed, *course.iterdir(), *installed.iterdir(), classroom):
        folder.chmod(mode)
    return course, installed, classroom


def test_the_view_hides_the_secrets_the_installed_course_and_the_current_folder(tmp_path, monkeypatch):
    course, installed, classroom = course_folders(tmp_path)
    monkeypatch.chdir(classroom)
    hidden = hidden_folders(course, installed)
    assert hidden == sorted([course / "reference", installed / "reference", installed / ".git", installed,
                             classroom])  # `course` has no assignments folder: not a course folder itself
    assert not (course / ".git").exists()  # a secret folder that is not there is neither made nor hidden


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root grader drops its children to other uids")
def test_as_root_the_secret_folders_are_kept_from_other_users(tmp_path, monkeypatch):
    course, installed, classroom = course_folders(tmp_path, mode=0o775)
    monkeypatch.chdir(classroom)
    hidden_folders(course, installed)
    for secret in (course / "reference", installed / "reference", installed / ".git"):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o700, secret
    assert stat.S_IMODE(installed.stat().st_mode) == 0o775  # hidden by the view, but its public files stay shared
    assert stat.S_IMODE(classroom.stat().st_mode) == 0o775


def test_a_grader_that_is_not_root_changes_no_permissions(tmp_path, monkeypatch):
    course, installed, classroom = course_folders(tmp_path, mode=0o755)
    monkeypatch.chdir(classroom)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    hidden_folders(course, installed)
    assert stat.S_IMODE((course / "reference").stat().st_mode) == 0o755


def test_a_current_folder_that_was_deleted_hides_nothing(tmp_path, monkeypatch):
    course, installed, classroom = course_folders(tmp_path)
    monkeypatch.chdir(classroom)
    classroom.rmdir()
    assert classroom not in hidden_folders(course, installed)
