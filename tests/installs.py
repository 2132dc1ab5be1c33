"""A fresh virtual environment with a built wheel installed in it, as `pip install <wheel>` leaves one.

The environment reaches this interpreter's packages (torch, numpy, pytest...) through a .pth file, so no test
downloads or unpacks torch; .pth files are only read in an environment's own site-packages, so this checkout's
editable install is not: `autograder`, `cli` and the `grade` script come from the wheel alone.
"""
import subprocess
import sys
import sysconfig
from pathlib import Path

DEPENDENCIES = "dependencies.pth"


def install_wheel(wheel: Path, folder: Path) -> Path:
    """Make a venv in `folder`, install `wheel` in it without its dependencies; return the venv's `grade`."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, DEPENDENCIES).write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: the dependencies' folder holds this checkout's editable install, of the same version
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--ignore-installed", "--disable-pip-version-check", str(wheel)], check=True)
    return folder / "bin" / "grade"
