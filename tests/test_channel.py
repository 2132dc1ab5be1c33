"""Tests of the channel from child to grader: typed messages, bounded parsing, the time budget, capped texts.

The student's module-level code runs in the child's own process, so every byte the grader receives is hostile.
The attacks are performed for real: hostile submissions (hostile/channel_*.py) rewrite the child's encoder from
module-level code, and a fake child writes forged frames straight to the grader's socket. Whatever arrives, the
student loses the points of the call that got it, with a sentence; the grader never crashes, never reports an
sentence blaming itself (feedback.GRADER_FAULT) and never parses more than the caps allow.
"""
import re
import socket
import struct
import threading

import pytest
import torch

from autograder.feedback import StudentFault
from autograder.grading import grade
from autograder.report import ERROR, PASSED
from autograder.sandbox import child as child_side
from autograder.sandbox import requests, wire
from autograder.sandbox.messages import (ANSWER, HELLO, LEFT_OUT, LOAD_ANSWER, MAX_BANNED, MAX_LAYER, MAX_LAYERS,
                                         MAX_MESSAGE, MAX_ANCESTRY, MAX_NAME, MAX_NAMES, MAX_NOTE, MAX_NOTES, MAX_REASON,
                                         MAX_TRACEBACK, Location, Raised)
from autograder.sandbox.remote import StudentCode
from autograder.sandbox.sentences import OVER_BUDGET, STOPPED_AT_BUDGET
from autograder.sandbox.transport import Child, ChildLost
from autograder.sandbox.wire import MAX_ANSWER_BYTES, MAX_HEADER_BYTES, MAX_ITEMS, MAX_TYPE_NAME, BadAnswer
from autograder.sandbox.zygote_messages import Ended
from autograder.submission import Chunk, Submission, load_submission
from conftest import SUBMISSIONS

HOSTILE = SUBMISSIONS / "assignment2" / "hostile"
UNREADABLE_WORDS = "returned something the grader cannot read"
MIB = 2**20


# ---------------------------------------------------------------- messages, read by shape

def received(message: dict):
    """A message as the grader gets it: encoded by the child's encoder, decoded by the allowlist."""
    return wire.load_answer(wire.dump_answer(message, keep=lambda value: 1), lambda handle, kind: ("handle", kind))


def test_what_an_honest_child_sends_reads_as_typed_records():
    server = child_side._Server()
    server.filenames.add("regularization.py")
    try:
        exec(compile("def f():\n    raise ValueError('p must be in [0, 1]')\nf()", "regularization.py", "exec"), {})
    except ValueError as error:
        described = server._describe(error)
    answer = ANSWER.read(received({"raised": described, "banned": ["torch.dropout"]}))
    assert answer.raised == Raised("ValueError", ["ValueError", "Exception", "BaseException", "object"],
                                   "p must be in [0, 1]", answer.raised.traceback, Location("regularization.py", 2))
    assert 'File "regularization.py", line 2' in answer.raised.traceback
    assert answer.banned == ["torch.dropout"] and answer.value is None and answer.unreadable is None
    assert HELLO.read(received({"layers": ["landlock ABI 7", "uid 200123"]}), "hello").layers == \
        ["landlock ABI 7", "uid 200123"]
    loaded = LOAD_ANSWER.read(received({"value": {"notes": ["cell 3 skipped"], "names": ["l1_reg"]}, "banned": []}))
    assert loaded.value.notes == ["cell 3 skipped"] and loaded.value.names == ["l1_reg"]


RAISED = {"type": "ValueError", "ancestry": ["ValueError"], "message": "m", "traceback": "", "where": None}


def loaded(notes=(), names=()) -> dict:
    return {"value": {"notes": list(notes), "names": list(names)}, "banned": []}


def raised(**changes) -> dict:
    return {"raised": {**RAISED, **changes}, "banned": []}


FORGED = {  # name -> (shape, message as decoded, what the refusal says)
    "notes-an-int": (LOAD_ANSWER, {"value": {"notes": 5, "names": []}, "banned": []},
                     "the answer['value']['notes'] is an int, not a list or tuple"),
    "too-many-notes": (LOAD_ANSWER, loaded(["n"] * (MAX_NOTES + 1)), f"holds {MAX_NOTES + 1} items; at most"),
    "note-too-long": (LOAD_ANSWER, loaded(["n" * (MAX_NOTE + 1)]), f"is {MAX_NOTE + 1} characters long"),
    "note-a-list": (LOAD_ANSWER, loaded([["n"]]), "['notes'][0] is a list, not a str"),
    "name-a-number": (LOAD_ANSWER, loaded(names=["l1_reg", 3]), "['names'][1] is an int, not a str"),
    "too-many-names": (LOAD_ANSWER, loaded(names=["n"] * (MAX_NAMES + 1)), f"holds {MAX_NAMES + 1} items"),
    "name-too-long": (LOAD_ANSWER, loaded(names=["n" * (MAX_NAME + 1)]), f"is {MAX_NAME + 1} characters long"),
    "load-value-not-a-mapping": (LOAD_ANSWER, {"value": [1], "banned": []}, "['value'] is a list, not a dict"),
    "load-value-extra-key": (LOAD_ANSWER, {"value": {"notes": [], "names": [], "score": 57}, "banned": []},
                             "has an unexpected 'score'"),
    "layers-missing": (HELLO, {}, "has no 'layers'"),
    "layer-too-long": (HELLO, {"layers": ["l" * (MAX_LAYER + 1)]}, f"is {MAX_LAYER + 1} characters long"),
    "too-many-layers": (HELLO, {"layers": ["l"] * (MAX_LAYERS + 1)}, f"holds {MAX_LAYERS + 1} items"),
    "type-a-number": (ANSWER, raised(type=5), "['type'] is an int, not a str"),
    "type-name-too-long": (ANSWER, raised(type="E" * (MAX_TYPE_NAME + 1)), f"is {MAX_TYPE_NAME + 1} characters"),
    "message-too-long": (ANSWER, raised(message="m" * (MAX_MESSAGE + 1)), f"is {MAX_MESSAGE + 1} characters"),
    "traceback-too-long": (ANSWER, raised(traceback="t" * (MAX_TRACEBACK + 1)), f"is {MAX_TRACEBACK + 1} char"),
    "ancestry-holds-a-number": (ANSWER, raised(ancestry=["ValueError", 3]), "['ancestry'][1] is an int"),
    "ancestry-too-long": (ANSWER, raised(ancestry=["E"] * (MAX_ANCESTRY + 1)), f"holds {MAX_ANCESTRY + 1} items"),
    "ancestry-a-string": (ANSWER, raised(ancestry="ValueError"), "['ancestry'] is a str, not a list or tuple"),
    "where-a-list": (ANSWER, raised(where=["regularization.py", 3]), "['where'] is a list, not a dict"),
    "where-line-negative": (ANSWER, raised(where={"file": "f.py", "line": -1}), "['line'] is out of range"),
    "where-line-a-bool": (ANSWER, raised(where={"file": "f.py", "line": True}), "['line'] is a bool, not an int"),
    "raised-missing-message": (ANSWER, {"raised": {k: v for k, v in RAISED.items() if k != "message"},
                                        "banned": []}, "has no 'message'"),
    "raised-not-a-mapping": (ANSWER, {"raised": "ValueError", "banned": []}, "['raised'] is a str, not a dict"),
    "value-and-raised": (ANSWER, {"value": 1, **raised()}, "holds value and raised"),
    "no-outcome": (ANSWER, {"banned": []}, "holds no outcome"),
    "banned-missing": (ANSWER, {"value": 1}, "has no 'banned'"),
    "banned-a-pair": (ANSWER, {"value": 1, "banned": [("torch.dropout", "dropout")]}, "['banned'][0] is a tuple"),
    "banned-name-a-number": (ANSWER, {"value": 1, "banned": [1]}, "['banned'][0] is an int"),
    "too-many-banned": (ANSWER, {"value": 1, "banned": ["a"] * (MAX_BANNED + 1)},
                        f"holds {MAX_BANNED + 1} items"),
    "unreadable-too-long": (ANSWER, {"unreadable": "u" * (MAX_REASON + 1), "banned": []}, "characters long"),
    "unknown-key": (ANSWER, {"value": 1, "banned": [], "score": 57}, "has an unexpected 'score'"),
    "answer-a-list": (ANSWER, [1], "the answer is a list, not a dict"),
}


@pytest.mark.parametrize("name", list(FORGED))
def test_forged_messages_are_refused_by_shape(name):
    shape, message, says = FORGED[name]
    with pytest.raises(BadAnswer, match=re.escape(says)):
        shape.read(message, "the answer")


# ---------------------------------------------------------------- a forged child at the grader's socket

class FakeZygote:
    """The little of Sandbox that a Child uses: reaping, here of a child that is only a socket."""

    def __init__(self):
        self.reaped = []

    def reap(self, pid: int) -> Ended:
        self.reaped.append(pid)
        return Ended(exit=0)


@pytest.fixture
def forged_child():
    """A Child whose other end is this test: whatever the test writes is what the grader receives."""
    ours, theirs = socket.socketpair()
    wire.send_frame(theirs, wire.dump_answer({"layers": ["test"]}, keep=None))
    zygote = FakeZygote()
    yield Child(zygote, 7, ours), theirs, zygote
    ours.close()
    theirs.close()


def ask(child: Child, frame: bytes, theirs: socket.socket, shape=ANSWER):
    """Send a request and have the forged child answer `frame` (from a thread: it may exceed a socket buffer)."""
    writer = threading.Thread(target=_send_quietly, args=(theirs, frame))
    writer.start()
    try:
        return child.request(requests.encode(requests.GetAttr(requests.ModuleAttribute(()), "LAMBDA")), 10, None, shape)
    finally:
        theirs.shutdown(socket.SHUT_WR)
        writer.join()


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # the grader refused the frame and hung up


def answer_frame(header: bytes, blobs: bytes = b"") -> bytes:
    """A whole frame (length prefix included) whose answer has the JSON `header`."""
    payload = struct.pack("!I", len(header)) + header + blobs
    return struct.pack("!I", len(payload)) + payload


def value_header(tree_json: bytes) -> bytes:
    return b'{"tree": {"$dict": [["value", ' + tree_json + b'], ["banned", []]]}, "blobs": []}'


def test_a_forged_answer_is_read_as_a_record(forged_child):
    child, theirs, _ = forged_child
    answer = ask(child, answer_frame(value_header(b"[1, 2.5]")), theirs)
    assert answer.value == [1, 2.5] and answer.raised is None and answer.banned == []


def test_a_frame_announced_over_the_answer_cap_is_refused_and_its_child_stopped(forged_child):
    child, theirs, zygote = forged_child
    with pytest.raises(ChildLost) as lost:
        ask(child, struct.pack("!I", 128 * MIB) + b"[{}," * 1000, theirs)
    assert lost.value.reason == f"the child announced a frame of {128 * MIB} bytes; the limit is {MAX_ANSWER_BYTES}"
    assert zygote.reaped == [7]


@pytest.mark.parametrize("header, says", [
    pytest.param(b'{"tree": "' + b"x" * MAX_HEADER_BYTES + b'", "blobs": []}', "structure of 4.0 MiB is over",
                 id="header-over-its-cap"),
    pytest.param(value_header(b"[" + b"[]," * MAX_ITEMS + b"[]]"), f"too many items (more than {MAX_ITEMS})",
                 id="items-over-their-cap"),
    pytest.param(value_header(b"[" * 2_000_000 + b"]" * 2_000_000), "too many items", id="nesting-2-million-deep"),
])
def test_answers_over_a_cap_are_refused_before_they_are_parsed(forged_child, monkeypatch, header, says):
    child, theirs, zygote = forged_child
    parsed = []
    monkeypatch.setattr(wire.json, "loads", lambda *args, **kwargs: parsed.append(args))
    with pytest.raises(ChildLost, match=re.escape(says)):
        ask(child, answer_frame(header), theirs)
    assert parsed == [] and zygote.reaped == [7]


def test_nesting_within_the_item_cap_stops_in_the_parser(forged_child):
    child, theirs, _ = forged_child
    with pytest.raises(ChildLost, match="RecursionError"):
        ask(child, answer_frame(value_header(b"[" * 100_000 + b"]" * 100_000)), theirs)


def test_a_forged_hello_is_refused():
    ours, theirs = socket.socketpair()
    wire.send_frame(theirs, wire.dump_answer({"layers": 5}, keep=None))
    zygote = FakeZygote()
    with pytest.raises(ChildLost, match=re.escape("the answer['layers'] is an int, not a list or tuple")):
        Child(zygote, 9, ours)
    assert zygote.reaped == [9]
    theirs.close()


def test_a_handle_in_a_load_answer_is_refused(forged_child):
    child, theirs, _ = forged_child
    names = b'[{"$handle": 1, "type": "builtins.str"}]'  # where an honest child sends strings
    header = value_header(b'{"$dict": [["notes", []], ["names", ' + names + b"]]}")
    with pytest.raises(ChildLost, match="a handle to an object where only data belongs"):
        ask(child, answer_frame(header), theirs, LOAD_ANSWER)


# ---------------------------------------------------------------- hostile submissions, end to end

def results_of(report, function: str):
    return [result for result in report.results if result.function == function]


def assert_nothing_blamed_on_the_grader(report):
    errors = [result.feedback for result in report.results if result.status == ERROR]
    assert errors == []
    assert all(isinstance(note, str) for note in report.notes)


def test_forged_load_answer_costs_every_test_with_a_sentence(attack2, assignment2):
    from autograder.grading import list_tests

    report = attack2(HOSTILE / "channel_forged_load.py")
    assert_nothing_blamed_on_the_grader(report)
    assert [result.name for result in report.results] == [test.name for test in list_tests(assignment2)]
    assert {result.status for result in report.results} == {"failed"}
    assert all("channel_forged_load.py could not be loaded" in result.feedback and UNREADABLE_WORDS in result.feedback
               and "['notes'] is an int" in result.feedback for result in report.results)


FORGED_PROBES = {  # function -> what the refusal of its forged probe answer says
    "l1_reg": "['gradients'] is a str, not a list or tuple",  # of answer[0]: five models in one round trip
    "dropout": "the answer['arguments'] holds 0 items instead of 2",
    "Dropout": "the answer is a str, not a bool",
    "regularized_loss": "the answer['parameters'][0] is an int, not a Tensor",
}


def test_forged_probe_answers_cost_their_tests_with_a_sentence(attack2):
    report = attack2(HOSTILE / "channel_forged_probes.py")
    assert_nothing_blamed_on_the_grader(report)
    assert {result.status for result in results_of(report, "l2_reg")} == {PASSED}
    for function, says in FORGED_PROBES.items():
        feedback = [result.feedback for result in results_of(report, function)]
        assert any(UNREADABLE_WORDS in text and says in text for text in feedback), (function, feedback)


@pytest.mark.parametrize("name, timeout, says", [
    ("channel_forged_messages", 3.0, {"l1_reg": "holds value and raised", "dropout": "is 10000 characters long",
                                 "Dropout": "is a list, not a str",
                                 "regularized_loss": "has an unexpected 'line'"}),
    ("channel_huge_frames", 10.0, {"l1_reg": f"bytes; the limit is {MAX_ANSWER_BYTES}",
                             "dropout": "too many items", "Dropout": "RecursionError",
                             "regularized_loss": "data blob is missing or read twice"}),
])
def test_forged_answers_cost_only_the_functions_that_sent_them(attack2, name, timeout, says):
    report = attack2(HOSTILE / f"{name}.py", timeout)  # long enough for the child to build a 128 MiB frame
    assert_nothing_blamed_on_the_grader(report)
    assert {result.status for result in results_of(report, "l2_reg")} == {PASSED}
    for function, refusal in says.items():
        results = results_of(report, function)
        assert PASSED not in {result.status for result in results}, function
        assert any(UNREADABLE_WORDS in result.feedback and refusal in result.feedback for result in results), \
            (function, [result.feedback for result in results])


# ---------------------------------------------------------------- the time budget

def test_a_submission_that_crashes_every_child_costs_its_budget_not_more(assignment2, sandbox, tmp_path,
                                                                         monkeypatch):
    source = (HOSTILE / "channel_slow_load_crash.py").read_text()
    assert "LOAD_SECONDS = 9.0" in source
    path = tmp_path / "regularization.py"
    path.write_text(source.replace("LOAD_SECONDS = 9.0", "LOAD_SECONDS = 0.5"))
    spawned = []
    real_spawn = sandbox.spawn
    monkeypatch.setattr(sandbox, "spawn", lambda: spawned.append(1) or real_spawn())
    report = grade(assignment2, path, sandbox=sandbox, timeout=2.0, budget=3.0)
    assert_nothing_blamed_on_the_grader(report)
    assert PASSED not in {result.status for result in report.results}
    # Each child costs at least its 0.5 s load: without loads counted, every test would spawn one (35 here).
    assert len(spawned) <= 3.0 / 0.5 + 1 < len(report.results)
    assert report.results[-1].feedback.endswith(OVER_BUDGET.split("{call}")[1].format(budget=3.0))


def test_a_submission_that_crashes_every_load_is_loaded_once(assignment2, sandbox, tmp_path, monkeypatch):
    path = tmp_path / "regularization.py"
    path.write_text("import os\nos._exit(1)\n")
    spawned = []
    real_spawn = sandbox.spawn
    monkeypatch.setattr(sandbox, "spawn", lambda: spawned.append(1) or real_spawn())
    report = grade(assignment2, path, sandbox=sandbox, timeout=2.0, budget=3.0)
    assert_nothing_blamed_on_the_grader(report)
    assert len(spawned) == 1
    assert all("could not be loaded" in result.feedback and "ended the Python process" in result.feedback
               for result in report.results)


def student_code(sandbox, tmp_path, source: str, **limits) -> StudentCode:
    path = tmp_path / "regularization.py"
    path.write_text(source)
    return StudentCode(sandbox, load_submission(path), "regularization", **limits)


def test_loading_counts_against_the_budget(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "import time\ntime.sleep(0.4)\nLAMBDA = 0.5\n", budget=60.0)
    assert student.LAMBDA == 0.5
    assert student.budget.spent >= 0.4


def test_a_load_waits_no_longer_than_the_budget_left(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "import time\ntime.sleep(30)\n", timeout=10.0, budget=1.0)
    with pytest.raises(StudentFault) as stopped:
        student.attribute("l1_reg")
    assert str(stopped.value) == STOPPED_AT_BUDGET.format(call="loading regularization.py", budget=1.0)
    assert student.load_failure is None  # the budget ran out; nothing is wrong with the file as such
    assert 1.0 <= student.budget.spent < student.budget.timeout
    with pytest.raises(StudentFault, match="was not run: your code already used the 1 s"):
        student.attribute("l2_reg")


def test_a_call_stopped_by_the_budget_says_so(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "def spin():\n    while True:\n        pass\n", timeout=10.0,
                           budget=1.0)
    with pytest.raises(StudentFault) as stopped:
        student.spin()
    assert str(stopped.value) == STOPPED_AT_BUDGET.format(call="spin()", budget=1.0)
    assert student.budget.given_up == {}  # it was the budget, not a verdict on spin


def test_handles_of_a_crashed_child_are_refused_without_starting_another(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "import os\nclass Box:\n    pass\ndef crash():\n    os._exit(3)\n"
                                              "def size(box):\n    return 1\n")
    box, size = student.Box(), student.size
    with pytest.raises(StudentFault, match="ended the Python process"):
        student.crash()
    with pytest.raises(StudentFault, match="was lost when an earlier call ended the Python process"):
        size(box)
    assert student.generation == 1


# ---------------------------------------------------------------- what is stored is capped at the source

LONG_TEXTS = '''
import sys

Huge = type("H" * 100_000, (Exception,), {})
globals().update({f"name_{i}": i for i in range(20_000)})
globals()["x" * 10_000] = 1


def l1_reg(model):
    raise ValueError("v" * 1_000_000)


def l2_reg(model):
    raise Huge("h")


def dropout(x, p, training=True):
    sys.exit("s" * 1_000_000)
'''


def test_texts_from_the_child_are_capped_before_they_are_stored(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, LONG_TEXTS)
    sentences = []
    for call in (lambda: student.l1_reg(None), lambda: student.l2_reg(None), lambda: student.dropout(None, 0.5)):
        with pytest.raises(StudentFault) as fault:
            call()
        sentences.append(str(fault.value))
    assert all(len(sentence) < MAX_MESSAGE + MAX_TYPE_NAME + 400 for sentence in sentences), map(len, sentences)
    assert "ValueError: vvv" in sentences[0] and "HHH" in sentences[1] and "sys.exit(sss" in sentences[2]
    assert len(student.names) == MAX_NAMES and "l1_reg" in student.names
    assert max(map(len, student.names)) <= MAX_NAME


def test_notes_are_capped_in_count_and_length(sandbox, tmp_path):
    chunks = tuple(Chunk(f"raise ValueError('{i} ' + 'v' * 5000)", f"regularization.ipynb, cell {i}", 1, True,
                         "") for i in range(100))
    student = StudentCode(sandbox, Submission(tmp_path / "regularization.ipynb", chunks, (), None), "regularization")
    with pytest.raises(StudentFault):
        student.attribute("l1_reg")
    assert len(student.notes) == MAX_NOTES
    assert student.notes[-1] == LEFT_OUT.format(count=100 - MAX_NOTES + 1)
    assert all(len(note) <= MAX_NOTE for note in student.notes) and "cell 0" in student.notes[0]


def test_notes_forged_past_the_child_caps_are_refused(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "from autograder.sandbox import messages\n"
                                              "messages.capped_notes = lambda notes: ['n'] * 10_000\n")
    with pytest.raises(StudentFault, match=re.escape(f"holds 10000 items; at most {MAX_NOTES} are accepted")):
        student.attribute("l1_reg")
    assert student.notes == [] and UNREADABLE_WORDS in student.load_failure


def test_an_honest_answer_over_the_cap_gets_a_sentence_and_keeps_its_child(sandbox, tmp_path):
    student = student_code(sandbox, tmp_path, "import torch\ndef big():\n    return torch.zeros(5_000_000)\n"
                                              "def small():\n    return torch.ones(2)\n")
    with pytest.raises(StudentFault) as fault:
        student.big()
    assert str(fault.value) == (f"big() {UNREADABLE_WORDS} (an answer of 19.1 MiB is over the "
                                f"{MAX_ANSWER_BYTES / MIB:.1f} MiB limit).")
    assert torch.equal(student.small(), torch.ones(2)) and student.generation == 1
