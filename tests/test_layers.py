"""Tests of autograder.sandbox.layers: probe() and children really confined on this machine.

Each confined child runs every attempt once per configuration (all layers, or one
family alone) and answers through a pipe as JSON; a test then checks one attempt
in the configurations whose layers claim to stop it, and is skipped where the
machine lacks those layers.
"""
import contextlib
import ctypes
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
import types
from pathlib import Path

import pytest

from autograder.sandbox import layers, seccomp

REPO = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class Setting:
    root: Path
    confinement: layers.Confinement
    capabilities: layers.Capabilities
    outside: Path  # world-writable, so only a sandbox layer can stop a write there
    secret: Path
    allowed: Path
    course_file: Path  # in a hidden course folder
    kept: Path  # named readable inside that hidden folder, as a venv inside a course folder is


@pytest.fixture(scope="module")
def setting():
    """Lay out the dirs (world-traversable, for the uid drop) and probe the machine once."""
    root = Path(tempfile.mkdtemp(prefix="layers-test-"))
    root.chmod(0o755)
    hidden, shared, outside = root / "shared" / "hidden", root / "readable", root / "outside"
    for path in (hidden, shared, outside, root / "scratch"):
        path.mkdir(parents=True)
    for path in (root / "shared", hidden, shared):
        path.chmod(0o755)
    outside.chmod(0o777)
    (hidden / "secret").write_text("the answer key")
    (shared / "allowed").write_text("fine to read")
    course = root / "course"
    (course / "venv").mkdir(parents=True)
    (course / "notebook.ipynb").write_text("full marks")
    (course / "venv" / "package.py").write_text("VERSION = 1")
    # readable holds the hidden dir's parent too: every layer must leave it out.
    confinement = layers.Confinement(scratch=root / "scratch", hidden=(hidden, course),
                                     readable=(root / "shared", shared, course / "venv"))
    yield Setting(root, confinement, layers.probe(confinement), outside, hidden / "secret",
                  shared / "allowed", course / "notebook.ipynb", course / "venv" / "package.py")
    shutil.rmtree(root, ignore_errors=True)


CONFIGURATIONS = ("all probed", "namespaces only", "landlock only", "uid drop only")


def configure(setting, name):
    """Return the capabilities of one configuration, skipping when this machine lacks its layer."""
    caps = setting.capabilities
    chosen = {
        "all probed": caps,
        "namespaces only": dataclasses.replace(caps, landlock_abi=0, uid_drop=False),
        "landlock only": dataclasses.replace(caps, namespaces=False, uid_drop=False),
        "uid drop only": dataclasses.replace(caps, namespaces=False, landlock_abi=0),
    }[name]
    if not (chosen.namespaces or chosen.landlock_abi or chosen.uid_drop) and name != "all probed":
        pytest.skip(f"{name}: this machine lacks the layer ({'; '.join(caps.notes)})")
    return chosen


def run_confined(confinement, capabilities, action, keep_fds=()):
    """Fork a child that enters the sandbox, runs action() and returns (its JSON answer, wait status)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        answer = {}
        try:
            os.close(read_end)
            layers.enter_pid_namespace(capabilities)
            answer["layers"] = list(layers.confine(confinement, capabilities, (write_end, *keep_fds)))
            answer.update(action())
        except BaseException:
            answer["error"] = traceback.format_exc()
        finally:
            with os.fdopen(write_end, "wb") as channel:
                channel.write(json.dumps(answer).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as channel:
        data = channel.read()
    status = os.waitpid(pid, 0)[1]
    answer = json.loads(data)
    assert "error" not in answer, answer["error"]
    return answer, status


def outcome(attempt):
    """Run one attempt and describe it as 'ok' or the exception's class name, which JSON can carry."""
    try:
        attempt()
        return "ok"
    except BaseException as error:  # MemoryError included
        return type(error).__name__


def attempts(setting, scratch, grader_pid, tcp_port, abstract_name, inherited_fd):
    """Build the action that tries every escape from inside the sandbox."""
    def write_to(path):
        path.write_text("x")

    def unmount_hidden():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.umount2(os.fsencode(setting.secret.parent), 2) != 0:  # MNT_DETACH
            raise OSError(ctypes.get_errno(), "umount2")

    def abstract_connect():
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(abstract_name)

    def action():
        return {
            "uid": os.getuid(),
            "read secret": outcome(setting.secret.read_text),
            "read allowed": outcome(setting.allowed.read_text),
            "read course": outcome(setting.course_file.read_text),
            "read kept": outcome(setting.kept.read_text),
            "read grader cwd": outcome((REPO / "tests" / "conftest.py").read_text),
            "read outside": outcome(lambda: os.listdir(setting.outside)),
            "write outside": outcome(lambda: write_to(setting.outside / f"escaped-{scratch.name}")),
            "write scratch": outcome(lambda: write_to(Path("written-inside"))),
            "write devnull": outcome(lambda: open(os.devnull, "w").write("x")),
            "signal grader": outcome(lambda: os.kill(grader_pid, 0)),
            "tcp connect": outcome(lambda: socket.create_connection(("127.0.0.1", tcp_port), 2).close()),
            "abstract socket": outcome(abstract_connect),
            "allocate": outcome(lambda: bytearray(setting.confinement.memory_bytes)),
            "inherited fd": outcome(lambda: os.fstat(inherited_fd)),
            "unmount hidden": outcome(unmount_hidden),
            "capabilities": [line.split()[1] for line in open("/proc/self/status")
                             if line.startswith(("CapEff", "CapPrm", "CapBnd"))],
        }
    return action


@pytest.fixture(scope="module")
def answers(setting):
    """Confine one child per configuration, lazily, and keep what each one saw."""
    cache = {}

    def answer(name):
        if name not in cache:
            capabilities = configure(setting, name)
            scratch = Path(tempfile.mkdtemp(dir=setting.root))
            confinement = dataclasses.replace(setting.confinement, scratch=scratch)
            with socket.create_server(("127.0.0.1", 0)) as server, \
                    socket.socket(socket.AF_UNIX) as abstract, open(os.devnull) as inherited:
                abstract.bind(f"\0layers-test-{os.getpid()}")
                abstract.listen()
                action = attempts(setting, scratch, os.getpid(), server.getsockname()[1],
                                  f"\0layers-test-{os.getpid()}", inherited.fileno())
                cache[name] = run_confined(confinement, capabilities, action)[0], capabilities, scratch
        return cache[name]
    return answer


def claimed(capabilities, namespaces=False, landlock=99, uid_drop=False):
    """Skip unless one of the named layers (Landlock from that ABI) is on in this configuration."""
    if not ((namespaces and capabilities.namespaces) or capabilities.landlock_abi >= landlock
            or (uid_drop and capabilities.uid_drop)):
        pytest.skip("no layer of this configuration claims to stop this")


def test_probe_leaves_no_process_and_explains_every_missing_layer(setting):
    before = _children()
    capabilities = layers.probe(setting.confinement)
    assert _children() <= before  # the throwaway fork was reaped (other fixtures may have children of their own)
    missing = {"namespaces": not capabilities.namespaces, "landlock": not capabilities.landlock_abi,
               "uid drop": not capabilities.uid_drop, "seccomp": not capabilities.seccomp}
    assert sorted(note.split(" skipped: ")[0] for note in capabilities.notes) == \
        sorted(layer for layer, absent in missing.items() if absent)


def _children() -> set[str]:
    return set(Path(f"/proc/self/task/{os.getpid()}/children").read_text().split())


def test_probe_refuses_uid_drop_when_a_readable_dir_is_private(setting, tmp_path):
    if not setting.capabilities.uid_drop:
        pytest.skip("; ".join(setting.capabilities.notes))
    private = tmp_path / "private"
    (private / "package").mkdir(parents=True)
    private.chmod(0o700)
    confinement = dataclasses.replace(setting.confinement, readable=(private / "package",))
    capabilities = layers.probe(confinement)
    assert not capabilities.uid_drop
    note = next(note for note in capabilities.notes if note.startswith("uid drop skipped: "))
    assert note == "uid drop skipped: " + layers.UID_DROP_OBSTACLE.format(what="the grader's package", mode=0o700)
    assert str(tmp_path) not in note  # students read the notes: no instructor's path


def test_probe_disables_landlock_on_unknown_architectures(setting, monkeypatch):
    monkeypatch.setattr(layers.os, "uname", lambda: types.SimpleNamespace(machine="aarch64"))
    capabilities = layers.probe(setting.confinement)
    assert capabilities.landlock_abi == 0
    assert any(note.startswith("landlock skipped:") and "aarch64" in note for note in capabilities.notes)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_confine_lists_the_layers_it_applied(answers, setting, name):
    answer, capabilities, _ = answers(name)
    applied = answer["layers"]
    assert any(phrase.startswith("rlimits (3 GiB memory, 60 s CPU, 16 MiB files") for phrase in applied)
    if capabilities.namespaces:
        assert applied[0].startswith("namespaces (pid, ")
        assert layers.VIEW_PHRASE.format(size="64 MiB") in applied
    assert any(phrase.startswith(f"landlock ABI {capabilities.landlock_abi} (") for phrase in applied) == \
        bool(capabilities.landlock_abi)
    assert (seccomp.PHRASE in applied) == capabilities.seccomp
    assert not [phrase for phrase in applied if "/" in phrase.replace("/proc", "")]  # no path reaches students
    assert ("uid 65534" in applied) == capabilities.uid_drop
    assert applied[-1] == "no capabilities"
    assert answer["uid"] == (65534 if capabilities.uid_drop else os.getuid())


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_secret_cannot_be_read(answers, name):
    answer, capabilities, _ = answers(name)
    claimed(capabilities, namespaces=True, landlock=1)
    assert answer["read secret"] in ("FileNotFoundError", "PermissionError")


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_only_the_allowlist_is_readable(answers, name):
    """Not the grader's current folder, a hidden course folder or any other folder: the same with Landlock
    alone as with a mount namespace alone."""
    answer, capabilities, _ = answers(name)
    claimed(capabilities, namespaces=True, landlock=1)
    for attempt in ("read course", "read grader cwd", "read outside"):
        assert answer[attempt] in ("FileNotFoundError", "PermissionError"), attempt


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_allowed_files_stay_readable_and_scratch_writable(answers, name):
    answer, _, scratch = answers(name)
    assert answer["read allowed"] == "ok"
    assert answer["read kept"] == "ok"
    assert answer["write scratch"] == "ok"
    assert answer["write devnull"] == "ok"
    # With a mount namespace, scratch is a tmpfs of the child's own: the grader never sees what was written.
    assert (scratch / "written-inside").exists() is not answers(name)[1].namespaces


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_nothing_can_be_written_outside_scratch(answers, setting, name):
    answer, capabilities, scratch = answers(name)
    claimed(capabilities, namespaces=True, landlock=1)
    assert answer["write outside"] in ("OSError", "PermissionError", "FileNotFoundError")
    assert not (setting.outside / f"escaped-{scratch.name}").exists()


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_grader_cannot_be_signalled(answers, name):
    answer, capabilities, _ = answers(name)
    claimed(capabilities, namespaces=True, landlock=6, uid_drop=True)
    assert answer["signal grader"] in ("ProcessLookupError", "PermissionError")


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_loopback_and_abstract_sockets_are_unreachable(answers, name):
    answer, capabilities, _ = answers(name)
    claimed(capabilities, namespaces=True, landlock=4)
    assert answer["tcp connect"] in ("OSError", "PermissionError")
    claimed(capabilities, namespaces=True, landlock=6)
    assert answer["abstract socket"] in ("ConnectionRefusedError", "PermissionError")


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_limits_fds_and_capabilities(answers, name):
    answer, _, _ = answers(name)
    assert answer["allocate"] == "MemoryError"
    assert answer["inherited fd"] == "OSError"
    assert answer["unmount hidden"] in ("PermissionError", "OSError")
    assert answer["capabilities"][:2] == ["0000000000000000"] * 2
    if os.geteuid() == 0:
        assert answer["capabilities"][2] == "0000000000000000"


def descendants(pid):
    """Return the pids below pid, read from /proc, as the grader sees them."""
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, queue = set(), [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.add(child)
            queue.append(child)
    return found


def alive(pid):
    """Tell whether pid still runs (a zombie has already died)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@contextlib.contextmanager
def sleepers(confinement, capabilities):
    """Fork a confined child that forks a sleeper and sleeps; yield its pid once both run, kill all after."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            layers.enter_pid_namespace(capabilities)
            layers.confine(confinement, capabilities, (write_end,))
            if os.fork() == 0:
                os.close(write_end)
                while True:
                    time.sleep(60)
            os.write(write_end, b"ready")
            os.close(write_end)
            while True:
                time.sleep(60)
        finally:
            os._exit(1)
    os.close(write_end)
    try:
        assert os.read(read_end, 5) == b"ready"
        yield pid
    finally:
        os.close(read_end)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # a failed test must not leave sleepers holding its output
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def wait_until_dead(pids, seconds=3.0):
    """Poll until none of pids runs, returning those still alive at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.01)
    return {pid for pid in pids if alive(pid)}


@pytest.mark.parametrize("mode", ["namespaces", "process group"])
def test_killing_the_childs_pid_or_group_kills_every_descendant(setting, mode):
    capabilities = setting.capabilities
    if mode == "namespaces" and not capabilities.namespaces:
        pytest.skip("; ".join(capabilities.notes))
    if mode == "process group":
        capabilities = dataclasses.replace(capabilities, namespaces=False)
    with sleepers(setting.confinement, capabilities) as pid:
        below = descendants(pid)
        assert len(below) == (2 if mode == "namespaces" else 1)  # PID 1 and its sleeper, or the sleeper
        if mode == "namespaces":
            os.kill(pid, signal.SIGKILL)  # the pid the grader knows: PID 1 dies with it, then the rest
        else:
            os.killpg(pid, signal.SIGKILL)
        assert wait_until_dead(below) == set()


def idle_uid():
    """Pick a uid that runs no process here, so sweep() kills only what this test started."""
    busy = set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            busy.add(Path(f"/proc/{entry}").stat().st_uid)
    return next(uid for uid in range(61234, 62000) if uid not in busy)


def test_sweep_kills_what_escaped_the_process_group(setting):
    if os.geteuid() != 0:
        pytest.skip("only root can switch to the sandbox uid")
    confinement = dataclasses.replace(setting.confinement, unprivileged_uid=idle_uid())
    capabilities = layers.Capabilities(namespaces=False, landlock_abi=0, uid_drop=True, notes=())
    with sleepers(confinement, capabilities) as pid:
        sleeper, = descendants(pid)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert alive(sleeper)
        layers.sweep(dataclasses.replace(capabilities, namespaces=True), confinement)
        assert alive(sleeper), "with namespaces sweep must leave the uid's processes alone"
        layers.sweep(capabilities, confinement)
        assert wait_until_dead({sleeper}) == set()


def test_the_child_ends_the_way_pid_1_ended(setting):
    if not setting.capabilities.namespaces:
        pytest.skip("; ".join(setting.capabilities.notes))

    def finish(how):
        pid = os.fork()
        if pid == 0:
            try:
                layers.enter_pid_namespace()
                layers.confine(setting.confinement, setting.capabilities, ())
                if how == "segfault":
                    import faulthandler
                    faulthandler.disable()
                    ctypes.string_at(0)
            finally:
                os._exit(7)
        return os.waitpid(pid, 0)[1]

    assert os.waitstatus_to_exitcode(finish("exit")) == 7
    assert os.waitstatus_to_exitcode(finish("segfault")) == -signal.SIGSEGV


def test_numpy_and_torch_import_inside_the_sandbox_without_preloading(setting):
    script = textwrap.dedent(f"""
        import json, os, sys
        sys.path.insert(0, {str(REPO)!r})
        from autograder.sandbox import layers
        confinement = layers.Confinement(scratch={str(setting.confinement.scratch)!r},
                                         hidden={tuple(map(str, setting.confinement.hidden))!r})
        capabilities = layers.probe(confinement)
        read_end, write_end = os.pipe()
        if os.fork() == 0:
            answer = {{}}
            try:
                layers.enter_pid_namespace()
                answer["layers"] = layers.confine(confinement, capabilities, (write_end,))
                import numpy, torch
                answer["sum"] = float((torch.ones(3, 3) @ torch.from_numpy(numpy.ones((3, 3)))
                                       .float()).sum())
            except BaseException as error:
                answer["error"] = repr(error)
            finally:
                os.write(write_end, json.dumps(answer).encode())
                os._exit(0)
        os.close(write_end)
        print(os.read(read_end, 1 << 16).decode())
    """)
    if subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode:
        pytest.skip(f"torch is not installed for {sys.executable}")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer.get("sum") == 27.0, (answer, run.stderr)
