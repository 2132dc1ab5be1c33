"""Find library routines a graded function refers to in its source, without running it.

The sandbox also records banned calls as they happen; reading the source adds
the cases a run does not reach (a branch not taken) and names the line.
"""
import ast

from autograder.feedback import StudentFault

BANNED_REFERENCE = ("{name} refers to {qualname} at {filename}, line {line}; this exercise asks you to implement "
                    "it yourself instead of calling the library routine.")


def banned_references(chunks, name: str, banned) -> list[tuple[str, str, int]]:
    """List (qualified name, file, line) of each banned routine used inside the top-level definition `name`."""
    trees = []
    for chunk in chunks:
        try:
            trees.append((chunk, ast.parse(chunk.source)))
        except SyntaxError:
            continue
    aliases = {}  # a notebook imports in one cell and defines in another
    for _, tree in trees:
        aliases.update(_import_aliases(tree))
    found = []
    for chunk, tree in trees:
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
                found += [(qualname, chunk.filename, inner.lineno + chunk.first_line - 1)
                          for inner in ast.walk(node)
                          if (qualname := _qualified(inner, aliases)) is not None
                          and any(qualname == b or qualname.startswith(b + ".") for b in banned)]
    return found


def expect_no_banned_references(student, name: str) -> None:
    """Fail when the source of `name` in the student's submission uses a routine the assignment bans."""
    for qualname, filename, line in banned_references(student.submission.chunks, name, student.banned.get(name, ())):
        raise StudentFault(BANNED_REFERENCE.format(name=name, qualname=qualname, filename=filename, line=line))


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    """Map each name bound by an import anywhere in the module to what it stands for."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name an expression like `F.dropout` or `nn.Dropout` resolves to through the imports."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])
