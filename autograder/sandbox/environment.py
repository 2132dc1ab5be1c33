"""The environment variables each side of the sandbox sees.

    grader (whatever the instructor's shell holds: tokens, keys, paths)
        |  grader_environment(): only what running Python and torch needs
        v
    zygote, batch workers (which fork zygotes): nothing secret in their memory, so none in a child's
        |  child_environment(scratch): a small fixed set, every folder inside the child's scratch
        v
    child (student code): HOME, TMPDIR, caches and matplotlib's config all writable, all its own

A forked child can read all the memory it inherited, so a secret must never reach a process that
forks children: filtering what the child is *given* is not enough.
"""
import os
from pathlib import Path

# Kept from the grader's environment: how to find programs and libraries, and how to read text.
PASSED_THROUGH = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "LD_LIBRARY_PATH", "PYTHONPATH",
                  "TMPDIR")
# One thread each: a child forked after a multi-threaded op hangs in OpenMP, and a batch runs a grader per core.
THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
CHILD_USER = "student"
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"


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
