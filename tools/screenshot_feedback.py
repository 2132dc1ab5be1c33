"""Take screenshots of feedback.html and summary.html in a real browser, to look at what students and instructors see.

    python tools/screenshot_feedback.py [--out /tmp/feedback-screenshots] [--chromium chromium]

Grades, through the `grade` command of this checkout, one submission per assignment holding known mistakes
(with the reference here, as an instructor's batch does, and once more without it, as a student's own run
does), and a small class of assignment2 with `grade batch`; then opens every page in headless Chromium
(Debian's `chromium` package) and saves full-page PNGs, cut into tiles of TILE pixels for viewing. Nothing
it writes belongs in the repository: the screenshots are for looking at, the pages are regenerated each time.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]

from submissions.mutations import with_mistakes  # noqa: E402 -- after the project is on the path

WIDTH, HEIGHT, TILE = 1280, 9000, 1600  # the browser window, taller than any page, and the tiles' height
MISTAKES = {  # assignment -> the known mistakes of its submission
    "assignment1": ["loss_sum", "ShallowNarrowExercise_train_gradient_ascent", "DeepNarrowLNN_train_no_stop"],
    "assignment2": ["l1_sqrt", "dropout_no_rescale", "Dropout_ignores_eval", "regularized_loss_swaps_lambdas"],
    "assignment3": ["momentum_step_torch_form", "adam_step_no_bias_correction", "rmsprop_step_keras_alpha"],
    "assignment4": ["train_test_split_sequential", "train_dev_test_split_round", "kfold_indices_fixed_seed"],
}
CLASS = {"ada": [], "bob": ["dropout_keeps_with_p"], "cyd": ["l2_takes_sqrt", "dropout_no_rescale"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/feedback-screenshots"))
    parser.add_argument("--chromium", default="chromium")
    options = parser.parse_args()
    if shutil.which(options.chromium) is None:
        sys.exit(f"{options.chromium} not found: apt-get install -y chromium")
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshot-feedback-") as scratch:
        pages = grade_examples(Path(scratch))
        for name, page in pages.items():
            tiles = screenshot(options.chromium, page, options.out / f"{name}.png")
            print(f"{name}: {', '.join(str(tile) for tile in tiles)}")


def grade_examples(scratch: Path) -> dict[str, Path]:
    """Grade the examples into `scratch`; return each page to look at, by name."""
    student_course = scratch / "student-course"  # the assignments without reference/: a student's own run
    shutil.copytree(PROJECT / "assignments", student_course / "assignments",
                    ignore=shutil.ignore_patterns("__pycache__"))
    pages = {}
    for name, mistakes in MISTAKES.items():
        submission = write_submission(scratch / "submissions" / name, name, mistakes)
        for course, who in ((PROJECT, "instructor"), (student_course, "student")):
            out = scratch / f"{name}-{who}"
            grade(["run", name, str(submission), "--feedback", str(out)], course)
            pages[f"{name}-{who}"] = out / "feedback.html"
    upload = scratch / "class"
    for student, mistakes in CLASS.items():
        write_submission(upload / student, "assignment2", mistakes)
    grade(["batch", "assignment2", str(upload), "--out", str(scratch / "batch"), "--jobs", "1"], PROJECT)
    pages["assignment2-summary"] = scratch / "batch" / "summary.html"
    pages["assignment2-batch-cyd"] = scratch / "batch" / "cyd" / "feedback.html"
    return pages


def write_submission(folder: Path, assignment: str, mistakes: list[str]) -> Path:
    """The reference solution with `mistakes` spliced in, written into `folder`."""
    import importlib

    known = importlib.import_module(f"submissions.{assignment}.mistakes").MISTAKES
    reference = next((PROJECT / "reference" / assignment).glob("[!t]*.py"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / reference.name
    path.write_text(with_mistakes(reference.read_text(), [known[mistake] for mistake in mistakes]))
    return path


def grade(arguments: list[str], course: Path) -> None:
    """Run this checkout's `grade` command; a failing test is expected, a grader failure is not."""
    environment = {"PATH": "/usr/bin:/bin", "GRADE_COURSE": str(course), "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, str(PROJECT / "cli.py"), *arguments], env=environment,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"grade {' '.join(arguments)} exited with {done.returncode}:\n{done.stderr}")


def screenshot(chromium: str, page: Path, png: Path) -> list[Path]:
    """Save `page` as seen in a WIDTH-wide window, trimmed of the empty bottom and cut into tiles."""
    from PIL import Image

    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(png).convert("RGB")
    height = _content_height(image)
    image = image.crop((0, 0, WIDTH, height))
    image.save(png)
    tiles = []
    for number, top in enumerate(range(0, height, TILE)):
        tile = png.with_name(f"{png.stem}-{number}.png")
        image.crop((0, top, WIDTH, min(height, top + TILE))).save(tile)
        tiles.append(tile)
    return tiles


def _content_height(image) -> int:
    """The height down to the last row that is not blank, plus a margin."""
    import numpy as np

    rows = np.flatnonzero((np.asarray(image) < 250).any(axis=(1, 2)))
    return min(image.height, int(rows[-1]) + 24) if rows.size else image.height


if __name__ == "__main__":
    main()
