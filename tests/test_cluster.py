"""`grade batch --cluster`: the same grades on a Dask cluster as on the local pool, submissions sent as bytes, the
coordinator writing every file, a bounded number of tasks in flight. A LocalCluster of two worker processes stands
in for the cluster; the [cluster] extra (dask.distributed) must be installed, as .ci/run does."""
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed",
                                  reason="dask.distributed is not installed: pip install -e '.[cluster]'")

from autograder.assignments import COURSE_VARIABLE, load_assignment  # noqa: E402
from autograder.batch import cluster as cluster_module  # noqa: E402
from autograder.batch.engine import GRADE_FILE, run_batch, suite_fingerprint  # noqa: E402
from autograder.exporters.feedback_folder import FEEDBACK_FILES, HTML_FILE, MARKDOWN_FILE, RESULTS_FILE  # noqa: E402
from cli import grade  # noqa: E402
from conftest import PROJECT, SUBMISSIONS  # noqa: E402
from submissions.assignment2.mistakes import MISTAKES  # noqa: E402
from submissions.mutations import with_mistakes  # noqa: E402

REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
TIMEOUT = 3.0
ANY_UID = re.compile(r"\buid \d+")
ANY_DURATION = re.compile(r"\bgraded in [0-9.]+ s")


@pytest.fixture(scope="module")
def dask_cluster():
    """Two worker processes of one thread each, which import this worktree's autograder."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), saved]))
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as local:
            yield local
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = saved


def make_class(folder):
    """Correct (.py and notebook), named mistakes, an untouched stub, an empty file, a hostile endless loop and a
    student folder holding nothing to grade."""
    folder.mkdir()
    reference = REFERENCE.read_text()
    texts = {"ada.py": reference, "bob.py": with_mistakes(reference, [MISTAKES["dropout_no_rescale"]]),
             "cyd.py": with_mistakes(reference, [MISTAKES["l2_takes_sqrt"]]),
             "dee.ipynb": (PROJECT / "assignments/assignment2/regularization.ipynb").read_text(),
             "eve.py": (SUBMISSIONS / "assignment2/hostile/infinite_loop.py").read_text(), "fay.py": "",
             "hal.ipynb": (SUBMISSIONS / "assignment2/notebooks/correct_with_training_loop.ipynb").read_text()}
    for name, text in texts.items():
        (folder / name).write_text(text)
    (folder / "ivy").mkdir()
    (folder / "ivy" / "notes.txt").write_text("nothing to grade here")


def stored(out):
    """Each student's stored grade.json, less what differs between any two runs: how long grading took and the
    uid the sandbox's child ran as (its pid plus a base)."""
    reports = {}
    for path in sorted(out.glob(f"*/{GRADE_FILE}")):
        data = json.loads(path.read_text())
        data["report"].pop("duration")
        data["report"]["layers"] = [ANY_UID.sub("uid N", layer) for layer in data["report"]["layers"]]
        reports[path.parent.name] = data
    return reports


def comparable(page) -> str:
    return ANY_DURATION.sub("graded in N s", ANY_UID.sub("uid N", page.read_text()))


def test_a_cluster_gives_the_grades_of_the_local_pool(tmp_path, course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    make_class(tmp_path / "class")
    run_batch(assignment, tmp_path / "class", tmp_path / "local", jobs=2, timeout=TIMEOUT)
    run_batch(assignment, tmp_path / "class", tmp_path / "cluster", timeout=TIMEOUT,
              cluster=dask_cluster.scheduler_address)
    local, on_cluster = stored(tmp_path / "local"), stored(tmp_path / "cluster")
    assert sorted(local) == ["ada", "bob", "cyd", "dee", "eve", "fay", "hal", "ivy"]
    assert on_cluster == local
    for name in ("grades.csv", "grades_canvas.csv"):
        assert (tmp_path / "cluster" / name).read_text() == (tmp_path / "local" / name).read_text()
    for name in (MARKDOWN_FILE, HTML_FILE):  # the same pages, but for the uid and the time grading took
        assert comparable(tmp_path / "cluster" / "bob" / name) == comparable(tmp_path / "local" / "bob" / name)


def test_a_local_resume_keeps_what_a_cluster_graded(tmp_path, course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    (tmp_path / "class").mkdir()
    shutil.copy(REFERENCE, tmp_path / "class" / "ada.py")
    run_batch(assignment, tmp_path / "class", tmp_path / "out", timeout=TIMEOUT,
              cluster=dask_cluster.scheduler_address)
    outcomes = []
    run_batch(assignment, tmp_path / "class", tmp_path / "out", resume=True, on_done=outcomes.append)
    assert [(outcome.student, outcome.skipped, outcome.score) for outcome in outcomes] == [("ada", True, 59.0)]


def test_a_worker_grades_bytes_whose_file_exists_nowhere(course, dask_cluster, grade_as):
    assignment = load_assignment("assignment2", course)
    source = with_mistakes(REFERENCE.read_text(), [MISTAKES["l2_takes_sqrt"]])
    files = cluster_module.course_files(assignment, suite_fingerprint(assignment))
    with distributed.Client(dask_cluster.scheduler_address) as client:
        shipped = client.scatter(files, broadcast=True)
        answer = client.submit(cluster_module.grade_bytes, shipped, "regularization.py", source.encode(),
                               TIMEOUT).result()
    local = grade_as("assignment2", source)
    assert [(r["name"], r["score"], r["mistake"]) for r in answer["report"]["results"]] == [
        (r.name, r.score, r.mistake) for r in local.results]
    assert answer["report"]["submission"] == "regularization.py"
    # The worker renders the student's files, plots drawn, for the coordinator only to write.
    assert sorted(answer["files"]) == sorted(FEEDBACK_FILES)
    assert "<img src=\"data:image/png;base64," in answer["files"][HTML_FILE]
    assert json.loads(answer["files"][RESULTS_FILE])["score"] == local.score


def test_a_worker_relays_to_a_grader_process_that_holds_none_of_its_environment(course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    files = cluster_module.course_files(assignment, suite_fingerprint(assignment))
    timeout = TIMEOUT + 0.5  # a grader of its own, started after the secret is set

    def set_secret():
        os.environ["CLUSTER_TOKEN"] = "s3cret"

    def graders():
        return [("torch" in sys.modules, b"s3cret" in Path(f"/proc/{grader.process.pid}/environ").read_bytes())
                for key, grader in cluster_module._graders.items() if key[1] == timeout]

    with distributed.Client(dask_cluster.scheduler_address) as client:
        client.run(set_secret)
        answer = client.submit(cluster_module.grade_bytes, files, "regularization.py", REFERENCE.read_bytes(),
                               timeout, pure=False).result()
        found = [grader for worker in client.run(graders).values() for grader in worker]
    assert answer["report"]["results"] and all(r["status"] == "passed" for r in answer["report"]["results"])
    # One grader process, which the worker started with the grader's environment alone; the worker itself grades
    # nothing, so it never imports torch.
    assert found == [(False, False)]


def test_a_grader_process_that_died_is_started_again(course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    files = cluster_module.course_files(assignment, suite_fingerprint(assignment))

    def kill_graders():
        for grader in cluster_module._graders.values():
            grader.process.kill()
            grader.process.wait()
        return len(cluster_module._graders)

    with distributed.Client(dask_cluster.scheduler_address) as client:
        first = client.submit(cluster_module.grade_bytes, files, "regularization.py", REFERENCE.read_bytes(),
                              TIMEOUT, pure=False).result()
        assert sum(client.run(kill_graders).values()) >= 1
        answers = client.gather([client.submit(cluster_module.grade_bytes, files, "regularization.py",
                                               REFERENCE.read_bytes(), TIMEOUT, pure=False) for _ in range(4)])
    assert first["report"]["results"] and all(r["status"] == "passed" for r in first["report"]["results"])
    assert [_scores(answer) for answer in answers] == [_scores(first)] * 4


def test_a_worker_keeps_few_graders_however_many_batches_it_serves(course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    files = cluster_module.course_files(assignment, suite_fingerprint(assignment))

    def graders():
        return {key[1]: grader.process.pid for key, grader in cluster_module._graders.items()}

    with distributed.Client(dask_cluster.scheduler_address) as client:
        worker = sorted(client.scheduler_info()["workers"])[0]
        kept = []
        for timeout in (TIMEOUT + 1, TIMEOUT + 2, TIMEOUT + 3):  # three batches, each with a grader of its own
            client.submit(cluster_module.grade_bytes, files, "regularization.py", b"x = 1\n", timeout,
                          workers=[worker], pure=False).result()
            kept.append(client.run(graders, workers=[worker])[worker])
    assert len(kept[-1]) == cluster_module.KEPT_GRADERS
    assert set(kept[-1]) == {TIMEOUT + 2, TIMEOUT + 3}  # the least recently used one was stopped
    assert not Path(f"/proc/{kept[1][TIMEOUT + 1]}").exists()


def _scores(answer) -> list:
    return [(result["name"], result["status"], result["score"]) for result in answer["report"]["results"]]


def test_a_worker_refuses_a_file_name_that_is_a_path(course, dask_cluster):
    assignment = load_assignment("assignment2", course)
    files = cluster_module.course_files(assignment, suite_fingerprint(assignment))
    with distributed.Client(dask_cluster.scheduler_address) as client:
        future = client.submit(cluster_module.grade_bytes, files, "../../regularization.py", b"x = 1\n", TIMEOUT)
        with pytest.raises(ValueError, match="not a plain file name"):
            future.result()


def test_a_large_class_streams_through_a_bounded_number_of_tasks(tmp_path, course, dask_cluster, monkeypatch):
    monkeypatch.setattr(cluster_module, "MIN_IN_FLIGHT", 2)
    monkeypatch.setattr(cluster_module, "IN_FLIGHT_PER_THREAD", 1)  # two worker threads: at most 2 in flight
    submitted, most = [], [0]
    submit = distributed.Client.submit

    def counting_submit(client, *args, **kwargs):
        most[0] = max(most[0], sum(not future.done() for future in submitted) + 1)
        submitted.append(submit(client, *args, **kwargs))
        return submitted[-1]

    monkeypatch.setattr(distributed.Client, "submit", counting_submit)
    (tmp_path / "class").mkdir()
    for number in range(12):
        shutil.copy(REFERENCE, tmp_path / "class" / f"student{number:02d}.py")
    graded = run_batch(load_assignment("assignment2", course), tmp_path / "class", tmp_path / "out",
                       timeout=TIMEOUT, cluster=dask_cluster.scheduler_address)
    assert len(submitted) == 12 and [report.score for _, report in graded] == [59.0] * 12
    assert most[0] <= 2


def test_an_address_nobody_answers_is_a_one_line_usage_error(tmp_path, course, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1)
    (tmp_path / "class").mkdir()
    shutil.copy(REFERENCE, tmp_path / "class" / "ada.py")
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "class"), "--out",
                                        str(tmp_path / "out"), "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "Could not reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
