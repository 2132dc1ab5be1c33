"""Extract the code of the course's seed tutorials into seeds/ (run once; the outputs are committed).

    .venv/bin/python tests/submissions/policy/make_seed_corpus.py /work/shared/seeds

The seeds are real notebooks' pages saved as text: prose, code and outputs in one stream.
Every maximal run of lines that parses as Python is a code block; some pages lost their
indentation, and their blocks are re-indented by the colons and the `return`s before
parsing. The blocks are written unedited, in order, as `# %%` cells of seeds/<seed>.py, so
that the policy tests can read each seed both as a .py file and as a notebook.
"""

import ast
import re
import sys
import warnings
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "seeds"
LONGEST_BLOCK = 600  # lines: a flat block is grown one line at a time up to this
GIVE_UP = 25  # lines in a row that do not make the block parse end it
HEADER = '''"""Code blocks of the seed tutorial {name}, "{title}", as the policy's precision corpus.

Extracted by make_seed_corpus.py{reindented}; one `# %%` cell per block, in the page's order.
"""
'''
IPYTHON_LINE = re.compile(r"^\s*([%!]|\w+\s*=\s*[!%])")
CODE_START = re.compile(
    r"^\s*(def |class |@|import |from \S+ import |async def |if |for |with |try:|while |return|"
    r"[A-Za-z_][\w.\[\]'\", ]*\s*(=|\+=|-=)[^=]|[A-Za-z_][\w.]*\()"
)
BLOCK_END = ("return", "raise", "continue", "break", "pass")
CONTINUATIONS = {"elif": ("if", "elif"), "else": ("if", "elif", "for", "while", "try", "except"),
                 "except": ("try", "except"), "finally": ("try", "except", "else")}


def main(seeds: Path) -> None:
    OUT_DIR.mkdir(exist_ok=True)
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text()
        flat = not re.search(r"^[ \t]+\S", text, re.MULTILINE)  # not one indented line
        blocks = flat_blocks(text) if flat else indented_blocks(text)
        name = path.stem.split("_")[0]
        title = next(line.strip() for line in text.splitlines() if line.strip() and "Colab" not in line)
        header = HEADER.format(name=path.name, title=title.lstrip("# "),
                               reindented=" (this page had lost its indentation: re-indented)" if flat else "")
        cells = "".join(f"\n\n# %%\n{block}\n" for block in blocks)
        (OUT_DIR / f"seed_{name}.py").write_text(header + cells)
        print(f"{path.name}: {len(blocks)} blocks, "
              f"{sum(defines_something(b) for b in blocks)} with definitions")


def indented_blocks(text: str) -> list[str]:
    """Cut a page whose code kept its indentation into maximal runs of statements that parse."""
    lines = [("" if IPYTHON_LINE.match(line) else line) for line in text.replace("\t", "    ").split("\n")]
    blocks, i = [], 0
    while i < len(lines):
        end = statement_end(lines, i) if CODE_START.match(lines[i]) else None
        if end is None or not parses(lines[i:end]):
            i += 1
            continue
        while True:
            start = next((k for k in range(end, len(lines)) if lines[k].strip()), len(lines))
            if start == len(lines) or not CODE_START.match(lines[start]):
                break
            following = statement_end(lines, start)
            if not parses(lines[i:following]):
                break
            end = following
        blocks.append("\n".join(lines[i:end]).strip("\n"))
        i = end
    return blocks


def statement_end(lines: list[str], start: int) -> int:
    """Return the line after the top-level statement at `start`: its indented or bracketed lines."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t)]}"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def flat_blocks(text: str) -> list[str]:
    """Cut a page whose code lost its indentation into the longest re-indented runs that parse."""
    lines = [("" if IPYTHON_LINE.match(line) else line.strip()) for line in text.split("\n")]
    blocks, i = [], 0
    while i < len(lines):
        if not CODE_START.match(lines[i]):
            i += 1
            continue
        best, failures = None, 0
        for end in range(i + 1, min(len(lines), i + LONGEST_BLOCK) + 1):
            candidate = reindent(lines[i:end])
            if parses(candidate.split("\n")):
                best, failures = (end, candidate), 0
            else:
                failures += 1  # an open bracket or block may still close; prose never does
                if failures > GIVE_UP:
                    break
        if best is None:
            i += 1
            continue
        blocks.append(best[1].strip("\n"))
        i = best[0]
    return blocks


def reindent(lines: list[str]) -> str:
    """Indent flat code: a colon opens a block, `return` and friends close one, `def self` is a method."""
    out, depth, headers, in_class, quote = [], 0, [], False, None
    for line in lines:
        if quote:  # inside a docstring: its lines keep the depth they started at
            out.append("    " * depth + line)
            quote = None if line.count(quote) % 2 else quote
            continue
        word = re.split(r"[\s:(]", line, maxsplit=1)[0]
        if word in ("def", "async", "class", "@"[:len(word)]) or line.startswith("@"):
            method = in_class and re.match(r"(async\s+)?def\s+\w+\s*\(\s*(self|cls)\b", line)
            depth = 1 if method or (line.startswith("@") and in_class) else 0
            in_class = word == "class" or bool(method) or (in_class and line.startswith("@"))
            headers = [h for h in headers if h[0] < depth]
        elif word in CONTINUATIONS:
            opener = next((h for h in reversed(headers) if h[1] in CONTINUATIONS[word]), None)
            if opener:
                depth = opener[0]
                headers = [h for h in headers if h[0] < depth]
        out.append("    " * depth + line)
        for mark in ('"""', "'''"):
            if line.count(mark) % 2:
                quote = mark
        code = line.split("#")[0].rstrip()
        if code.endswith(":") and not quote:
            headers.append((depth, word))
            depth += 1
        elif word in BLOCK_END and depth > 0:
            depth -= 1
    return "\n".join(out)


def parses(lines: list[str]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile("\n".join(lines), "<seed>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    return any(line.strip() for line in lines)


def defines_something(block: str) -> bool:
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for node in ast.walk(ast.parse(block)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
