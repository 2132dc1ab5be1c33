"""The sandboxed child's confinement, attacked and used honestly through the real grader.

What the child may read (never a classmate's file, feedback already written, the course's files
or the grader's current folder), what it inherits (never the grader's environment or secrets),
limits that hold for all of a submission's processes together (cgroups), the system calls it is
denied (seccomp), and what honest code needs (matplotlib, tqdm, torch.optim, threads) that keeps
working. The hostile submissions are tests/submissions/assignment2/hostile/confine_*.py; their
docstrings say what each attempts.
"""
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
import torch.nn as nn

from autograder.feedback import StudentFault, describe_call
from autograder.report import PASSED
from autograder.sandbox import cgroups, control, layers, seccomp, zygote
from autograder.sandbox.control import Sandbox
from autograder.sandbox.course_folders import start_sandbox
from autograder.sandbox.environment import child_environment
from autograder.sandbox.remote import StudentCode
from autograder.sandbox.sentences import OUT_OF_SUBMISSION_MEMORY
from autograder.submission import load_submission
from conftest import PROJECT, SUBMISSIONS

HOSTILE = SUBMISSIONS / "assignment2" / "hostile"
REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
SECRET_NAME = "GRADER_SECRET_TOKEN"
DENIED = ("FileNotFoundError", "PermissionError", "ModuleNotFoundError", "NotADirectoryError")


@dataclass
class Classroom:
    """A folder of submissions graded from inside it, with a secret in the grader's environment."""
    folder: Path
    secret: str
    sandbox: Sandbox


@pytest.fixture(scope="module")
def classroom(course, tmp_path_factory):
    """Two students' folders, a classmate's module and feedback already written; the sandbox is started from
    inside that folder while the grader's environment holds a secret."""
    folder = tmp_path_factory.mktemp("classroom")
    (folder / "alice").mkdir()
    (folder / "bob").mkdir()
    shutil.copy(REFERENCE, folder / "bob" / "regularization.py")
    (folder / "classmate.py").write_text("ANSWER = 'bob solved it'\n")
    (folder / "feedback.md").write_text("# bob: 57/57\n")
    secret, cwd = secrets.token_hex(16), os.getcwd()
    os.environ[SECRET_NAME] = secret
    os.chdir(folder)
    try:
        sandbox = start_sandbox(course)
        sandbox.notes  # noqa: B018 -- started for real while the secret is set and the cwd is the classroom
    finally:
        os.chdir(cwd)
        del os.environ[SECRET_NAME]
    yield Classroom(folder, secret, sandbox)
    sandbox.close()


def student_code(sandbox: Sandbox, path: Path, timeout: float = 20.0) -> StudentCode:
    return StudentCode(sandbox, load_submission(path), "regularization", timeout=timeout, budget=300.0)


def layers_of(student: StudentCode) -> list[str]:
    student.attribute("l1_reg")  # starts the child
    return student.layers


# ------------------------------------------------------------------------------------------ what it may read

def spied_paths(classroom: Classroom, course: Path) -> list[Path]:
    return [classroom.folder / "bob" / "regularization.py", classroom.folder / "classmate.py",
            classroom.folder / "feedback.md", classroom.folder, course / "assignments" / "assignment2",
            course / "reference" / "assignment2" / "regularization.py", PROJECT / "tests" / "submissions",
            PROJECT / "assignments" / "assignment2" / "assignment.toml", PROJECT / "reference", PROJECT]


def test_classmates_feedback_and_course_cannot_be_imported_or_read(classroom, course):
    student = student_code(classroom.sandbox, HOSTILE / "confine_classmates.py")
    paths = spied_paths(classroom, course)
    seen = student.spy([str(path) for path in paths] + [str(PROJECT / "autograder")])
    student.close()
    assert seen["import classmate"] == "ModuleNotFoundError"
    assert not {str(path): seen[str(path)] for path in paths if seen[str(path)] not in DENIED}
    assert "assignments.py" in seen[str(PROJECT / "autograder")]  # the grader's own package stays readable
    assert not [entry for entry in seen["sys.path"] if entry in ("", str(classroom.folder), str(PROJECT))]


FORKED_SPY = """
import json, os, sys
sys.path.insert(0, {project!r})
import torch
from pathlib import Path
from autograder.sandbox.course_folders import start_sandbox
from autograder.sandbox.remote import StudentCode
from autograder.submission import load_submission
os.chdir({folder!r})
with start_sandbox(Path({course!r}), fork=True) as sandbox:
    def spy(name, *args):
        student = StudentCode(sandbox, load_submission(Path({hostile!r}) / name), "regularization", timeout=20)
        try:
            return student.spy(*args)
        finally:
            student.close()
    print(json.dumps({{"read": spy("confine_classmates.py", {paths!r}),
                      "environment": spy("confine_environment.py", {secret_name!r})}}))
"""


def test_a_forked_zygote_hides_the_same_and_passes_on_no_secret(classroom, course):
    """Batch workers fork their zygote: one whose initial environment block holds the secret, started in the
    classroom folder, must hide the same files and pass the secret on through no environment route."""
    paths = [str(path) for path in spied_paths(classroom, course)]
    script = FORKED_SPY.format(project=str(PROJECT), folder=str(classroom.folder), course=str(course),
                               hostile=str(HOSTILE), paths=paths, secret_name=SECRET_NAME)
    # Its command line names the classroom too, as a batch worker's names the class's folder.
    run = subprocess.run([sys.executable, "-c", script, str(classroom.folder)], capture_output=True, text=True,
                         timeout=240, env={**os.environ, SECRET_NAME: classroom.secret})
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["read"]["import classmate"] == "ModuleNotFoundError"
    assert not {path: seen["read"][path] for path in paths if seen["read"][path] not in DENIED}
    environment = seen["environment"]
    routes = [environment["environ"], environment["proc self environ"], environment["proc environ"]]
    assert classroom.secret not in json.dumps(routes)  # its heap is the worker's: the batch sanitizes that
    assert SECRET_NAME not in environment["environ"]
    assert str(classroom.folder) not in json.dumps([environment["argv"], environment["cmdline"]])


def test_hidden_folders_are_cut_out_of_readable_ones(tmp_path):
    """A readable folder holding a hidden one is replaced by its other entries, recursively; what is named
    readable inside the hidden folder stays readable (a venv inside the course folder); links into it are dropped."""
    course = tmp_path / "course"
    for folder in ("secret/keep", "secret/answers", "sibling/inner", "other"):
        (course / folder).mkdir(parents=True)
    (course / "notes.txt").write_text("fine")
    (course / "shortcut").symlink_to(course / "secret" / "answers")
    view = layers.view(layers.Confinement(scratch=tmp_path, readable=(course, course / "secret" / "keep"),
                                          hidden=(course / "secret",)))
    inside = {path for path in view.paths if path.startswith(str(course))}
    assert inside == {str(course / name) for name in ("notes.txt", "sibling", "other", "secret/keep")}


def test_layer_phrases_and_notes_name_no_path(classroom):
    student = student_code(classroom.sandbox, HOSTILE / "confine_classmates.py")
    shown = layers_of(student) + classroom.sandbox.notes
    student.close()
    assert shown
    assert not [text for text in shown if "/" in text.replace("/proc", "")]


# ------------------------------------------------------------------------------------- what it inherits

def test_no_secret_of_the_grader_reaches_the_child(classroom):
    student = student_code(classroom.sandbox, HOSTILE / "confine_environment.py", timeout=60.0)
    seen = student.spy(SECRET_NAME)
    student.close()
    assert classroom.secret not in json.dumps(seen)
    home = Path(seen["environ"]["HOME"])
    assert seen["environ"] == child_environment(home)
    # The block the zygote was started with is blanked; after a uid drop the kernel does not even show it.
    assert seen["proc self environ"].strip("\0") in ("", "PermissionError")
    assert seen["memory"] and seen["scanned bytes"] > 50 * 2**20  # the scan found its needle, in torch's memory


# ------------------------------------------------------------------------------------- honest code

HONEST_PREAMBLE = """import matplotlib.pyplot as plt
from tqdm import tqdm
from tqdm.auto import tqdm as auto_tqdm

try:
    from google.colab import drive
    drive.mount("/content/drive")
except ImportError:
    pass

_xs = [x / 10 for x in range(-20, 21)]
plt.plot(_xs, [abs(x) for x in _xs], label="L1")
plt.plot(_xs, [x * x for x in _xs], label="L2")
plt.legend()
plt.title("penalties")
plt.savefig("penalties.png")
plt.close()
"""
HONEST_EDITS = {
    # tqdm around the loops of l1_reg and l2_reg
    "    for param in model.parameters():\n        l1 = l1 + param.abs().sum()":
        "    for param in tqdm(list(model.parameters()), desc='l1', leave=False):\n        l1 = l1 + param.abs().sum()",
    "    for param in model.parameters():\n        l2 = l2 + param.pow(2).sum()":
        "    fig, ax = plt.subplots()\n    ax.plot([0, 1], [1, 0])\n    ax.set_title('l2')\n"
        "    fig.savefig('l2.png')\n    plt.close(fig)\n"
        "    for param in auto_tqdm(list(model.parameters()), leave=False):\n        l2 = l2 + param.pow(2).sum()",
    # a sanity check with torch's optimizers on a throwaway tensor: no random numbers drawn
    "    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)":
        "    probe = torch.zeros(2, requires_grad=True)\n"
        "    for optimizer in (torch.optim.SGD([probe], lr=0.1), torch.optim.Adam([probe], lr=0.1)):\n"
        "        optimizer.zero_grad()\n        (probe - 1).pow(2).sum().backward()\n        optimizer.step()\n"
        "    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)",
}


def test_matplotlib_tqdm_colab_and_optimizers_grade_the_same(grade2, tmp_path):
    source = REFERENCE.read_text()
    for old, new in HONEST_EDITS.items():
        assert old in source
        source = source.replace(old, new)
    honest = grade2(HONEST_PREAMBLE + source, timeout=10.0)
    plain = grade2(REFERENCE, timeout=10.0)

    def outcome(report):
        return [(result.name, result.status, result.score, result.feedback) for result in report.results]
    assert outcome(honest) == outcome(plain)
    assert {result.status for result in honest.results} == {PASSED}
    assert not honest.notes or not [note for note in honest.notes if "matplotlib" in note.lower()]


THREADS_AND_PLOTS = '''
import os
import threading

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset


def work():
    torch.set_num_threads(2)
    a = torch.rand(600, 600)
    product = float((a @ a).sum())
    done = []
    worker = threading.Thread(target=lambda: done.append(float(np.linalg.norm(np.ones((50, 50))))))
    worker.start()
    worker.join()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    fig.savefig("plot.png")
    batches = DataLoader(TensorDataset(torch.arange(20.0)), batch_size=5, num_workers=2)  # worker processes
    return {"threads": torch.get_num_threads(), "product": product > 0, "thread": done,
            "batches": [float(batch[0].sum()) for batch in batches],
            "backend": matplotlib.get_backend().lower(), "config": matplotlib.get_configdir(),
            "home": os.environ["HOME"]}
'''


def test_threads_dataloader_workers_numpy_and_matplotlib_work_under_every_layer(sandbox, tmp_path):
    path = tmp_path / "regularization.py"
    path.write_text(THREADS_AND_PLOTS)
    student = student_code(sandbox, path)
    result = student.work()
    applied = student.layers
    student.close()
    assert result["threads"] == 2 and result["product"] and result["thread"] == [50.0]
    assert result["batches"] == [10.0, 35.0, 60.0, 85.0]
    assert result["backend"] == "agg"
    assert result["config"] == result["home"] + "/.config/matplotlib"  # in its own scratch, never the grader's
    assert any(phrase == seccomp.PHRASE for phrase in applied) == (seccomp.obstacle() is None)


FONT_LIST_USE = '''
import glob
import os


def font_list():
    listed = sorted(glob.glob(os.path.join(os.environ["MPLCONFIGDIR"], "fontlist-v*.json")))
    before = [os.stat(path).st_mtime_ns for path in listed]
    import matplotlib.pyplot as plt

    plt.figure()
    plt.title("fonts")
    plt.savefig("fonts.png")
    return {"names": [os.path.basename(path) for path in listed], "rewritten": before != [
        os.stat(path).st_mtime_ns for path in listed]}
'''


def test_matplotlibs_font_list_is_built_once_and_copied_into_each_child(tmp_path, monkeypatch):
    """Building the list scans every font on the machine: the zygote has it built once in the grader's matplotlib
    cache (here an empty one), and every child gets a copy that matplotlib uses as it is."""
    cache = tmp_path / "matplotlib-cache"
    monkeypatch.setenv("MPLCONFIGDIR", str(cache))
    path = tmp_path / "regularization.py"
    path.write_text(FONT_LIST_USE)
    with Sandbox() as sandbox:
        sandbox.notes  # noqa: B018 -- the zygote is ready, the list built
        built = sorted(entry.name for entry in cache.glob("fontlist-v*.json"))
        answers = []
        for _ in range(2):
            student = student_code(sandbox, path)
            answers.append(student.font_list())
            student.close()
    assert built and answers == [{"names": built, "rewritten": False}] * 2


# ------------------------------------------------------------------------------ limits for the whole submission

def cgroup_or_skip(student: StudentCode) -> str:
    phrase = next((phrase for phrase in layers_of(student) if phrase.startswith("cgroup:")), None)
    if phrase is None:
        pytest.skip(f"no cgroup on this machine: {student.sandbox.notes}")
    return phrase


def test_the_submission_has_one_cgroup_for_all_its_processes(sandbox):
    student = student_code(sandbox, HOSTILE / "confine_limits.py")
    assert cgroup_or_skip(student) == cgroups.PHRASE.format(memory="768 MiB", processes=64)
    student.close()


def test_forked_processes_share_one_memory_limit(sandbox):
    """Four processes of 300 MiB each fit any per-process limit; together they exceed the submission's 768 MiB."""
    student = student_code(sandbox, HOSTILE / "confine_limits.py", timeout=60.0)
    cgroup_or_skip(student)
    statuses = student.hoard(4, 300)
    student.close()
    assert -signal.SIGKILL in statuses, statuses
    assert sandbox.process.poll() is None


def test_running_out_of_the_submissions_memory_says_so(sandbox):
    student = student_code(sandbox, HOSTILE / "confine_limits.py", timeout=60.0)
    cgroup_or_skip(student)
    model = nn.Linear(2, 2)
    with pytest.raises(StudentFault) as fault:
        student.l2_reg(model)
    student.close()
    call = describe_call("l2_reg", (model,), {})
    assert str(fault.value) == OUT_OF_SUBMISSION_MEMORY.format(call=call, limit="768 MiB")


def test_a_fork_bomb_stops_at_the_process_limit(sandbox):
    student = student_code(sandbox, HOSTILE / "confine_limits.py", timeout=60.0)
    cgroup_or_skip(student)
    made = student.fork_bomb(30)
    student.close()
    assert 10 < made < zygote.SUBMISSION_PROCESSES


def test_cgroups_are_removed_after_each_child_and_with_the_sandbox():
    with Sandbox() as sandbox:
        sandbox.notes  # noqa: B018
        folders = [Path(folder) for folder in sandbox.cgroup_folders]
        if not folders:
            pytest.skip(f"no cgroup on this machine: {sandbox.notes}")
        child = sandbox.spawn()
        assert [inner for folder in folders for inner in folder.iterdir() if inner.is_dir()]
        child.close()
        assert not [inner for folder in folders for inner in folder.iterdir() if inner.is_dir()]
    assert not [folder for folder in folders if folder.exists()]


@pytest.mark.parametrize("asked", [True, False])
def test_a_killed_zygote_leaves_no_cgroup_behind(asked):
    """Killed with a child running, or before the grader read its ready message: the grader cleans up."""
    if isinstance(cgroups.find(), str):
        pytest.skip(f"no cgroup on this machine: {cgroups.find()}")
    sandbox = Sandbox()
    if asked:
        sandbox.notes  # noqa: B018
        sandbox.spawn()
    else:
        select.select([sandbox.control], [], [], control.START_TIMEOUT)  # the ready message is there, unread
    sandbox.process.kill()  # no chance to clean up: the grader does it
    sandbox.process.wait()
    sandbox.close()
    folders = [Path(folder) for folder in sandbox.cgroup_folders]
    assert folders and not [folder for folder in folders if folder.exists()]


ABANDONED = """
import json, os, sys
sys.path.insert(0, {project!r})
from autograder.sandbox.control import Sandbox
sandbox = Sandbox(fork={fork})
sandbox.notes
sandbox.spawn()
print(json.dumps([str(sandbox.scratch), *sandbox.cgroup_folders]), flush=True)
os._exit(0)  # as a batch worker killed, or one that never closes its sandbox
"""


@pytest.mark.parametrize("fork", [True, False])
def test_a_grader_that_dies_leaves_no_scratch_or_cgroup_behind(fork):
    run = subprocess.run([sys.executable, "-c", ABANDONED.format(project=str(PROJECT), fork=fork)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    left = [Path(folder) for folder in json.loads(run.stdout)]
    deadline = time.monotonic() + 30  # the orphaned zygote reaps its child first: slow on a loaded CI machine
    while time.monotonic() < deadline and [folder for folder in left if folder.exists()]:
        time.sleep(0.05)
    assert not [folder for folder in left if folder.exists()]


def test_cgroups_left_by_a_zygote_killed_outright_are_removed_by_the_next():
    """SIGKILL to a whole batch (its process group) leaves no process to clean up: the next zygote does it."""
    found = cgroups.find()
    if isinstance(found, str):
        pytest.skip(f"no cgroup on this machine: {found}")
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = [folder / f"{cgroups.PREFIX}{gone.pid}-0badcafe" for folder in set(found[1].values())]
    for folder in stale:
        (folder / "child-0badcafe").mkdir(parents=True)
    with Sandbox() as sandbox:
        sandbox.notes  # noqa: B018
        assert not [folder for folder in stale if folder.exists()]


def fake_cgroups(tmp_path: Path, version: int) -> Path:
    """A /proc/self with the mountinfo and cgroup files of a machine with cgroup v1 or a delegating v2."""
    proc = tmp_path / "proc"
    proc.mkdir()
    if version == 2:
        (tmp_path / "unified" / "grader").mkdir(parents=True)
        (tmp_path / "unified" / "grader" / "cgroup.subtree_control").write_text("cpu memory pids\n")
        (proc / "mountinfo").write_text(f"41 31 0:38 / {tmp_path}/unified rw,relatime - cgroup2 cgroup2 rw\n")
        (proc / "cgroup").write_text("0::/grader\n")
    else:
        for controller in ("memory", "pids"):
            (tmp_path / controller / "grader").mkdir(parents=True)
        (proc / "mountinfo").write_text(
            f"35 31 0:32 / {tmp_path}/memory rw,relatime - cgroup cgroup rw,memory\n"
            f"39 31 0:36 / {tmp_path}/pids rw,relatime - cgroup cgroup rw,pids\n")
        (proc / "cgroup").write_text("8:pids:/grader\n4:memory:/grader\n0::/\n")
    return proc


@pytest.mark.parametrize("version", [1, 2])
def test_each_cgroup_version_gets_its_own_limit_files(tmp_path, version):
    found = cgroups.find(fake_cgroups(tmp_path, version))
    assert found[0] == version
    hierarchy = cgroups.Hierarchy(found[1], version, 768 * 2**20, 64)
    group = hierarchy.create()
    files = cgroups.FILES[version]
    assert (group.folders["memory"] / files["memory"]).read_text() == str(768 * 2**20)
    assert (group.folders["pids"] / files["pids"]).read_text() == "64"
    assert not group.out_of_memory()
    (group.folders["memory"] / files["events"]).write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
    assert group.out_of_memory()


def test_without_delegated_controllers_the_note_says_why_without_a_path(tmp_path):
    proc = fake_cgroups(tmp_path, 2)
    (tmp_path / "unified" / "grader" / "cgroup.subtree_control").write_text("cpu\n")
    hierarchy, note = cgroups.probe(768 * 2**20, 64, proc)
    assert hierarchy is None
    assert note == cgroups.SKIPPED.format(reason="no memory or pids controller this grader may use is mounted")


# ------------------------------------------------------------------------------------------------ seccomp

def test_system_calls_student_code_never_needs_are_denied(sandbox):
    student = student_code(sandbox, HOSTILE / "confine_seccomp.py")
    if seccomp.PHRASE not in layers_of(student):
        student.close()
        pytest.skip(f"no seccomp filter here: {seccomp.obstacle()}")
    results = student.attempts()
    l1 = student.l1_reg(nn.Linear(3, 2, bias=False))
    student.close()
    assert results == {name: "ENOSYS" if name == "clone3" else "EPERM" for name in results}
    assert isinstance(l1, torch.Tensor)


def test_the_filter_covers_every_class_the_review_found_open():
    calls = {name for group in seccomp.DENIED.values() for name in group}
    assert {"unshare", "setns", "io_uring_setup", "ptrace", "process_vm_readv", "kcmp", "keyctl", "add_key",
            "request_key", "bpf", "perf_event_open", "userfaultfd", "mount", "umount2", "pivot_root", "move_mount",
            "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr", "kexec_load",
            "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
            "acct", "chroot", "name_to_handle_at", "open_by_handle_at", "iopl", "ioperm", "syslog"} <= calls
    assert len(seccomp._PROGRAM) < 256  # every jump fits classic BPF's 8-bit offsets
