"""A chunk of student code, and the child's step that compiles it: the one module submission.py and the child share.

    grader   submission.py cuts a file into Chunks (plain data)  --requests.Load-->
    child    compile_chunk() at the chunk's own line, then exec, one chunk at a time (child.py)

So that a child imports only what compiling needs, this module holds nothing of reading files or notebooks:
the zygote imports it (with child.py) before forking, and submission.py's parsing never enters a child.
"""
import ast
import io
import linecache
import types
from dataclasses import dataclass

SETUP_GRACE = 0.05  # what each later timed statement still gets once the notebook's setup budget is spent
# A statement that failed in the child, noted by it and read back by submission.explain_unset.
LOAD_FAILURE = "{filename}, line {line}: {error} (statement skipped)"
SETUP_OVERRUN = "still running after {seconds:g} s, the time a notebook's setup may take in all"


@dataclass(frozen=True)
class Chunk:
    """One piece of student code that the child compiles and runs on its own."""

    source: str  # the statement
    filename: str  # "regularization.py" or "regularization.ipynb, cell 5"
    first_line: int  # 1-based line of `source` within `text`
    tolerant: bool  # it may fail without stopping the load (notebook statements, .py imports)
    text: str  # the whole file or cell, which tracebacks quote
    binds: tuple[str, ...] = ()  # module-level names it sets, to say why one is missing
    flags: int = 0  # the __future__ features in force, as compile() flags
    timed: bool = False  # it runs under the notebook's setup budget


def compile_chunk(chunk: Chunk) -> types.CodeType:
    """Compile `chunk` at its own line and cache its text, so tracebacks quote the student."""
    tree = ast.parse(chunk.source, chunk.filename)
    # Statements after a `;` keep their line but not their column, which only
    # shifts the carets under that line in a traceback.
    ast.increment_lineno(tree, chunk.first_line - 1)
    cached = linecache.cache.get(chunk.filename)
    if cached is None or cached[0] != len(chunk.text):  # chunks of one cell or file share their text
        lines = io.StringIO(chunk.text).readlines()  # split on "\n" only, as the parser does
        # mtime None marks the entry as not backed by a file, so checkcache keeps it.
        linecache.cache[chunk.filename] = (len(chunk.text), None, lines, chunk.filename)
    return compile(tree, chunk.filename, "exec", flags=chunk.flags, dont_inherit=True)
