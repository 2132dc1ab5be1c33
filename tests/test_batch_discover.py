"""Tests for autograder.batch.discover: every upload layout becomes the same sorted list of entries.

Uploads are built in tmp_path as an LMS would make them; sentences are compared whole, from the
module's own templates.
"""
import stat
import zipfile
from pathlib import Path

import pytest

from autograder.batch import discover as discovery
from autograder.batch.discover import (
    BAD_METADATA,
    BAD_ZIP,
    COLLISION,
    INSTALL_BATCH,
    LINK_MEMBER,
    LINK_UPLOAD,
    LINKED,
    NOT_A_FOLDER,
    NOT_FOUND,
    NOTHING_FOUND,
    SEVERAL_FILES,
    TOO_LARGE,
    TOO_MANY_MEMBERS,
    UNPACKED,
    UNSAFE_MEMBER,
    BatchInputError,
    Entry,
    discover,
    import_extra,
)
from autograder.submission import NO_OTHER_FILES, NOTHING_IN_FOLDER, UNKNOWN_KIND

MODULE = "regularization"
CODE = "def dropout(x, p):\n    return x\n"
NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'

GRADESCOPE_METADATA = """\
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  - :name: Charles Babbage
    :sid:
    :email: charles@example.edu
  :created_at: 2024-03-01 10:15:42.123456789 -08:00
  :score: !ruby/object:BigDecimal 18:0.95e1
  :status: processed
submission_102:
  :submitters:
  - :name: Grace Hopper
    :sid: 1906
  :score: 10.0
submission_103:
  :submitters:
  - :name: Alan Turing
"""


def make(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text) under `root` and return it."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return path


def found(entries: list[Entry], root: Path) -> list[tuple]:
    """Entries as (student, path relative to root or None, problem, name): easy to compare whole."""
    return [(e.student, e.path.relative_to(root).as_posix() if e.path else None, e.problem, e.name) for e in entries]


def test_one_file_per_student_takes_the_stem_as_id_and_skips_what_is_nobodys_work(tmp_path):
    root = make(tmp_path / "uploads", {
        "bob.ipynb": NOTEBOOK, "alice.py": CODE, "carol.txt": CODE, "dave.py": CODE, "dave.txt": "notes",
        "README.md": "", "readme.txt": "", ".DS_Store": "", "Thumbs.db": "", "roster.csv": "", "__MACOSX/._x.py": ""})
    assert found(discover(root, MODULE, tmp_path / "work"), root) == [
        ("alice", "alice.py", None, ""),
        ("bob", "bob.ipynb", None, ""),
        ("carol", None, UNKNOWN_KIND.format(name="carol.txt"), ""),
        ("dave", "dave.py", None, ""),
    ]


def test_a_py_and_an_ipynb_from_one_student_is_a_problem_for_that_student(tmp_path):
    root = make(tmp_path / "uploads", {"erin.py": CODE, "erin.ipynb": NOTEBOOK})
    [entry] = discover(root, MODULE, tmp_path / "work")
    assert entry.problem == SEVERAL_FILES.format(names="erin.ipynb, erin.py")
    assert (entry.path, entry.origin) == (None, "erin.ipynb, erin.py")


def test_one_folder_per_student_finds_the_submission_inside(tmp_path):
    root = make(tmp_path / "uploads", {
        "alice/regularization.py": CODE, "bob/regularization.ipynb": NOTEBOOK, "bob/data.csv": "",
        "carol/notes.txt": "", ".git/config": ""})
    entries = discover(root, MODULE, tmp_path / "work")
    missing = NO_OTHER_FILES.format(missing=NOTHING_IN_FOLDER.format(module=MODULE, folder="carol"))
    assert found(entries, root) == [
        ("alice", "alice/regularization.py", None, ""),
        ("bob", "bob/regularization.ipynb", None, ""),
        ("carol", None, missing, ""),  # relative to the upload: the student never saw our folders
    ]
    assert [entry.origin for entry in entries] == ["alice/regularization.py", "bob/regularization.ipynb", "carol/"]


def test_a_zip_is_unpacked_into_workdir_and_its_wrapping_folder_stepped_into(tmp_path):
    archive = make_zip(tmp_path / "class.zip", {
        "class/alice/regularization.py": CODE, "class/bob.ipynb": NOTEBOOK,
        "__MACOSX/class/._bob.ipynb": "", "class/.DS_Store": ""})
    entries = discover(archive, MODULE, tmp_path / "work")
    unpacked = tmp_path / "work" / UNPACKED / "class"
    assert found(entries, unpacked) == [("alice", "alice/regularization.py", None, ""), ("bob", "bob.ipynb", None, "")]
    assert entries[0].path.read_text() == CODE
    assert not (tmp_path / "work" / UNPACKED / "__MACOSX").exists()


def test_a_zip_of_one_students_folder_is_not_stepped_into(tmp_path):
    archive = make_zip(tmp_path / "one.zip", {"alice/regularization.py": CODE})
    assert [entry.student for entry in discover(archive, MODULE, tmp_path / "work")] == ["alice"]


@pytest.mark.parametrize("member", ["../evil.py", "class/../../evil.py", "/tmp/evil.py", "..\\evil.py",
                                    "C:/evil.py"])
def test_a_zip_that_would_write_outside_workdir_is_refused_whole(tmp_path, member):
    archive = make_zip(tmp_path / "slip.zip", {"alice.py": CODE, member: CODE})
    with pytest.raises(BatchInputError) as refusal:
        discover(archive, MODULE, tmp_path / "work")
    assert str(refusal.value) == UNSAFE_MEMBER.format(path=archive, member=member)
    assert not (tmp_path / "evil.py").exists()
    assert not any((tmp_path / "work" / UNPACKED).iterdir())  # refused before anything was written


def test_a_zip_holding_a_symbolic_link_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        link = zipfile.ZipInfo("alice.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        bundle.writestr(link, "/etc/passwd")
    with pytest.raises(BatchInputError, match="symbolic link") as refusal:
        discover(archive, MODULE, tmp_path / "work")
    assert str(refusal.value) == LINK_MEMBER.format(path=archive, member="alice.py")


def test_links_are_never_followed_each_is_its_students_problem(tmp_path):
    secret = make(tmp_path / "instructor", {"regularization.py": CODE, "alice/regularization.py": CODE})
    root = make(tmp_path / "uploads", {"bob.py": CODE, "dave/regularization.py": CODE,
                                       "erin/notes.txt": "", "gus/regularization.py": CODE})
    (root / "alice.py").symlink_to(secret / "regularization.py")  # a file at the top
    (root / "carol").symlink_to(secret / "alice")  # a student's folder
    (root / "erin" / "regularization.py").symlink_to(secret / "regularization.py")  # inside a folder
    (root / "doejane_12345_67890_regularization.py").symlink_to(secret / "regularization.py")  # Canvas
    (root / "frank.py").symlink_to(tmp_path / "nowhere.py")  # dangling
    assert found(discover(root, MODULE, tmp_path / "work"), root) == [
        ("12345", None, LINKED.format(name="regularization.py"), "doejane"),
        ("alice", None, LINKED.format(name="alice.py"), ""),
        ("bob", "bob.py", None, ""),
        ("carol", None, LINKED.format(name="carol"), ""),
        ("dave", "dave/regularization.py", None, ""),
        ("erin", None, LINKED.format(name="erin/regularization.py"), ""),
        ("frank", None, LINKED.format(name="frank.py"), ""),
        ("gus", "gus/regularization.py", None, ""),
    ]


def test_a_gradescope_export_holding_links_gives_those_submitters_a_problem(tmp_path):
    secret = make(tmp_path / "instructor", {"regularization.py": CODE})
    root = make(tmp_path / "export", {"submission_metadata.yml": GRADESCOPE_METADATA,
                                      "submission_101/regularization.py": CODE})
    (root / "submission_102").symlink_to(secret)
    (root / "submission_103").mkdir()
    (root / "submission_103" / "regularization.py").symlink_to(secret / "regularization.py")
    entries = {entry.student: entry.problem for entry in discover(root, MODULE, tmp_path / "work")}
    assert entries == {"1815": None, "charles@example.edu": None,
                       "1906": LINKED.format(name="submission_102"),
                       "Alan Turing": LINKED.format(name="submission_103/regularization.py")}


def test_an_upload_that_is_itself_a_link_is_refused_saying_where_it_points(tmp_path):
    real = make(tmp_path / "uploads", {"alice.py": CODE})
    (tmp_path / "latest").symlink_to(real)
    with pytest.raises(BatchInputError) as refusal:
        discover(tmp_path / "latest", MODULE, tmp_path / "work")
    assert str(refusal.value) == LINK_UPLOAD.format(path=tmp_path / "latest", target=real)
    (real / "submission_metadata.yml").symlink_to(tmp_path / "elsewhere.yml")
    with pytest.raises(BatchInputError, match="submission_metadata.yml is a symbolic link"):
        discover(real, MODULE, tmp_path / "work")


def test_a_lone_linked_folder_is_not_stepped_into(tmp_path):
    secret = make(tmp_path / "instructor", {"alice/regularization.py": CODE, "bob.py": CODE})
    root = tmp_path / "uploads"
    root.mkdir()
    (root / "class").symlink_to(secret)
    assert found(discover(root, MODULE, tmp_path / "work"), root) == [("class", None, LINKED.format(name="class"), "")]


def test_a_zip_too_big_or_too_crowded_is_refused(tmp_path, monkeypatch):
    archive = make_zip(tmp_path / "big.zip", {"alice.py": CODE, "bob.py": CODE})
    monkeypatch.setattr(discovery, "MAX_MEMBERS", 1)
    with pytest.raises(BatchInputError) as refusal:
        discover(archive, MODULE, tmp_path / "work")
    assert str(refusal.value) == TOO_MANY_MEMBERS.format(path=archive, count=2, limit=1)
    monkeypatch.setattr(discovery, "MAX_MEMBERS", 10)
    monkeypatch.setattr(discovery, "MAX_UNPACKED_BYTES", len(CODE))
    with pytest.raises(BatchInputError) as refusal:
        discover(archive, MODULE, tmp_path / "work")
    assert str(refusal.value) == TOO_LARGE.format(path=archive, limit=len(CODE) / 1e9)


def test_a_damaged_zip_says_to_download_it_again(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BatchInputError) as refusal:
        discover(archive, MODULE, tmp_path / "work")
    assert str(refusal.value) == BAD_ZIP.format(path=archive, error="File is not a zip file")


def test_canvas_names_give_the_user_id_and_keep_the_latest_resubmission(tmp_path):
    root = make(tmp_path / "canvas", {
        "doejane_12345_67890_regularization.py": CODE,
        "smithjohn_LATE_222_500_regularization-1.ipynb": NOTEBOOK,
        "leebo_333_100_regularization.py": "old", "leebo_333_101_regularization-1.py": CODE,
        "kimsu_444_50_helpers.py": CODE, "kimsu_444_50_Regularization.py": CODE, "kimsu_444_50_notes.txt": "",
        "parkmin_555_60_report.pdf": "", "ohara_sean_666_70_hw2.py": CODE})
    assert found(discover(root, MODULE, tmp_path / "work"), root) == [
        ("12345", "doejane_12345_67890_regularization.py", None, "doejane"),
        ("222", "smithjohn_LATE_222_500_regularization-1.ipynb", None, "smithjohn"),
        ("333", "leebo_333_101_regularization-1.py", None, "leebo"),
        ("444", "kimsu_444_50_Regularization.py", None, "kimsu"),
        ("555", None, UNKNOWN_KIND.format(name="report.pdf"), "parkmin"),
        ("666", "ohara_sean_666_70_hw2.py", None, "ohara_sean"),  # the only .py counts, whatever its name
    ]


def test_canvas_files_uploaded_together_and_none_named_after_the_module_are_a_problem(tmp_path):
    root = make(tmp_path / "canvas", {"doejane_1_9_a.py": CODE, "doejane_1_9_b.ipynb": NOTEBOOK,
                                      "doejane_1_8_regularization.txt": ""})
    [entry] = discover(root, MODULE, tmp_path / "work")
    assert (entry.student, entry.problem) == ("1", SEVERAL_FILES.format(names="a.py, b.ipynb"))


def test_gradescope_export_gives_one_entry_per_submitter(tmp_path):
    archive = make_zip(tmp_path / "export.zip", {
        "assignment_77_export/submission_metadata.yml": GRADESCOPE_METADATA,
        "assignment_77_export/submission_101/regularization.py": CODE,
        "assignment_77_export/submission_102/regularization.ipynb": NOTEBOOK,
        "assignment_77_export/submission_103/hw.txt": ""})
    root = tmp_path / "work" / UNPACKED / "assignment_77_export"
    missing = NO_OTHER_FILES.format(missing=NOTHING_IN_FOLDER.format(module=MODULE, folder="submission_103"))
    assert found(discover(archive, MODULE, tmp_path / "work"), root) == [
        ("1815", "submission_101/regularization.py", None, "Ada Lovelace"),
        ("1906", "submission_102/regularization.ipynb", None, "Grace Hopper"),
        ("Alan Turing", None, missing, "Alan Turing"),
        ("charles@example.edu", "submission_101/regularization.py", None, "Charles Babbage"),  # Ada's group
    ]


def test_gradescope_metadata_that_is_not_a_list_of_submissions_is_refused(tmp_path):
    root = make(tmp_path / "export", {"submission_metadata.yml": "../escape:\n  :submitters: []\n"})
    with pytest.raises(BatchInputError) as refusal:
        discover(root, MODULE, tmp_path / "work")
    reason = "'../escape' is not a submission folder with a list of :submitters:"
    assert str(refusal.value) == BAD_METADATA.format(path=root / "submission_metadata.yml", reason=reason)


def test_student_ids_become_safe_folder_names(tmp_path):
    sids = ["a/b", "..hidden", 'c:d*e?\\"f\\"', " trailing. ", "\\abell"]  # YAML escapes: \" and \a (bell)
    metadata = "".join(f'submission_{n}:\n  :submitters:\n  - :sid: "{sid}"\n' for n, sid in enumerate(sids))
    root = make(tmp_path / "export", {"submission_metadata.yml": metadata, **{
        f"submission_{n}/regularization.py": CODE for n in range(5)}})
    students = [entry.student for entry in discover(root, MODULE, tmp_path / "work")]
    assert students == ["_bell", "a_b", "c_d_e__f_", "hidden", "trailing"]


@pytest.mark.parametrize(("files", "first", "second"), [
    ({"Alice.py": CODE, "alice.py": CODE}, ("Alice.py", "Alice"), ("alice.py", "alice")),
    ({"alice.py": CODE, "alice/regularization.py": CODE}, ("alice/regularization.py", "alice"),
     ("alice.py", "alice")),
])
def test_two_students_sharing_an_output_folder_are_an_error_naming_both(tmp_path, files, first, second):
    root = make(tmp_path / "uploads", files)
    with pytest.raises(BatchInputError) as refusal:
        discover(root, MODULE, tmp_path / "work")
    assert str(refusal.value) == COLLISION.format(first=first[0], first_id=first[1], second=second[0],
                                                  second_id=second[1], student=second[1])


def test_ids_that_differ_only_by_unsafe_characters_collide(tmp_path):
    metadata = "submission_1:\n  :submitters:\n  - :sid: a/b\n  - :sid: a_b\n"
    root = make(tmp_path / "export", {"submission_metadata.yml": metadata, "submission_1/regularization.py": CODE})
    with pytest.raises(BatchInputError, match="would share the output folder a_b"):
        discover(root, MODULE, tmp_path / "work")


def test_unusable_submissions_arguments_say_what_to_give(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "grades.tar").write_text("")
    make(tmp_path / "only_notes", {"README.md": "", ".DS_Store": ""})
    cases = {tmp_path / "missing": NOT_FOUND, tmp_path / "grades.tar": NOT_A_FOLDER,
             tmp_path / "empty": NOTHING_FOUND, tmp_path / "only_notes": NOTHING_FOUND}
    for path, template in cases.items():
        with pytest.raises(BatchInputError) as refusal:
            discover(path, MODULE, tmp_path / "work")
        assert str(refusal.value) == template.format(path=path)


def test_a_missing_extra_says_how_to_install_it():
    with pytest.raises(BatchInputError) as refusal:
        import_extra("no_such_module_here", "PyYAML", "read a Gradescope export")
    assert str(refusal.value) == INSTALL_BATCH.format(package="PyYAML", purpose="read a Gradescope export")
