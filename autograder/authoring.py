"""Turn an assignment written as a percent-format Python file into its notebook twin.

Instructors write each student stub once, as a Python module the grader can import:

    \"\"\"Module docstring.\"\"\"          <- header: everything before the first marker
    # %% [markdown]                      <- markdown cell; each line is a `# ` comment
    # ## Section title
    # %%                                 <- code cell
    def l1_reg(model): ...

`write_notebook_twin` writes the matching `.ipynb` next to the `.py` file. Cell ids
are derived from the cell's position, so regenerating an unchanged file gives a
byte-identical notebook.

    python -m autograder.authoring assignments/assignment2/regularization.py
"""

import re
import sys
from pathlib import Path

import nbformat

CELL_MARKER = re.compile(r"^# %%(?:[ \t](?P<rest>.*))?$")
MARKDOWN_TAG = "[markdown]"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _split_cells(source):
    """Return (kind, lines) pairs, kind "code" or "markdown", in file order.

    The text before the first marker becomes a code cell of its own: the header.
    """
    cells = [("code", [])]
    for line in source.splitlines():
        marker = CELL_MARKER.match(line)
        if marker is None:
            cells[-1][1].append(line)
        elif (marker.group("rest") or "").strip() == MARKDOWN_TAG:
            cells.append(("markdown", []))
        else:
            cells.append(("code", []))
    return cells


def _uncomment(line):
    """Strip the `# ` (or bare `#`) that carries a markdown line in Python source."""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    return line


def _cell_text(kind, lines):
    """Join a cell's lines, uncommenting markdown and trimming blank edge lines."""
    if kind == "markdown":
        lines = [_uncomment(line) for line in lines]
    return "\n".join(lines).strip("\n")


def notebook_from_source(source: str) -> nbformat.NotebookNode:
    """Build an nbformat v4 notebook from percent-format Python source.

    Empty cells (such as an absent header) are dropped; ids are "cell-<index>".
    """
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, lines in _split_cells(source):
        text = _cell_text(kind, lines)
        if not text.strip():
            continue
        cell_id = f"cell-{len(notebook.cells)}"
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(text, id=cell_id))
    nbformat.validate(notebook)
    return notebook


def notebook_twin_text(py_path: Path) -> str:
    """The exact text of the notebook twin of the percent-format file `py_path`."""
    return nbformat.writes(notebook_from_source(Path(py_path).read_text(encoding="utf-8"))) + "\n"


def write_notebook_twin(py_path: Path) -> Path:
    """Write `<py_path stem>.ipynb` next to `py_path` and return its path.

    The text is written with "\\n" line ends so every platform produces the same bytes.
    """
    twin = Path(py_path).with_suffix(".ipynb")
    with open(twin, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(notebook_twin_text(py_path))
    return twin


def main(argv=None):
    """Regenerate the notebook twin of each `.py` file named on the command line."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        sys.exit("usage: python -m autograder.authoring PATH.py [PATH.py ...]")
    for path in paths:
        print(write_notebook_twin(Path(path)))


if __name__ == "__main__":
    main()
