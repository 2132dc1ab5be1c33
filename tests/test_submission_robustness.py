"""Any file content gives the student a sentence and a complete report, never a grader traceback.

Each case is generated here (the large ones are never committed): nesting deep
enough to make Python's parser or compiler raise RecursionError or MemoryError,
malformed and oddly typed notebooks (nbformat 3 and 4), huge cell counts and
lines, bad encodings. Every case must either be refused with a sentence
(Submission.problem) or load cleanly, and grading it must list every test.
"""
import json

import pytest

from autograder.exporters.gradescope import results_json
from autograder.grading import list_tests
from autograder.submission import (
    CELL_SKIPPED,
    DOES_NOT_PARSE,
    EMPTY,
    JSON_NUMBER_TOO_LONG,
    JSON_TOO_BIG,
    JSON_TOO_DEEP,
    KEPT_CAPPED,
    MAX_CODE_CELLS,
    MAX_JSON_ITEMS,
    MAX_KEPT_STATEMENTS,
    MAX_STATEMENTS,
    MORE_CELLS_SKIPPED,
    NO_CODE_CELLS,
    NO_VERSION,
    NOT_A_JSON_OBJECT,
    NOT_A_LIST,
    NOT_A_NOTEBOOK,
    NOT_AN_OBJECT,
    NOT_UTF8,
    SOURCE_NOT_TEXT,
    TOO_DEEP,
    TOO_MANY_CELLS,
    TOO_MANY_STATEMENTS,
    UNSUPPORTED_VERSION,
    load_submission,
)

PY, NB = "regularization.py", "regularization.ipynb"
LONG = 100_000  # the length the review used: the word-and-symbol cap refuses these before parsing
DEEP = 60_000  # under that cap, deep enough for the parser's own limits


def notebook(cells, version=4, **fields):
    """The text of a notebook holding `cells` (dicts, or strings for code cells)."""
    if isinstance(cells, list):
        cells = [code(cell) if isinstance(cell, str) else cell for cell in cells]
    return json.dumps({"nbformat": version, "nbformat_minor": 5, "metadata": {}, "cells": cells, **fields})


def code(source):
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}


def version3(cells):
    return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                       "worksheets": [{"cells": cells, "metadata": {}}]})


def refused(name, reason):
    return NOT_A_NOTEBOOK.format(name=name, reason=reason)


TOO_LONG = "is too long to grade"
NESTED = "too many nested parentheses"

# (id, file name, content maker, fragment of the expected problem or None, fragment of the notes or None)
CASES = [
    # Python the parser or compiler cannot take.
    ("py-parens-long", PY, lambda: "x = " + "(" * LONG + "1" + ")" * LONG, TOO_LONG, None),
    ("py-parens", PY, lambda: "x = " + "(" * DEEP + "1" + ")" * DEEP, NESTED, None),
    ("py-attributes-long", PY, lambda: "x = a" + ".b" * LONG, TOO_LONG, None),
    ("py-attributes", PY, lambda: "x = a" + ".b" * DEEP, DOES_NOT_PARSE.format(name=PY, error=TOO_DEEP), None),
    ("py-sum-long", PY, lambda: "x = " + "+".join(["1"] * LONG), TOO_LONG, None),
    ("py-sum", PY, lambda: "x = " + "+".join(["1"] * DEEP), DOES_NOT_PARSE.format(name=PY, error=TOO_DEEP), None),
    ("py-not", PY, lambda: "x = " + "not " * LONG + "1", DOES_NOT_PARSE.format(name=PY, error=TOO_DEEP), None),
    ("py-minus", PY, lambda: "x = " + "-" * LONG + "1", DOES_NOT_PARSE.format(name=PY, error=TOO_DEEP), None),
    ("py-lambdas", PY, lambda: "f = " + "lambda: " * 30_000 + "1", DOES_NOT_PARSE.format(name=PY, error=TOO_DEEP),
     None),
    ("py-dense", PY, lambda: "x=1\n" * 200_000, TOO_LONG, None),
    ("py-huge-integer", PY, lambda: "x = " + "9" * 5000, "Exceeds the limit", None),
    # Bytes and encodings.
    ("py-null-byte", PY, lambda: b"import math\x00\n", "null bytes", None),
    ("py-not-utf8", PY, lambda: b"import math\n# caf\xe9\n", NOT_UTF8.format(name=PY, offset=17), None),
    ("py-bom-only", PY, lambda: b"\xef\xbb\xbf", EMPTY.format(name=PY), None),
    ("py-bom-crlf", PY, lambda: b"\xef\xbb\xbfimport math\r\ndef f():\r\n    return 1\r\n", None, None),
    ("py-old-mac-line-ends", PY, lambda: "import math\rdef f():\r    return 1\r", None, None),
    ("py-huge-line", PY, lambda: "x = '" + "a" * 4_000_000 + "'\n", None, None),
    # JSON that is not a notebook.
    ("nb-deep-json", NB, lambda: '{"nbformat": 4, "metadata": ' + "[" * LONG + "]" * LONG + ', "cells": []}',
     refused(NB, JSON_TOO_DEEP), None),
    ("nb-array", NB, lambda: "[1, 2]", refused(NB, NOT_AN_OBJECT.format(kind="an array")), None),
    ("nb-number", NB, lambda: "5", refused(NB, NOT_AN_OBJECT.format(kind="a number")), None),
    ("nb-string", NB, lambda: '"notebook"', refused(NB, NOT_AN_OBJECT.format(kind="a string")), None),
    ("nb-null", NB, lambda: "null", refused(NB, NOT_AN_OBJECT.format(kind="null")), None),
    ("nb-json-values", NB, lambda: "[" + "{}," * (MAX_JSON_ITEMS + 1) + "{}]",
     refused(NB, JSON_TOO_BIG.format(limit=MAX_JSON_ITEMS)), None),
    ("nb-huge-integer", NB, lambda: '{"nbformat": ' + "9" * 5000 + "}", refused(NB, JSON_NUMBER_TOO_LONG), None),
    ("nb-not-utf8", NB, lambda: b'{"nbformat": 4, "cells": ["\xff"]}', NOT_UTF8.format(name=NB, offset=27), None),
    # Versions.
    ("nb-version-text", NB, lambda: notebook(["import re"], version="4"),
     refused(NB, UNSUPPORTED_VERSION.format(version="'4'")), None),
    ("nb-version-list", NB, lambda: notebook([], version=[4]),
     refused(NB, UNSUPPORTED_VERSION.format(version="an array")), None),
    ("nb-version-missing", NB, lambda: json.dumps({"cells": [code("import re")]}), refused(NB, NO_VERSION), None),
    ("nb-version-3", NB, lambda: version3([{"cell_type": "heading", "source": "Title", "level": 1},
                                           {"cell_type": "code", "input": ["import re\n", "X = 1"]}]), None, None),
    ("nb-version-3-worksheets-number", NB, lambda: json.dumps({"nbformat": 3, "worksheets": 5}),
     refused(NB, NOT_A_LIST.format(part="worksheets")), None),
    ("nb-version-3-worksheet-text", NB, lambda: json.dumps({"nbformat": 3, "worksheets": ["cells"]}),
     refused(NB, NOT_A_JSON_OBJECT.format(part="worksheet 1")), None),
    ("nb-version-3-cell-number", NB, lambda: version3([5]), refused(NB, NOT_A_JSON_OBJECT.format(part="cell 1")),
     None),
    ("nb-version-3-input-object", NB, lambda: version3([{"cell_type": "code", "input": {"a": 1}}]),
     refused(NB, SOURCE_NOT_TEXT.format(number=1)), None),
    ("nb-version-3-cells-text", NB, lambda: version3("none"), refused(NB, NOT_A_LIST.format(part="cells")),
     None),
    # Parts of the wrong type.
    ("nb-cells-object", NB, lambda: notebook({"a": 1}), refused(NB, NOT_A_LIST.format(part="cells")), None),
    ("nb-cell-text", NB, lambda: notebook([["import re"]]), refused(NB, NOT_A_JSON_OBJECT.format(part="cell 1")),
     None),
    ("nb-source-lines", NB, lambda: notebook([code(["import re\n", "X = 1"])]), None, None),
    ("nb-source-lines-not-text", NB, lambda: notebook([code(["import re\n", 5])]),
     refused(NB, SOURCE_NOT_TEXT.format(number=1)), None),
    ("nb-source-object", NB, lambda: notebook([code({"a": 1})]), refused(NB, SOURCE_NOT_TEXT.format(number=1)),
     None),
    ("nb-cell-type-list", NB, lambda: notebook([{"cell_type": ["code"], "source": 5}, "import os"]), None, None),
    ("nb-metadata-types", NB, lambda: json.dumps({"nbformat": 4, "nbformat_minor": "x", "metadata": [1],
                                                  "cells": [{**code("import re"), "metadata": 3, "outputs": 7,
                                                             "execution_count": "one", "id": []}]}), None, None),
    ("nb-no-code", NB, lambda: notebook([{"cell_type": "markdown", "source": "# Answers"}]),
     NO_CODE_CELLS.format(name=NB), None),
    # Sizes.
    ("nb-100000-cells", NB, lambda: notebook([f"def f{i}(): pass" for i in range(LONG)]),
     TOO_MANY_CELLS.format(name=NB, count=LONG, limit=MAX_CODE_CELLS), None),
    ("nb-100000-markdown-cells", NB, lambda: notebook([{"cell_type": "markdown", "source": "x"}] * LONG
                                                      + ["import re"]), None, None),
    ("nb-cells-that-do-not-parse", NB, lambda: notebook(["x = ("] * (MAX_CODE_CELLS - 1) + ["import re"]), None,
     MORE_CELLS_SKIPPED.format(count=MAX_CODE_CELLS - 11, name=NB)),
    ("nb-too-many-statements", NB, lambda: notebook(["\n".join(f"X{i} = {i}" for i in range(6000))]), None,
     KEPT_CAPPED.format(limit=MAX_KEPT_STATEMENTS, count=6000, name=NB)),
    ("nb-dense-statements", NB, lambda: notebook(["x=1\n" * 60_000]),
     TOO_MANY_STATEMENTS.format(name=NB, limit=MAX_STATEMENTS), None),
    ("nb-huge-line", NB, lambda: notebook(["x = '" + "a" * 4_000_000 + "'", "import os"]), None, None),
    # Cells Python cannot read: skipped with a note, the rest loads.
    ("nb-null-byte-in-cell", NB, lambda: notebook(["import re\x00", "import os"]), None, "null bytes"),
    ("nb-deep-cell", NB, lambda: notebook(["x = a" + ".b" * DEEP, "import os"]), None,
     CELL_SKIPPED.format(number=1, name=NB, error=TOO_DEEP)),
    ("nb-not-cell", NB, lambda: notebook(["x = " + "not " * LONG + "1", "import os"]), None,
     CELL_SKIPPED.format(number=1, name=NB, error=TOO_DEEP)),
    ("nb-lone-surrogate", NB, lambda: notebook(["x = '\ud800'", "import os"]), None, "surrogates not allowed"),
    ("nb-bom-crlf", NB, lambda: "\ufeff" + notebook(["import re\r\nX = 1\r\n"]).replace(", ", ",\r\n"), None, None),
]


def write_case(folder, name, make):
    content = make()
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


@pytest.mark.parametrize("name, make, problem, note", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_any_content_is_refused_with_a_sentence_or_loads_cleanly(tmp_path, name, make, problem, note):
    loaded = load_submission(write_case(tmp_path, name, make))
    if problem is None:
        assert loaded.problem is None and loaded.chunks, loaded.problem
    else:
        assert loaded.chunks == () and problem in loaded.problem, loaded.problem
    assert note is None or any(note in text for text in loaded.notes), loaded.notes


@pytest.mark.parametrize("name, make", [case[1:3] for case in CASES], ids=[case[0] for case in CASES])
def test_any_content_gets_a_complete_report(grade2, assignment2, tmp_path, name, make):
    report = grade2(write_case(tmp_path, name, make))
    expected = [test.name for test in list_tests(assignment2)]
    assert [result.name for result in report.results] == expected
    assert all(result.feedback for result in report.results)
    results = json.loads(json.dumps(results_json(report)))
    assert len(results["tests"]) == len(expected)
