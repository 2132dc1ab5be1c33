"""Confine a freshly forked child before it runs untrusted student code.

The zygote (a process that already imported torch and numpy) uses this module so:

    zygote   probe(confinement) -> Capabilities          once, before any fork
             view(confinement) -> View                   once: what a child may read
      fork   child: enter_pid_namespace()                 setsid; with namespaces the child
               fork   PID 1 of a new pid namespace        only waits, then exits as PID 1 did
                      confine(confinement, caps, fds)     the layers; then the student code
    zygote   sweep(caps, confinement)                     after a run without namespaces

What a child may read is an allowlist, the View: the interpreter's library, the installed
packages, the system's libraries and a few /dev, /proc/self and /sys files, and whatever the
caller names readable (the grader's own package). Never the current folder, PYTHONPATH or an
editable install's source folder: those hold the course's files and other students' work. A
hidden folder is never readable through an ancestor, though paths inside it that are named
readable stay so (the venv or the grader's package inside a course folder).

Layers, in the order confine() applies them: close inherited fds; mount, net, ipc and uts
namespaces in which / is a new read-only tmpfs holding only the View (bind mounts), a
tmpfs scratch and a /proc of the new pid namespace; rlimits; cwd = scratch; no new
privileges; seccomp; Landlock (read the View, write scratch, no TCP, no signals or
abstract sockets outside the sandbox); an empty capability bounding set, then the uid drop,
then no capabilities at all. A layer the machine refuses is skipped and left out of the
phrases confine() returns for the report. Phrases and notes are shown to students, so
they say what was done in words and never name the instructor's paths.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import importlib.util
import os
import resource
import select
import signal
import site
import stat
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from autograder.sandbox import seccomp

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_READ, PR_CAPBSET_DROP = 1, 23, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = -100, 0x8000, 0x1
SYS_PIVOT_ROOT, SYS_MOUNT_SETATTR = 155, 442
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1
# Landlock rights (uapi landlock.h); ABI 1 knows bits 0-12, then REFER (2), TRUNCATE (3), IOCTL_DEV (5).
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
FS_READ_ONLY = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP_AND_CONNECT_TCP = 0b11  # from ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET_AND_SIGNAL = 0b11  # from ABI 6
LANDLOCK_HINTS = {
    errno.ENOSYS: "this kernel was built without Landlock",
    errno.EOPNOTSUPP: "Landlock is built in but not enabled (see the lsm= boot parameter)",
}
# What every child may read besides Python: system libraries (merged-/usr systems link /lib* there), the
# loader's cache and the time zone. /proc and /dev files are handled on their own (PROC_READABLE, DEVICES).
SYSTEM_READABLE = ("/usr", "/etc/ld.so.cache", "/etc/localtime", "/sys/devices/system/cpu")
PROC_READABLE = ("/proc/self", "/proc/cpuinfo")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
WRITABLE_DEVICE = "/dev/null"
# POSIX semaphores and shared memory (multiprocessing, DataLoader workers): a tmpfs of the child's own, so only
# with the private filesystem; the machine's /dev/shm is shared with every other process.
SHARED_MEMORY = "/dev/shm"
IMPORTED_PACKAGES = ("numpy", "torch")
STUDENT_PACKAGES = ("numpy", "torch", "matplotlib", "tqdm")  # found wherever they are installed
VIEW_ROOT_BYTES = 2**20
MAX_LINKS = 40  # as the kernel follows at most 40 symlinks in one lookup
MAX_FD = 2**31 - 1
EXIT_ORPHANED = 137  # what the death signal would have given: 128 + SIGKILL

NAMESPACES_PHRASE = "namespaces ({kinds})"
PROC_PHRASE = "/proc of the new pid namespace"
VIEW_PHRASE = ("a private read-only filesystem holding only Python, its packages, the system's libraries and a "
               "{size} scratch folder (the course's files, other students' work and the grader's folders are not "
               "in it)")
LANDLOCK_PHRASE = ("landlock ABI {abi} (reads only Python, its packages and the system's libraries; writes only "
                   "scratch{more})")
NO_TCP, NO_SIGNALS = "; no TCP", "; no signals or abstract sockets outside the sandbox"
RLIMITS_PHRASE = "rlimits ({memory} memory, {cpu} s CPU, {files} files, {open_files} open files{processes})"
UID_DROP_OBSTACLE = ("{what} is in a folder other users cannot read (mode {mode:04o}), so a child running as another "
                     "user could not load it")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
# The read end of a pipe whose write end only the waiting parent holds: EOF = parent gone.
_lifeline: int | None = None


@dataclass(frozen=True)
class View:
    """What a child may read: real paths (dirs or files), and the symlinks leading to them (e.g. /lib -> usr/lib)
    that a private filesystem must recreate for paths the loader and Python know to keep working."""
    paths: tuple[str, ...]
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Confinement:
    """What one child may touch: scratch is its cwd and only writable dir; hidden dirs it must not read.

    readable adds to Python and the system's libraries; view, when given, is view(self) computed once.
    """
    scratch: Path
    readable: tuple[Path, ...] = ()
    hidden: tuple[Path, ...] = ()
    view: View | None = None
    memory_bytes: int = 3 * 2**30
    cpu_seconds: int = 60
    file_bytes: int = 16 * 2**20
    scratch_bytes: int = 64 * 2**20    # all of scratch together, where a mount namespace allows a tmpfs
    open_files: int = 64
    processes: int = 64
    unprivileged_uid: int = 65534


@dataclass(frozen=True)
class Capabilities:
    """Which layers this machine allows, from probe(); notes say why each missing one is missing."""
    namespaces: bool
    landlock_abi: int
    uid_drop: bool
    notes: tuple[str, ...]
    seccomp: bool = False


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # packed in landlock.h: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _check(result: int) -> int:
    """Turn a failed libc call into OSError, so every layer fails the same way."""
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def _syscall(number: int, *args) -> int:
    """Call a raw syscall with every integer widened to a long, as the kernel reads full registers."""
    wide = [ctypes.c_long(arg) if isinstance(arg, int) else arg for arg in args]
    return _check(_libc.syscall(ctypes.c_long(number), *wide))


def _prctl(option: int, value: int) -> int:
    """Call prctl with one argument, the unused ones zero as the kernel demands."""
    return _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0))


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    """Call mount(2), encoding the paths the way the filesystem expects."""
    source_b, target_b, fstype_b, data_b = (None if text is None else os.fsencode(text)
                                            for text in (source, target, fstype, data))
    _check(_libc.mount(source_b, target_b, fstype_b, ctypes.c_ulong(flags), data_b))


def describe_errno(code: int) -> str:
    """Name an errno the way the man pages do, so a note can be searched for."""
    return f"{errno.errorcode.get(code, code)} ({os.strerror(code)})"


def size_text(count: int) -> str:
    """Write a byte count in the largest binary unit that divides it, for the report."""
    for unit, name in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if count >= unit and count % unit == 0:
            return f"{count // unit} {name}"
    return f"{count} bytes"


def view(confinement: Confinement) -> View:
    """List what a child may read: Python's library, the installed packages, the system's libraries and
    confinement.readable; a hidden dir is cut out of any of these that holds it."""
    hidden = [os.path.realpath(path) for path in confinement.hidden]
    candidates = [*_python_paths(), *glob.glob("/lib*"), *SYSTEM_READABLE, *map(str, confinement.readable),
                  sys.executable, os.path.join(sys.prefix, "pyvenv.cfg")]  # so that the interpreter can start
    paths, links = [], {}
    for candidate in candidates:
        if not os.path.isabs(candidate) or not os.path.exists(candidate):
            continue
        links.update(_links_to(candidate))
        real = os.path.realpath(candidate)
        if any(_within(secret, real) and secret != real for secret in hidden):
            paths += _around(real, hidden)
        else:
            paths.append(real)  # named readable: kept even inside a hidden dir
    kept = []
    for path in sorted(set(paths)):  # sorted, a dir comes right before what lies inside it
        if not kept or not _within(path, kept[-1]):
            kept.append(path)
    return View(tuple(kept), tuple(sorted(links.items())))


def _python_paths() -> list[str]:
    """The interpreter's library and the installed packages' dirs, by what Python says they are (never by
    sys.path, which holds the current folder, PYTHONPATH and editable installs' source folders)."""
    paths = [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += site.getsitepackages()
    if site.ENABLE_USER_SITE:
        paths.append(site.getusersitepackages())
    prefixes = {os.path.join(prefix, "lib") for prefix in (sys.prefix, sys.base_prefix)}
    paths += [entry for entry in sys.path if os.path.dirname(entry) in prefixes]  # e.g. python311.zip
    for directory in _package_dirs(STUDENT_PACKAGES):  # with their vendored libraries (numpy.libs)
        paths += [directory, *glob.glob(f"{directory}.libs")]
    return paths


def _links_to(path: str, depth: int = 0) -> dict[str, str]:
    """The symlinks on the way to path (following chains), so a private filesystem can lead to it the same way."""
    links, current, parts = {}, "/", Path(path).parts[1:]
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        if os.path.islink(current) and depth < MAX_LINKS:
            links[current] = os.readlink(current)
            rest = os.path.join(os.path.dirname(current), links[current], *parts[index + 1:])
            links.update(_links_to(os.path.normpath(rest), depth + 1))
            break
    return links


def _within(path: str, folder: str) -> bool:
    """Tell whether path is folder or lies inside it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _around(folder: str, hidden: list[str]) -> list[str]:
    """The entries of folder except the way to each hidden dir inside it, recursively; links into it skipped."""
    kept = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return kept
    for entry in entries:
        real = os.path.realpath(entry.path)
        holds = any(_within(secret, real) for secret in hidden)
        if any(_within(real, secret) for secret in hidden) or (holds and entry.is_symlink()):
            continue
        kept += _around(real, hidden) if holds else [real]
    return kept


def probe(confinement: Confinement) -> Capabilities:
    """Find which layers this machine allows, once, so each child need not try and fail."""
    notes = []
    namespace_error = _probe_namespaces()
    if namespace_error:
        notes.append(f"namespaces skipped: {namespace_error}")
    abi, landlock_error = _probe_landlock()
    if landlock_error:
        notes.append(f"landlock skipped: {landlock_error}")
    uid_error = _uid_drop_obstacle(confinement)
    if uid_error:
        notes.append(f"uid drop skipped: {uid_error}")
    seccomp_error = seccomp.obstacle()
    if seccomp_error:
        notes.append(f"seccomp skipped: {seccomp_error}")
    return Capabilities(namespace_error is None, abi, uid_error is None, tuple(notes), seccomp_error is None)


def _probe_namespaces() -> str | None:
    """Create the namespaces in a throwaway fork, so the zygote itself stays where it is."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _unshare_pid_namespace()
            _unshare_namespaces()
            code = 0
        except OSError as error:
            code = error.errno or 1
        finally:
            os._exit(code)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code == 0:
        return None
    if code < 0:
        return f"the probing process died of signal {-code}"
    return f"unshare or mount failed with {describe_errno(code)}"


def _probe_landlock() -> tuple[int, str | None]:
    """Ask the kernel for its Landlock ABI version, 0 with the reason when there is none."""
    machine = os.uname().machine
    if machine != "x86_64":
        return 0, f"its syscall numbers are only set for x86_64, and this machine is {machine}"
    abi = _libc.syscall(ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET), None, ctypes.c_long(0),
                        ctypes.c_long(LANDLOCK_CREATE_RULESET_VERSION))
    if abi > 0:
        return abi, None
    code = ctypes.get_errno()
    return 0, f"the kernel answered {describe_errno(code)}: {LANDLOCK_HINTS.get(code, 'unknown reason')}"


def _uid_drop_obstacle(confinement: Confinement) -> str | None:
    """Say (without a path: students read it) why the child could not work as the unprivileged uid, or None."""
    if os.geteuid() != 0:
        return f"the grader does not run as root (uid {os.geteuid()})"
    uid = confinement.unprivileged_uid
    needed = [("Python", path) for path in (sys.base_prefix, sys.prefix, os.path.dirname(os.__file__))]
    needed += [("an installed package", path) for path in _package_dirs(IMPORTED_PACKAGES)]
    needed += [("the grader's package", str(path)) for path in confinement.readable]
    for what, path in needed:
        mode = _blocking_mode(path, uid, final_access=os.R_OK | os.X_OK)
        if mode is not None:
            return UID_DROP_OBSTACLE.format(what=what, mode=mode)
    parent = os.path.dirname(os.path.abspath(confinement.scratch))
    mode = _blocking_mode(parent, uid, final_access=os.X_OK)
    return None if mode is None else UID_DROP_OBSTACLE.format(what="the sandbox's scratch folder", mode=mode)


def _package_dirs(names) -> list[str]:
    """List the dirs of the named packages, found without importing them, since some may be absent."""
    dirs = []
    for name in names:
        module = sys.modules.get(name)
        spec = module.__spec__ if module else importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            dirs.append(list(spec.submodule_search_locations)[0])
    return dirs


def _blocking_mode(path: str, uid: int, final_access: int) -> int | None:
    """Return the mode of the first component of path that uid may not pass or read (by mode bits), or None."""
    real = Path(os.path.realpath(path))
    for component in [*reversed(real.parents), real]:
        try:
            info = os.stat(component)
        except OSError:
            return None  # what is not there needs no reading
        wanted = final_access if component == real else os.X_OK
        if not stat.S_ISDIR(info.st_mode):
            wanted &= ~os.X_OK
        shift = 6 if info.st_uid == uid else 3 if info.st_gid == uid else 0  # the gid becomes the uid
        if (info.st_mode >> shift) & wanted != wanted:
            return stat.S_IMODE(info.st_mode)
    return None


def enter_pid_namespace(capabilities: Capabilities | None = None) -> None:
    """Become PID 1 of a new pid namespace, so that killing this process's parent kills everything.

    Without capabilities it tries the namespace; capabilities.namespaces False skips it.
    """
    global _lifeline
    try:
        os.setsid()  # killpg(child pid) then reaches every process, with namespaces or without
    except OSError:
        pass  # already a group leader
    parent = os.getppid()
    if not _try_unshare_pid_namespace(capabilities):
        die_with_parent(parent)
        return
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a zygote ignoring SIGCHLD would make waitpid fail
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(read_end)
        _wait_and_mirror(pid)
    os.close(write_end)
    _lifeline = read_end
    die_with_parent(parent)


def _try_unshare_pid_namespace(capabilities: Capabilities | None) -> bool:
    """Unshare the pid namespace unless probe() found namespaces unavailable; tell whether it worked."""
    if capabilities is not None and not capabilities.namespaces:
        return False
    try:
        _unshare_pid_namespace()
    except OSError:
        return False
    return True


def _unshare_pid_namespace() -> None:
    """Unshare the pid namespace, inside a new user namespace when not root, which only root can skip."""
    if os.geteuid() == 0:
        _check(_libc.unshare(CLONE_NEWPID))
        return
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWPID))
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as file:
            file.write(text)


def _wait_and_mirror(pid: int) -> NoReturn:
    """Wait for PID 1 and end the same way, so the caller reads the real outcome from the pid it knows."""
    code = 1
    # SIGTERM from the zygote means "stop": kill PID 1 and wait, because PID 1's exit completes only once the
    # kernel has removed every process of the namespace, so nothing outlives the reap.
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
    try:
        status = os.waitpid(pid, 0)[1]
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the crash was PID 1's, not ours
            if number not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {number})
            os.kill(os.getpid(), number)
        code = os.waitstatus_to_exitcode(status)
    finally:
        os._exit(code if code >= 0 else 1)


def die_with_parent(parent: int, number: int = signal.SIGKILL) -> None:
    """Have the kernel send `number` to this process when its parent dies, and exit now if the parent (`parent`,
    its pid as this process knew it) is already gone, since only later deaths signal."""
    _prctl(PR_SET_PDEATHSIG, number)
    if _lifeline is not None:
        gone = bool(select.select([_lifeline], [], [], 0)[0])
    else:
        gone = os.getppid() != parent
    if gone:
        os._exit(EXIT_ORPHANED)


def confine(confinement: Confinement, capabilities: Capabilities, keep_fds: tuple[int, ...]) -> tuple[str, ...]:
    """Apply every layer the machine allows, in an order where each still has the rights it needs."""
    global _lifeline
    _close_fds(keep_fds)
    allowed = confinement.view or view(confinement)
    applied, private = [], []
    if capabilities.namespaces:
        entered = _attempt(_enter_namespaces)
        private = _attempt(_private_view, confinement, allowed) if entered else []
        applied += entered + private
    applied += _attempt(_set_limits, confinement, capabilities)
    os.chdir(confinement.scratch)  # after the mounts, or the cwd would be the folder they cover
    applied += _attempt(_no_new_privileges)
    if capabilities.seccomp:
        applied += _attempt(seccomp.install)
    if capabilities.landlock_abi:
        writable = (str(confinement.scratch), *([SHARED_MEMORY] if private else []))
        applied += _attempt(_landlock_restrict, allowed, writable, capabilities.landlock_abi)
    applied += _drop_privileges(confinement, capabilities)
    if _lifeline is not None:
        os.close(_lifeline)
        _lifeline = None
    return tuple(applied)


def _attempt(layer, *args) -> list[str]:
    """Apply one layer and return its phrases, or none when the machine refuses it, as that is not fatal."""
    try:
        return layer(*args)
    except OSError:
        return []


def _close_fds(keep_fds: tuple[int, ...]) -> None:
    """Close every inherited fd but the standard ones and keep_fds, so no parent secret stays reachable."""
    low = 0
    for fd in sorted({0, 1, 2, *keep_fds, *([] if _lifeline is None else [_lifeline])}):
        if fd > low:
            os.closerange(low, fd)
        low = max(low, fd + 1)
    os.closerange(low, MAX_FD)


def _unshare_namespaces() -> None:
    """Enter new mount, net, ipc and uts namespaces with a private /, so later mounts stay ours."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)


def _enter_namespaces() -> list[str]:
    """Enter the mount, net, ipc and uts namespaces; say which namespaces the child has."""
    _unshare_namespaces()
    kinds = ["pid"] if os.getpid() == 1 else []
    kinds += ["user"] if kinds and os.geteuid() != 0 else []
    return [NAMESPACES_PHRASE.format(kinds=", ".join(kinds + ["mount", "net", "ipc", "uts"]))]


def _private_view(confinement: Confinement, allowed: View) -> list[str]:
    """Make / a new filesystem holding only what the child may read, its scratch and its /proc."""
    applied = []
    os.umask(0o022)  # whatever the grader's umask, the child's own uid must be able to walk to what it reads
    root = os.path.realpath(confinement.scratch)  # the new root covers scratch's dir, which is ours alone
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={VIEW_ROOT_BYTES},mode=0755")
    for link, target in allowed.links:  # before the binds, so that none is made inside a bound folder
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(root + link), exist_ok=True)
            os.symlink(target, root + link)
    mounts = [_bind(path, root) for path in (*allowed.paths, *DEVICES) if os.path.exists(path)]
    scratch = _mount_point(root, root, is_dir=True)
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"size={confinement.scratch_bytes},mode=0700")
    _mount("tmpfs", _mount_point(root, SHARED_MEMORY, is_dir=True), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
           f"size={confinement.scratch_bytes},mode=1777")
    # A /proc of the child's own pid namespace shows no process outside; without one, /proc/self is still needed.
    proc = _attempt(_mounted, PROC_PHRASE, "proc", _mount_point(root, "/proc", is_dir=True), "proc",
                    MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    applied += proc if os.getpid() == 1 else []
    _pivot_to(root)
    _read_only_but([root, SHARED_MEMORY], ["/", *mounts])
    return applied + [VIEW_PHRASE.format(size=size_text(confinement.scratch_bytes))]


def _mount_point(root: str, path: str, is_dir: bool) -> str:
    """Make path's twin under root (a dir, or an empty file to bind a file onto) and return it."""
    target = root + path
    os.makedirs(target if is_dir else os.path.dirname(target), mode=0o755, exist_ok=True)
    if not is_dir:
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
    return target


def _bind(path: str, root: str) -> str:
    """Bind path (with what is mounted below it) to its twin under root; return the path it will have."""
    _mount(path, _mount_point(root, path, is_dir=os.path.isdir(path)), None, MS_BIND | MS_REC, None)
    return path


def _mounted(phrase: str, *mount_arguments) -> list[str]:
    """Mount one filesystem and return the phrase saying what it achieved, for _attempt."""
    _mount(*mount_arguments)
    return [phrase]


def _pivot_to(root: str) -> None:
    """Make root the filesystem's / and let go of the old one, which no path can then reach."""
    os.chdir(root)
    _syscall(SYS_PIVOT_ROOT, b".", b".")  # the old root now sits on top of the new one, at "."
    _check(_libc.umount2(b".", MNT_DETACH))
    os.chdir("/")


def _read_only_but(writable: list[str], mounts: list[str]) -> None:
    """Make every mount read-only but the writable ones, so even a root child without Landlock changes nothing."""
    # struct mount_attr {u64 attr_set, attr_clr, propagation, userns_fd}
    read_only, clear = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY), (ctypes.c_uint64 * 4)(0, MOUNT_ATTR_RDONLY)
    try:
        _syscall(SYS_MOUNT_SETATTR, AT_FDCWD, b"/", AT_RECURSIVE, read_only, ctypes.sizeof(read_only))
        for path in writable:
            _syscall(SYS_MOUNT_SETATTR, AT_FDCWD, os.fsencode(path), 0, clear, ctypes.sizeof(clear))
    except OSError:  # before Linux 5.12: one remount per mount, the new root first
        _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
        for path in mounts[1:]:
            _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY, None)


def _set_limits(confinement: Confinement, capabilities: Capabilities) -> list[str]:
    """Cap memory, CPU, file size, fds and (where the kernel counts them) processes; no core files."""
    c = confinement
    limits = [(resource.RLIMIT_AS, c.memory_bytes, c.memory_bytes),
              (resource.RLIMIT_CPU, c.cpu_seconds, c.cpu_seconds + 5),
              (resource.RLIMIT_FSIZE, c.file_bytes, c.file_bytes),
              (resource.RLIMIT_NOFILE, c.open_files, c.open_files), (resource.RLIMIT_CORE, 0, 0)]
    # Root is exempt from NPROC, and outside a user namespace it counts the user's every process.
    counted = capabilities.uid_drop or (os.geteuid() != 0 and os.getpid() == 1)
    if counted:
        limits.append((resource.RLIMIT_NPROC, c.processes, c.processes))
    soft = [_lower_limit(*limit) for limit in limits]
    return [RLIMITS_PHRASE.format(memory=size_text(soft[0]), cpu=soft[1], files=size_text(soft[2]),
                                  open_files=soft[3], processes=f", {soft[5]} processes" if counted else "")]


def _lower_limit(kind: int, soft: int, hard: int) -> int:
    """Set a limit no higher than the current hard one, which only CAP_SYS_RESOURCE could raise."""
    current = resource.getrlimit(kind)[1]
    if current != resource.RLIM_INFINITY:
        hard = min(hard, current)
    soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))
    return soft


def _no_new_privileges() -> list[str]:
    """Forbid gaining privileges through exec (setuid binaries), as Landlock and seccomp require."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    return ["no new privileges"]


def _landlock_restrict(allowed: View, writable: tuple[str, ...], abi: int) -> list[str]:
    """Allow reading the View and writing the writable dirs (scratch) only, and deny TCP and signals outside."""
    all_fs = (1 << (13 if abi == 1 else 14 if abi == 2 else 15 if abi < 5 else 16)) - 1
    # struct landlock_ruleset_attr {u64 handled_access_fs, handled_access_net, scoped}, grown with the ABI
    attr = (ctypes.c_uint64 * 3)(all_fs, NET_BIND_TCP_AND_CONNECT_TCP if abi >= 4 else 0,
                                 SCOPE_ABSTRACT_UNIX_SOCKET_AND_SIGNAL if abi >= 6 else 0)
    ruleset = _syscall(SYS_LANDLOCK_CREATE_RULESET, attr, 8 if abi < 4 else 16 if abi < 6 else 24, 0)
    try:
        # /proc/self is resolved here, in the child: it names the child's own /proc folder.
        for path in (*allowed.paths, *DEVICES, *map(os.path.realpath, PROC_READABLE)):
            with contextlib.suppress(OSError):  # a rule that cannot be added only denies more
                _landlock_allow(ruleset, path, FS_READ_ONLY & all_fs)
        _landlock_allow(ruleset, WRITABLE_DEVICE, (FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE) & all_fs)
        for path in writable:
            _landlock_allow(ruleset, path, all_fs)
        _syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    more = (NO_TCP if abi >= 4 else "") + (NO_SIGNALS if abi >= 6 else "")
    return [LANDLOCK_PHRASE.format(abi=abi, more=more)]


def _landlock_allow(ruleset: int, path: str, access: int) -> None:
    """Add one path-beneath rule, keeping only file rights for a file, as the kernel demands."""
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= FS_FILE_RIGHTS
        rule = _PathBeneathAttr(access, fd)
        _syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(fd)


def _drop_privileges(confinement: Confinement, capabilities: Capabilities) -> list[str]:
    """Empty the bounding set, switch uid when allowed, then clear every capability left."""
    with contextlib.suppress(OSError):  # without CAP_SETPCAP there is nothing to drop anyway
        _empty_bounding_set()
    applied = []
    if capabilities.uid_drop:
        applied += _attempt(_switch_uid, confinement)
    return applied + _attempt(_clear_capabilities)


def _empty_bounding_set() -> None:
    """Drop every capability from the bounding set, so no exec can bring one back."""
    for number in range(64):
        if _libc.prctl(PR_CAPBSET_READ, number, 0, 0, 0) < 0:
            break  # past the kernel's last capability
        _prctl(PR_CAPBSET_DROP, number)


def _switch_uid(confinement: Confinement) -> list[str]:
    """Hand scratch to the unprivileged uid and become it, then re-arm the death signal this clears."""
    uid, parent = confinement.unprivileged_uid, os.getppid()
    os.chown(confinement.scratch, uid, uid)
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    finally:
        die_with_parent(parent)
    return [f"uid {uid}"]


def _clear_capabilities() -> list[str]:
    """Clear the effective, permitted, inheritable and ambient sets, so a root child cannot unmount or remount."""
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # fails harmlessly on old kernels
    # struct __user_cap_header_struct {u32 version; int pid}, then two {u32 effective, permitted, inheritable}
    header, data = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0), (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, data))
    return ["no capabilities"]


def sweep(capabilities: Capabilities, confinement: Confinement) -> None:
    """Kill every process of the unprivileged uid, as leftovers escape a process group without namespaces."""
    if not capabilities.uid_drop or capabilities.namespaces:
        return  # with namespaces the kernel already did it; other sandboxes may share the uid
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setresuid(*[confinement.unprivileged_uid] * 3)  # kill(-1) reaches exactly this uid's processes
            os.kill(-1, signal.SIGKILL)
            code = 0
        except ProcessLookupError:
            code = 0  # nothing was left
        finally:
            os._exit(code)
    os.waitpid(pid, 0)
