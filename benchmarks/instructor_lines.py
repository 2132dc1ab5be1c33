"""Count the lines an instructor writes for an assignment: before one-source authoring and now.

Before (git revision BEFORE, default 0f2525e): the stub, the reference solution, assignment.toml, the public and
the hidden tests, each written by hand (the notebook twin was already generated). Now: the annotated solution,
assignment.toml without its generated [hidden] counts, the public and the hidden tests. Lines that hold only
whitespace are not counted.

    python benchmarks/instructor_lines.py [ASSIGNMENT] [--before REV]
"""
import argparse
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"assignment1": "narrow_lnn", "assignment2": "regularization", "assignment3": "optimizers",
           "assignment4": "splits"}
HIDDEN_COUNTS = re.compile(r"(?ms)^\[hidden\]\n(?:(?!^\[).*\n?)*")


def lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def at(revision: str | None, path: str) -> str:
    """A file's text at a git revision, or as it is now."""
    if revision is None:
        return (ROOT / path).read_text()
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def written(name: str, revision: str | None) -> dict[str, int]:
    module, hidden = MODULES[name], f"reference/{name}/test_{MODULES[name]}.py"
    hidden = next(p for p in (hidden, f"reference/{name}/test_{name}.py") if (ROOT / p).exists() or revision)
    files = {"annotated solution" if revision is None else "reference solution": f"reference/{name}/{module}.py",
             "public tests": f"assignments/{name}/test_public.py", "hidden tests": hidden,
             "assignment.toml": f"assignments/{name}/assignment.toml"}
    if revision is not None:
        files["stub"] = f"assignments/{name}/{module}.py"
    counts = {}
    for what, path in files.items():
        text = at(revision, path)
        counts[what] = lines(HIDDEN_COUNTS.sub("", text) if revision is None and what == "assignment.toml" else text)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="assignment2", choices=sorted(MODULES))
    parser.add_argument("--before", default="0f2525e")
    arguments = parser.parse_args()
    before, now = written(arguments.assignment, arguments.before), written(arguments.assignment, None)
    for label, counts in (("before", before), ("now", now)):
        print(f"{label:>6}: {sum(counts.values()):5} lines  " + ", ".join(f"{what} {n}" for what, n in counts.items()))
    print(f"ratio: {sum(now.values()) / sum(before.values()):.2f}")


if __name__ == "__main__":
    main()
