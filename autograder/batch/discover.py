"""Find every student's submission in what an instructor downloaded from the LMS.

    SUBMISSIONS: a folder, or a .zip unpacked safely into workdir
        |  step into a lone wrapping folder ("assignment_123_export/")
        v
    submission_metadata.yml here? --yes--> Gradescope export: one Entry per submitter
        | no
        v
    each item at the top, by its shape:
        doejane_12345_67890_regularization.py   Canvas bulk download: the id is the Canvas user id 12345
        alice.py, alice.ipynb                   one file per student: the id is the file's stem
        alice/                                  one folder per student: find_submission(alice/, module)
        alice.zip                               a student's own zip (what otter-grader's export makes: the
                                                notebook, otter's log, maybe a PDF): its notebook is graded
        README.md, .DS_Store, __MACOSX/         not submissions: ignored
        |
        v
    Entry(student, path or problem, origin, name), sorted by student id

Decisions:
- No student is dropped silently. Only what is clearly nobody's work is ignored: dotfiles, __MACOSX and
  __pycache__, README and LICENSE files, Thumbs.db, desktop.ini and otter's __zip_filename__, and the
  instructor's own notes and tables (.md, .csv, .tsv, .xlsx, .yml, .yaml). Any other file is an attempt:
  `alice.txt` alone gives alice the problem "alice.txt is neither a .py file nor a .ipynb notebook."; beside
  `alice.py` it is ignored, and an `alice.py` beside an `alice.ipynb` is a problem, since only the student
  knows which one counts.
- Canvas: of one user's files, those named after the module are preferred (`regularization-2.py` counts:
  Canvas appends -1, -2... to a resubmitted file), else any .py, .ipynb or .zip; of those the highest
  submission id wins. The `lastfirst` part becomes the Entry's name, for the Canvas CSV.
- Gradescope: the id is :sid:, else :email:, else :name:; each member of a group gets an Entry for the same
  file. Tags PyYAML's safe loader does not know (Ruby objects) are read as the plain data under them.
- Student ids become folder names: `/ \\ : * ? " < > |` and control characters turn into `_`, leading dots
  and trailing dots and spaces go. Two ids equal after that, ignoring case (as macOS and Windows folders
  do), are an error naming both.
- A lone folder at the top is stepped into unless it holds `<module>.py` or `<module>.ipynb` itself: then
  it is one student's folder. So a batch of one student whose file is misnamed reads as layout (a).
- Problem sentences name paths relative to the upload: the unpacking folder means nothing to a student.
- A student's own .zip stands for the one .py or .ipynb it holds, wherever a file of theirs may be (alone at
  the top, as their Canvas file, alone in their folder), so a course using otter-grader's `grader.export()` zips
  gets the grades.csv the notebooks themselves would get. Of its members the notebooks count, else the .py
  files; of several, those named after the module; only that one member is read, into workdir (never a
  member that is a link, never more than a notebook may hold). A zip with none, or several, is that
  student's problem, like a folder would be. otter's log (.OTTER_LOG, a pickle) is never opened.
- Symbolic links are never followed: a link where a student's file or folder should be (at the top, inside
  a student's folder, in a Canvas download or a Gradescope export) is that student's problem, so a link to
  the reference solution is never graded as anyone's work; a zip holding a link, an upload that is itself a
  link, or a link for the Gradescope metadata is refused whole.
"""
import dataclasses
import importlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from autograder.submission import (MAX_NOTEBOOK_BYTES, MAX_SOURCE_BYTES, SUFFIXES, UNKNOWN_KIND, SubmissionNotFound,
                                   find_submission)

MAX_UNPACKED_BYTES = 2_000_000_000
MAX_MEMBERS = 50_000
MAX_WRAPPERS = 3  # lone folders stepped into, e.g. "download/assignment_123_export/"
MAX_ID_LENGTH = 100
COPY_CHUNK = 1 << 20
UNPACKED = "unpacked"  # the folder under workdir a .zip is unpacked into
ARCHIVED = "archived"  # the folder under workdir where the file a student's own .zip holds is read out to
ARCHIVE_SUFFIX = ".zip"
GRADESCOPE_METADATA = "submission_metadata.yml"
SYSTEM_NAMES = {"__macosx", "__pycache__"}
LITTER = {"thumbs.db", "desktop.ini", "__zip_filename__"}  # the last: otter-grader's note of its zip's name
NOTE_STEMS = {"readme", "license", "licence"}
NOTE_SUFFIXES = {".md", ".csv", ".tsv", ".xlsx", ".yml", ".yaml"}

CANVAS_NAME = re.compile(r"(?P<name>.+?)_(?:late_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<original>.+)",
                         re.IGNORECASE)
RESUBMITTED = re.compile(r"-\d+$")  # Canvas's suffix on a file uploaded again: regularization-1.py
GRADESCOPE_FOLDER = re.compile(r"\w[\w.-]*")
DRIVE = re.compile(r"[A-Za-z]:")
UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

INSTALL_BATCH = "{package} is needed to {purpose}; install it with: pip install -e '.[batch]'"
NOT_FOUND = "There is no folder or .zip file {path}."
LINK_UPLOAD = ("{path} is a symbolic link (to {target}); links are never followed, so give the folder or .zip "
               "file itself.")
LINKED = "{name} is a symbolic link, which the grader never follows; hand in the file itself."
NOT_A_FOLDER = ("{path} is neither a folder nor a .zip file; give the folder of submissions or the .zip "
                "downloaded from Canvas or Gradescope.")
BAD_ZIP = "{path} cannot be unpacked ({error}); download it again."
UNSAFE_MEMBER = ("{path} holds {member}, which would be written outside the folder it is unpacked to, so "
                 "nothing was unpacked; check the archive, unzip it yourself and give the folder instead.")
LINK_MEMBER = ("{path} holds a symbolic link, {member}, so nothing was unpacked; check the archive, unzip it "
               "yourself and give the folder instead.")
TOO_MANY_MEMBERS = "{path} holds {count} files; the limit is {limit}. Unzip it yourself and give the folder."
TOO_LARGE = "{path} unpacks to more than {limit:g} GB, the limit. Unzip it yourself and give the folder."
NOTHING_FOUND = ("No submissions in {path}: expected one .py or .ipynb file or one folder per student, a "
                 "Canvas bulk download or a Gradescope export.")
BAD_METADATA = "{path} is not a Gradescope submission_metadata.yml: {reason}. Export the submissions again."
COLLISION = ("{first} (student {first_id}) and {second} (student {second_id}) would share the output folder "
             "{student}; rename one of them.")
SEVERAL_FILES = "Several files could be the submission ({names}); keep only the one to grade."
NOTHING_ARCHIVED = "{name} holds no .py or .ipynb file to grade."
BAD_ARCHIVE = "{name} cannot be unpacked ({error}); hand it in again."
ARCHIVED_LINK = "{member} in {name} is a symbolic link, which the grader never follows; hand in the file itself."
ARCHIVED_TOO_BIG = "{member} in {name} is larger than {limit} MB, the most a submission may be."


@dataclass(frozen=True)
class Entry:
    """One student of the batch: the file to grade, or the sentence saying why there is none."""

    student: str  # the student id: output folder name and CSV key; safe as a single path component
    path: Path | None  # the file to grade; None when nothing gradable was found
    problem: str | None  # when path is None: why (it is reported as that student's grade 0)
    origin: str  # what it was called in the upload, for the instructor
    name: str = ""  # the name the LMS shows (Canvas lastfirst, Gradescope :name:), for the Canvas CSV


class BatchInputError(Exception):
    """An unusable SUBMISSIONS argument; the message says how to fix it."""


def discover(submissions: Path, module: str, workdir: Path) -> list[Entry]:
    """Return one Entry per student in `submissions`, sorted by student id, whatever the LMS's layout."""
    if submissions.is_symlink():
        raise BatchInputError(LINK_UPLOAD.format(path=submissions, target=os.readlink(submissions)))
    if submissions.is_dir():
        root = submissions
    elif submissions.is_file() and submissions.suffix.lower() == ".zip":
        root = _unpack(submissions, workdir / UNPACKED)
    elif submissions.exists():
        raise BatchInputError(NOT_A_FOLDER.format(path=submissions))
    else:
        raise BatchInputError(NOT_FOUND.format(path=submissions))
    root = _unwrap(root, module)
    if (root / GRADESCOPE_METADATA).is_symlink():
        path = root / GRADESCOPE_METADATA
        raise BatchInputError(LINK_UPLOAD.format(path=path, target=os.readlink(path)))
    if (root / GRADESCOPE_METADATA).is_file():
        entries = _gradescope_entries(root, module, workdir)
    else:
        entries = _top_level_entries(root, module, workdir)
    if not entries:
        raise BatchInputError(NOTHING_FOUND.format(path=submissions))
    return _with_safe_ids(entries)


def import_extra(module: str, package: str, purpose: str):
    """Import a module of the `batch` extra, or say how to install it: grading one student needs none."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise BatchInputError(INSTALL_BATCH.format(package=package, purpose=purpose)) from None


def _unpack(archive: Path, target: Path) -> Path:
    """Unpack `archive` into `target`, refusing archives that would write elsewhere or fill the disk."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True, mode=0o700)  # its parent lets sandboxed children through to their scratch
    try:
        with zipfile.ZipFile(archive) as bundle:
            _check_members(archive, bundle.infolist())
            members = [member for member in bundle.infolist()
                       if _parts(member.filename) and not any(map(_is_system, _parts(member.filename)))]
            budget = MAX_UNPACKED_BYTES
            for member in members:
                budget -= _unpack_member(bundle, member, target.joinpath(*_parts(member.filename)), archive, budget)
    # What a damaged, encrypted or oddly built archive raises while being read.
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError,
            FileExistsError, NotADirectoryError, IsADirectoryError) as error:
        raise BatchInputError(BAD_ZIP.format(path=archive, error=error)) from None
    return target


def _parts(member_name: str) -> list[str]:
    """Split a member's name into path components, taking `\\` as a separator too (zips made on Windows)."""
    return [part for part in member_name.replace("\\", "/").split("/") if part not in ("", ".")]


def _check_members(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse the whole archive before writing anything if one member is unsafe or it is too big."""
    if len(members) > MAX_MEMBERS:
        raise BatchInputError(TOO_MANY_MEMBERS.format(path=archive, count=len(members), limit=MAX_MEMBERS))
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or DRIVE.match(name) or ".." in name.split("/"):
            raise BatchInputError(UNSAFE_MEMBER.format(path=archive, member=member.filename))
        if stat.S_ISLNK(member.external_attr >> 16):
            raise BatchInputError(LINK_MEMBER.format(path=archive, member=member.filename))
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise BatchInputError(TOO_LARGE.format(path=archive, limit=MAX_UNPACKED_BYTES / 1e9))


def _unpack_member(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, destination: Path, archive: Path,
                   budget: int) -> int:
    """Write one member and return its size, counting the bytes themselves: a declared size can lie."""
    if member.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with bundle.open(member) as source, destination.open("wb") as sink:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            if written > budget:
                raise BatchInputError(TOO_LARGE.format(path=archive, limit=MAX_UNPACKED_BYTES / 1e9))
            sink.write(chunk)
    return written


def _is_system(name: str) -> bool:
    """Tell whether a name is a dotfile or a tool's folder (__MACOSX), which no student made on purpose."""
    return name.startswith(".") or name.lower() in SYSTEM_NAMES


def _is_not_a_submission(item: Path) -> bool:
    """Tell whether a top-level item is clearly nobody's work, so it is skipped rather than reported."""
    if _is_system(item.name):
        return True
    if item.is_dir():
        return False
    return (item.name.lower() in LITTER or item.stem.lower() in NOTE_STEMS
            or item.suffix.lower() in NOTE_SUFFIXES)


def _unwrap(root: Path, module: str) -> Path:
    """Step into lone wrapping folders, so a zipped folder of submissions reads like the folder itself."""
    for _ in range(MAX_WRAPPERS):
        items = [item for item in root.iterdir() if not _is_not_a_submission(item)]
        lone = items[0] if len(items) == 1 and items[0].is_dir() and not items[0].is_symlink() else None
        if lone is None or (root / GRADESCOPE_METADATA).is_file():
            break
        if any((lone / f"{module}{suffix}").is_file() for suffix in SUFFIXES):
            break  # one student's folder, not a wrapper
        root = lone
    return root


def _top_level_entries(root: Path, module: str, workdir: Path) -> list[Entry]:
    """Read each item at the top as a Canvas file, a student's own file or a student's folder."""
    entries, canvas, by_stem = [], {}, {}
    for item in sorted(root.iterdir()):
        if _is_system(item.name):
            continue
        match = CANVAS_NAME.fullmatch(item.name) if item.is_file() or item.is_symlink() else None
        if match:  # before the notes: a Canvas student who uploaded only README.md still gets an entry
            canvas.setdefault(match["user"], []).append((match, item))
        elif _is_not_a_submission(item):
            continue
        elif item.is_dir():
            entries.append(_folder_entry(item.name, item, module, root, workdir))
        else:
            by_stem.setdefault(item.stem, []).append((item, item.name))
    entries += [_canvas_entry(user, files, module, workdir) for user, files in canvas.items()]
    entries += [_pick(stem, files, module, workdir) for stem, files in by_stem.items()]
    return entries


def _canvas_entry(user: str, files: list[tuple[re.Match, Path]], module: str, workdir: Path) -> Entry:
    """Pick a Canvas user's file: named after the module if one is, else any .py, .ipynb or .zip; the latest."""
    gradable = [(match, path) for match, path in files if path.suffix.lower() in (*SUFFIXES, ARCHIVE_SUFFIX)]
    named = [(match, path) for match, path in gradable
             if RESUBMITTED.sub("", Path(match["original"]).stem).lower() == module.lower()]
    pool = named or gradable or files
    latest = max(int(match["submission"]) for match, _ in pool)
    chosen = [(path, match["original"]) for match, path in pool if int(match["submission"]) == latest]
    return _pick(user, chosen, module, workdir, name=files[0][0]["name"])


def _pick(student: str, files: list[tuple[Path, str]], module: str, workdir: Path, name: str = "") -> Entry:
    """Make an entry of the files that may be a student's submission, each with the name the student gave it; a
    lone .zip among them stands for the file it holds."""
    gradable = [(path, label) for path, label in files if path.suffix.lower() in SUFFIXES]
    archives = [(path, label) for path, label in files if path.suffix.lower() == ARCHIVE_SUFFIX]
    if not gradable and len(archives) == 1:
        return _archive_entry(student, *archives[0], module, workdir, name)
    origin = ", ".join(path.name for path, _ in gradable or files)
    if len(gradable) == 1:
        path, label = gradable[0]
        if path.is_symlink():
            return Entry(student, None, LINKED.format(name=label), origin, name)
        return Entry(student, path, None, origin, name)
    if gradable:
        problem = SEVERAL_FILES.format(names=", ".join(label for _, label in gradable))
    else:
        problem = UNKNOWN_KIND.format(name=files[0][1])
    return Entry(student, None, problem, origin, name)


def _folder_entry(student: str, folder: Path, module: str, root: Path, workdir: Path, name: str = "") -> Entry:
    """Find the submission in a student's folder, else the lone .zip there; when there is neither,
    find_submission's sentence is the problem."""
    origin = folder.relative_to(root).as_posix() + "/"
    if folder.is_symlink():
        return Entry(student, None, LINKED.format(name=origin.rstrip("/")), origin, name)
    try:
        path = find_submission(folder, module)
    except SubmissionNotFound as error:
        archives = [item for item in sorted(folder.iterdir())
                    if item.suffix.lower() == ARCHIVE_SUFFIX and not _is_system(item.name)]
        if len(archives) == 1:
            label = archives[0].relative_to(root).as_posix()
            return _archive_entry(student, archives[0], label, module, workdir, name)
        problem = str(error).replace(f"{root}/", "")
        return Entry(student, None, problem, origin, name)
    if path.is_symlink():
        return Entry(student, None, LINKED.format(name=path.relative_to(root).as_posix()), origin, name)
    return Entry(student, path, None, path.relative_to(root).as_posix(), name)


def _archive_entry(student: str, archive: Path, label: str, module: str, workdir: Path, name: str) -> Entry:
    """Make an entry of the file a student's own zip holds, read out into workdir; or say why there is none."""
    origin = label if label == archive.name else f"{label} ({archive.name})"
    if archive.is_symlink():
        return Entry(student, None, LINKED.format(name=label), origin, name)
    try:
        with zipfile.ZipFile(archive) as bundle:
            member, problem = _archived_member(bundle, label, module)
            if member is None:
                return Entry(student, None, problem, origin, name)
            limit = MAX_NOTEBOOK_BYTES if member.filename.lower().endswith(".ipynb") else MAX_SOURCE_BYTES
            target = Path(tempfile.mkdtemp(dir=_made(workdir / ARCHIVED))) / _parts(member.filename)[-1]
            _unpack_member(bundle, member, target, archive, limit)
    # What a damaged, encrypted or oddly built archive raises while being read.
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
        return Entry(student, None, BAD_ARCHIVE.format(name=label, error=error), origin, name)
    except BatchInputError:  # the member outgrew `limit` while being written
        problem = ARCHIVED_TOO_BIG.format(member=member.filename, name=label, limit=limit // 10**6)
        return Entry(student, None, problem, origin, name)
    return Entry(student, target, None, f"{origin}: {member.filename}", name)


def _archived_member(bundle: zipfile.ZipFile, label: str, module: str) -> tuple[zipfile.ZipInfo | None, str | None]:
    """Choose the member of a student's zip to grade: its notebook, else its .py; of several, those named after
    the module. Return it, or None and the sentence saying why there is none."""
    files = [member for member in bundle.infolist() if not member.is_dir() and _parts(member.filename)
             and not any(map(_is_system, _parts(member.filename)))]
    gradable = [member for member in files if Path(_parts(member.filename)[-1]).suffix.lower() in SUFFIXES]
    notebooks = [member for member in gradable if member.filename.lower().endswith(".ipynb")]
    candidates = notebooks or gradable
    named = [member for member in candidates if Path(_parts(member.filename)[-1]).stem.lower() == module.lower()]
    chosen = named if len(candidates) > 1 and named else candidates
    if not chosen:
        return None, NOTHING_ARCHIVED.format(name=label)
    if len(chosen) > 1:
        return None, SEVERAL_FILES.format(names=", ".join(member.filename for member in chosen))
    if stat.S_ISLNK(chosen[0].external_attr >> 16):
        return None, ARCHIVED_LINK.format(member=chosen[0].filename, name=label)
    return chosen[0], None


def _made(folder: Path) -> Path:
    """`folder`, made if need be (private to this user, as workdir's other folders)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _gradescope_entries(root: Path, module: str, workdir: Path) -> list[Entry]:
    """Make one entry per submitter in a Gradescope export; the members of a group share their file."""
    metadata = _read_metadata(root / GRADESCOPE_METADATA)
    entries = []
    for key, submission in metadata.items():
        submitters = _field(submission, "submitters")
        if not GRADESCOPE_FOLDER.fullmatch(str(key)) or not isinstance(submitters, list):
            reason = f"{key!r} is not a submission folder with a list of :submitters:"
            raise BatchInputError(BAD_METADATA.format(path=root / GRADESCOPE_METADATA, reason=reason))
        found = _folder_entry(str(key), root / str(key), module, root, workdir)
        for person in submitters:
            name = str(_field(person, "name") or "")
            entries.append(dataclasses.replace(found, student=_submitter_id(person, str(key)), name=name))
    return entries


def _read_metadata(path: Path) -> dict:
    """Read submission_metadata.yml as plain data, whatever Ruby objects Gradescope wrote into it."""
    yaml = import_extra("yaml", "PyYAML", "read a Gradescope export")
    # SafeLoader builds nothing but plain data; tags it does not know are read as the data under them.
    loader = type("PlainDataLoader", (yaml.SafeLoader,), {})
    loader.add_constructor(None, _plain)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise BatchInputError(BAD_METADATA.format(path=path, reason=f"it is not YAML ({error})")) from None
    if not isinstance(data, dict):
        raise BatchInputError(BAD_METADATA.format(path=path, reason="it is not a mapping of submissions"))
    return data


def _plain(loader, node):
    """Build a node under an unknown tag as plain data, so `!ruby/object:BigDecimal 10.0` reads as text."""
    if node.id == "mapping":
        return loader.construct_mapping(node, deep=True)
    if node.id == "sequence":
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


def _field(mapping, key: str):
    """Read a key written Ruby-style (`:sid:` loads as ":sid") or plainly; None when absent."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(f":{key}", mapping.get(key))


def _submitter_id(person, fallback: str) -> str:
    """Identify a submitter by student id, else email, else name, as an instructor's roster would."""
    for key in ("sid", "email", "name"):
        value = _field(person, key)
        if value not in (None, ""):
            return str(value)
    return fallback


def _with_safe_ids(entries: list[Entry]) -> list[Entry]:
    """Make each student id a safe folder name and refuse two ids that would share one folder."""
    kept: dict[str, tuple[Entry, Entry]] = {}
    for entry in entries:
        safe = dataclasses.replace(entry, student=_safe_id(entry.student))
        other, original = kept.setdefault(safe.student.casefold(), (safe, entry))
        if other is not safe:
            raise BatchInputError(COLLISION.format(first=original.origin, first_id=original.student,
                                                   second=entry.origin, second_id=entry.student,
                                                   student=safe.student))
    return sorted((safe for safe, _ in kept.values()), key=lambda entry: (entry.student.casefold(), entry.student))


def _safe_id(student: str) -> str:
    """Turn a student id into one path component that every file system accepts."""
    cleaned = UNSAFE_CHARACTERS.sub("_", student.strip()).lstrip(".").rstrip(". ")
    return cleaned[:MAX_ID_LENGTH].rstrip(". ") or "_"
