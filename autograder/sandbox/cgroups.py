"""Limits for a whole submission: one cgroup per child, holding it and every process it starts.

    zygote  probe(memory, processes) -> Hierarchy   once: find the zygote's own cgroups (v2 when it delegates
                                                    memory and pids, else the v1 memory and pids controllers)
                                                    and make a folder of its own inside each
    zygote  group = hierarchy.create()              per child, before the fork: the limits set
    child   group.join()                            first, before the pid namespace's fork, so the child's
                                                    every descendant is counted with it
    zygote  group.out_of_memory(); group.remove()   after the reap: did the kernel's OOM killer end it?
                                                    Kill whatever is left, remove the folders.

rlimits stay in place as the fallback and backstop (they hold per process). Notes never name a
path: students read them.
"""
import contextlib
import os
import re
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.layers import describe_errno, size_text

CONTROLLERS = ("memory", "pids")
# What each cgroup version calls its files: limits, then the file whose oom_kill line counts OOM kills.
FILES = {
    1: {"memory": "memory.limit_in_bytes", "swap": "memory.memsw.limit_in_bytes", "pids": "pids.max",
        "events": "memory.oom_control"},
    2: {"memory": "memory.max", "swap": "memory.swap.max", "pids": "pids.max", "events": "memory.events"},
}
PHRASE = "cgroup: {memory} of memory and {processes} processes for all of the submission's processes"
MEMORY_ONLY = "cgroup: {memory} of memory for all of the submission's processes"
PROCESSES_ONLY = "cgroup: {processes} processes for all of the submission's processes"
SKIPPED = "cgroups skipped: {reason}; memory and processes are limited per process instead (rlimits)"
REMOVE_SECONDS = 2.0  # a killed process may take a moment to leave its cgroup
PREFIX = "grade-sandbox-"  # then the zygote's pid: a folder whose zygote is gone was left by a SIGKILL
STALE = re.compile(re.escape(PREFIX) + r"(\d+)-[0-9a-f]+")


@dataclass(frozen=True)
class Group:
    """One child's cgroup: a folder per controller (one folder on v2)."""
    folders: dict[str, Path]
    version: int
    phrase: str

    def join(self) -> list[str]:
        """Move this process into the group, so it and all it starts share the limits; return the phrase."""
        for folder in set(self.folders.values()):
            (folder / "cgroup.procs").write_text("0")  # 0: the writing process
        return [self.phrase]

    def out_of_memory(self) -> bool:
        """Tell whether the kernel's OOM killer ended a process of this group (read before remove())."""
        folder = self.folders.get("memory")
        if folder is None:
            return False
        try:
            events = dict(line.split() for line in (folder / FILES[self.version]["events"]).read_text().splitlines())
        except (OSError, ValueError):
            return False
        return int(events.get("oom_kill", 0)) > 0

    def remove(self) -> None:
        """Kill every process left in the group and remove its folders."""
        for folder in set(self.folders.values()):
            remove_folder(folder)


@dataclass(frozen=True)
class Hierarchy:
    """The zygote's own folders (controller -> folder) that its children's groups are made in."""
    folders: dict[str, Path]
    version: int
    memory_bytes: int
    processes: int

    def create(self) -> Group:
        """Make a group with the limits set; the caller joins it from the child."""
        name = f"child-{secrets.token_hex(4)}"
        folders = {controller: folder / name for controller, folder in self.folders.items()}
        try:
            for folder in set(folders.values()):
                folder.mkdir()
            self._limit(folders)
        except OSError:
            for folder in set(folders.values()):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        return Group(folders, self.version, self.phrase)

    @property
    def phrase(self) -> str:
        template = PHRASE if len(self.folders) == 2 else MEMORY_ONLY if "memory" in self.folders else PROCESSES_ONLY
        return template.format(memory=size_text(self.memory_bytes), processes=self.processes)

    def _limit(self, folders: dict[str, Path]) -> None:
        names = FILES[self.version]
        if "memory" in folders:
            (folders["memory"] / names["memory"]).write_text(str(self.memory_bytes))
            swap = folders["memory"] / names["swap"]
            if swap.exists():  # v1: memory and swap together (set after memory); v2: swap alone
                swap.write_text(str(self.memory_bytes if self.version == 1 else 0))
        if "pids" in folders:
            (folders["pids"] / names["pids"]).write_text(str(self.processes))

    def remove(self) -> None:
        """Remove the zygote's folders and any group left in them."""
        for folder in set(self.folders.values()):
            remove_tree(folder)


def probe(memory_bytes: int, processes: int, proc: Path = Path("/proc/self")) -> tuple[Hierarchy | None, str | None]:
    """Make the zygote's cgroup folders and try one group in them; return them, or None with the reason."""
    found = find(proc)
    if isinstance(found, str):
        return None, SKIPPED.format(reason=found)
    version, own = found
    for folder in set(own.values()):
        remove_stale(folder)
    name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    hierarchy = Hierarchy({controller: folder / name for controller, folder in own.items()}, version, memory_bytes,
                          processes)
    try:
        for folder in set(hierarchy.folders.values()):
            folder.mkdir()
        hierarchy.create().remove()
    except OSError as error:
        with contextlib.suppress(OSError):
            hierarchy.remove()
        return None, SKIPPED.format(reason=f"the grader may not make cgroups here ({describe_errno(error.errno)})")
    return hierarchy, None


def find(proc: Path = Path("/proc/self")) -> tuple[int, dict[str, Path]] | str:
    """Find this process's own cgroup folders, by controller: v2 where it delegates both controllers, else v1.
    Return the version and the folders, or why there are none."""
    try:
        mounts = _mounts(proc / "mountinfo")
        memberships = _memberships(proc / "cgroup")
    except OSError as error:
        return f"the process's cgroups cannot be read ({describe_errno(error.errno)})"
    found = _v2(mounts, memberships) or _v1(mounts, memberships)
    return found or "no memory or pids controller this grader may use is mounted"


def remove_stale(folder: Path) -> None:
    """Remove the zygote folders in folder whose zygote is gone: killed by SIGKILL, it could not clean up."""
    for entry in folder.iterdir():
        match = STALE.fullmatch(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                remove_tree(entry)


def remove_tree(folder: Path) -> None:
    """Remove a cgroup folder and those inside it, killing their processes first; quiet when already gone."""
    if not folder.is_dir():
        return
    for inner in folder.iterdir():
        if inner.is_dir():
            remove_tree(inner)
    remove_folder(folder)


def remove_folder(folder: Path) -> None:
    """Kill the processes of one cgroup folder until it is empty, then remove it."""
    deadline = time.monotonic() + REMOVE_SECONDS
    while True:
        try:
            pids = [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                if pid > 0:  # never 0 or -1, which would reach this process's group or everything
                    os.kill(pid, signal.SIGKILL)
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _v2(mounts: dict, memberships: dict) -> tuple[int, dict[str, Path]] | None:
    """The v2 folder when both controllers are enabled for its children (delegated), else None."""
    if "" not in memberships or "cgroup2" not in mounts:
        return None
    own = _own_folder(mounts["cgroup2"], memberships[""])
    try:
        enabled = (own / "cgroup.subtree_control").read_text().split()
    except OSError:
        return None
    if not set(CONTROLLERS) <= set(enabled):
        return None
    return 2, dict.fromkeys(CONTROLLERS, own)


def _v1(mounts: dict, memberships: dict) -> tuple[int, dict[str, Path]] | None:
    """The v1 folders of whichever of the controllers are mounted, else None."""
    own = {controller: _own_folder(mounts[controller], memberships[controller])
           for controller in CONTROLLERS if controller in mounts and controller in memberships}
    return (1, own) if own else None


def _mounts(mountinfo: Path) -> dict[str, tuple[str, Path]]:
    """Map each cgroup controller (and "cgroup2") to (the root it shows, where it is mounted)."""
    mounts = {}
    for line in mountinfo.read_text().splitlines():
        fields = line.split()
        separator = fields.index("-")
        fstype, options = fields[separator + 1], fields[separator + 3].split(",")
        root, point = fields[3], Path(fields[4].replace("\\040", " "))
        if fstype == "cgroup2":
            mounts.setdefault("cgroup2", (root, point))
        elif fstype == "cgroup":
            for controller in CONTROLLERS:
                if controller in options:
                    mounts.setdefault(controller, (root, point))
    return mounts


def _memberships(cgroup: Path) -> dict[str, str]:
    """Map each controller ("" for v2) to this process's cgroup path, from /proc/self/cgroup."""
    memberships = {}
    for line in cgroup.read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            memberships[controller] = path
    return memberships


def _own_folder(mount: tuple[str, Path], path: str) -> Path:
    """The folder of cgroup `path` under a mount that may show only part of the hierarchy."""
    root, point = mount
    relative = os.path.relpath(path, root) if root != "/" else path.lstrip("/")
    return point / relative if relative != "." else point


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
