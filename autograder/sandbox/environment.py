"""The environment variables each side of the sandbox sees.

    grader (whatever the instructor's shell holds: tokens, keys, paths)
        |  grader_environment(): only what running Python and torch needs
        v
    zygote, batch workers (which fork zygotes): nothing secret in their memory, so none in a child's;
        |  replace_environment() also blanks the block /proc/<pid>/environ shows
        |  child_environment(scratch): a small fixed set, every folder inside the child's scratch
        v
    child (student code): HOME, TMPDIR, caches and matplotlib's config all writable, all its own;
                          settle_child() also makes those folders and forgets the zygote's cached paths

A forked child can read all the memory it inherited, so a secret must never reach a process that
forks children: filtering what the child is *given* is not enough.
"""
import contextlib
import ctypes
import os
import site
import sys
import tempfile
from pathlib import Path

# Kept from the grader's environment: how to find programs and libraries, and how to read text.
PASSED_THROUGH = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "LD_LIBRARY_PATH", "PYTHONPATH",
                  "TMPDIR")
# One thread each: a child forked after a multi-threaded op hangs in OpenMP, and a batch runs a grader per core.
THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
CHILD_USER = "student"
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"
CHILD_TITLE, CHILD_NAME = b"grade: sandboxed student code", b"grade-student"
# matplotlib's font list: building it scans every font on the machine (about 0.5 s here, far more with many
# fonts), so the zygote reads the grader's once and each child gets a copy in its own MPLCONFIGDIR.
FONT_LIST_PATTERN = "fontlist-v*.json"
MAX_FONT_LIST_BYTES = 4 * 2**20
PR_SET_NAME = 15
# Fields of /proc/<pid>/stat, counted from the one after the command name: where argv and environ start and end.
ARG_START, ARG_END, ENV_START, ENV_END = 45, 46, 47, 48

_libc = ctypes.CDLL(None, use_errno=True)


def grader_environment(environ=None) -> dict[str, str]:
    """The environment for processes that fork sandboxed children: the grader's, minus everything not listed."""
    environ = os.environ if environ is None else environ
    return {**{name: environ[name] for name in PASSED_THROUGH if name in environ}, **THREADS}


def child_environment(scratch: Path) -> dict[str, str]:
    """The whole environment of a sandboxed child: fixed values, its folders inside its own scratch."""
    home = str(scratch)
    return {
        "PATH": CHILD_PATH, "LANG": "C.UTF-8", "HOME": home, "TMPDIR": home, "USER": CHILD_USER,
        "LOGNAME": CHILD_USER, "XDG_CACHE_HOME": f"{home}/.cache", "XDG_CONFIG_HOME": f"{home}/.config",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.config/matplotlib", "TORCH_HOME": f"{home}/.cache/torch",
        "TORCHINDUCTOR_CACHE_DIR": f"{home}/.cache/torchinductor", "TRITON_CACHE_DIR": f"{home}/.cache/triton",
        "PYTHONDONTWRITEBYTECODE": "1", **THREADS,
    }


def matplotlib_cache(environ=None) -> Path:
    """Where matplotlib keeps this user's font list, as its documentation says: $MPLCONFIGDIR, else
    $XDG_CACHE_HOME/matplotlib, else ~/.cache/matplotlib."""
    environ = os.environ if environ is None else environ
    if environ.get("MPLCONFIGDIR"):
        return Path(environ["MPLCONFIGDIR"])
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")) / "matplotlib"


def replace_environment(values: dict[str, str]) -> None:
    """Make values the whole environment: os.environ, the C library's, and the block /proc/<pid>/environ
    shows, which otherwise keeps what the process was started with for as long as it lives."""
    os.environ.clear()  # unsetenv() each, so the C library lets go of the old strings too
    os.environ.update(values)
    start, end = _stat_fields(ENV_START, ENV_END)
    ctypes.memset(start, 0, end - start)


def font_lists(cache: Path) -> dict[str, bytes]:
    """Read matplotlib's font lists from cache, building them there first (once per machine) when missing."""
    if not list(cache.glob(FONT_LIST_PATTERN)):
        _build_font_list(cache)
    lists, total = {}, 0
    for path in sorted(cache.glob(FONT_LIST_PATTERN)):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        total += len(content)
        if total > MAX_FONT_LIST_BYTES:
            break
        lists[path.name] = content
    return lists


def forget_grader_paths(readable: tuple[str, ...]) -> None:
    """Drop from sys.path (and the importers cached for it) what a child may not read: the grader's folder
    and PYTHONPATH, so `import` finds nothing there instead of failing on a denied read."""
    def allowed(path: str) -> bool:
        return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in readable)

    sys.path[:] = [entry for entry in sys.path if allowed(os.path.realpath(entry))]
    for entry in [entry for entry in sys.path_importer_cache if not allowed(os.path.realpath(entry))]:
        del sys.path_importer_cache[entry]


def settle_child(scratch: Path, files: dict[str, bytes]) -> None:
    """Give a confined child its environment and folders (with matplotlib's font lists), and forget what the
    zygote cached of the grader's folders; call it before any student code runs."""
    environment = child_environment(scratch)
    os.environ.clear()
    os.environ.update(environment)
    tempfile.tempdir = None  # gettempdir() read the zygote's TMPDIR once and kept it
    site.USER_BASE = site.USER_SITE = None  # computed from the grader's home; recomputed from HOME on demand
    sys.argv[:], sys.orig_argv[:] = [""], [sys.executable]  # a batch worker's command line names its folders
    for name in ("XDG_CACHE_HOME", "MPLCONFIGDIR"):
        os.makedirs(environment[name], exist_ok=True)
    for name, content in files.items():
        Path(environment["MPLCONFIGDIR"], name).write_bytes(content)
    with contextlib.suppress(OSError):  # without a /proc the inherited command line cannot be read either
        _name_process(CHILD_TITLE, CHILD_NAME)


def _build_font_list(cache: Path) -> None:
    """Have matplotlib scan the fonts and write its list into cache, in a throwaway fork so that this process
    keeps no matplotlib whose cached folders are the grader's. Quiet when matplotlib or the folder is missing."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.makedirs(cache, exist_ok=True)
            if not os.access(cache, os.W_OK):
                os._exit(1)  # matplotlib would write to a temporary folder, and the work be lost
            os.environ["MPLCONFIGDIR"] = str(cache)
            import matplotlib.font_manager  # noqa: F401 -- importing it builds and saves the list

            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    os.waitpid(pid, 0)


def _name_process(title: bytes, name: bytes) -> None:
    """Show title for this process in ps and /proc/<pid>/cmdline, instead of the command line it inherited,
    which names the grader's folders."""
    start, end = _stat_fields(ARG_START, ARG_END)
    text = title[:end - start - 1]
    ctypes.memset(start, 0, end - start)
    ctypes.memmove(start, text, len(text))
    _libc.prctl(PR_SET_NAME, name, 0, 0, 0)


def _stat_fields(*indexes: int) -> list[int]:
    """Read numeric fields of /proc/self/stat, counted from the one after the command name."""
    with open("/proc/self/stat", "rb") as file:
        fields = file.read().rsplit(b")", 1)[1].split()
    return [int(fields[index]) for index in indexes]
