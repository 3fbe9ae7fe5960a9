"""The nbgrader course: made from solutions/, released like exercises/, graded by real nbgrader.

The fast tests read the generated notebooks and run nbgrader's own preprocessors in-process. The
end-to-end test runs the nbgrader command line in a temporary folder (course, gradebook,
exchange and HOME all inside it): generate_assignment for every lesson, then autograde and
generate_feedback for three submissions of lesson 03, with scores read from the gradebook.
"""

from __future__ import annotations

import copy
import html
import importlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from netcourse.checks import cidr, registered
from netcourse.errors import ExerciseError
from netcourse.lessons import LESSONS
from netcourse.tools import nbgrader_course
from netcourse.tools.make_exercises import solution_lines
from netcourse.tools.nbgrader_course import (
    DEFAULT_OUT,
    GRADING,
    Grading,
    assignment_notebook,
    course_files,
    grading,
)

ROOT = Path(__file__).resolve().parents[2]
LESSON_SLUGS = [item.slug for item in LESSONS[1:]]
GRADED = "03-cidr-and-subnets"  # the lesson whose assignment the three submissions answer
BIN = Path(sys.executable).parent


def _solution(slug: str):
    return nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)


def _exercise(slug: str):
    return nbformat.read(ROOT / "exercises" / f"{slug}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def sources() -> dict[str, nbformat.NotebookNode]:
    files = course_files(ROOT)
    return {
        slug: nbformat.reads(files[Path("source") / slug / f"{slug}.ipynb"], as_version=4)
        for slug in LESSON_SLUGS
    }


def _kind(cell) -> str:
    meta = cell.metadata["nbgrader"]
    if meta["grade"] and not meta["solution"]:
        return "test"
    if meta["solution"]:
        return "answer"
    return "read-only"


def _tests(nb) -> dict[str, dict]:
    return {
        c.metadata.nbgrader.grade_id: c.metadata.nbgrader for c in nb.cells if _kind(c) == "test"
    }


def _check_names(slug: str) -> list[str]:
    """The exercises the lesson's check module registers (not the test-only ones of tests/)."""
    return [
        ex.name
        for ex in registered()
        if ex.lesson == slug and ex.check.__module__.startswith("netcourse.checks.")
    ]


def _points(slug: str, kind: str = "test") -> int:
    """The points declared for a lesson's checks (kind "test") or its written answers."""
    names = _check_names(slug)
    if kind == "written":
        count = sum(MD in c.source for c in _solution(slug).cells if c.cell_type == "markdown")
        names = [f"written-{n}" for n in range(1, count + 1)]
    return sum(grading(slug, name).points for name in names)


MD = "<!-- BEGIN SOLUTION -->"


# --- the source notebooks -------------------------------------------------------------------


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_every_check_of_a_lesson_is_one_test_cell_with_its_declared_points(sources, slug):
    tests = _tests(sources[slug])
    names = set(_check_names(slug))
    assert set(tests) == names and len(names) >= 3
    for name, meta in tests.items():
        assert meta["points"] == GRADING.get((slug, name), nbgrader_course.Grading()).points
        assert meta["locked"] and meta["schema_version"] == 3


def test_points_differ_from_the_default_where_declared(sources):
    assert _tests(sources[GRADED])["office-plan"]["points"] == 2
    assert _tests(sources[GRADED])["usable-hosts"]["points"] == 1


def test_the_grading_table_names_only_real_exercises(sources):
    known = {(slug, name) for slug in LESSON_SLUGS for name in _check_names(slug)}
    for slug, nb in sources.items():
        known |= {
            (slug, c.metadata.nbgrader.grade_id) for c in nb.cells if c.cell_type == "markdown"
        }
    assert set(GRADING) <= known, set(GRADING) - known


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_nbgrader_accepts_the_metadata(sources, slug):
    from nbgrader.nbgraderformat import MetadataValidator

    nb = sources[slug]
    MetadataValidator().validate_nb(nb)  # unique grade ids, points, markdown grade+solution
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        assert set(meta) >= {"grade", "solution", "locked", "grade_id", "schema_version"}
        assert re.fullmatch(r"[A-Za-z0-9_-]+", meta["grade_id"])
        if _kind(cell) == "answer":
            assert not meta["locked"]
            begin = "### BEGIN SOLUTION" if cell.cell_type == "code" else MD
            assert begin in cell.source


def test_an_answer_cell_is_the_stub_then_the_solution_and_its_test_the_strict_check(sources):
    cells = {c.id: c for c in sources[GRADED].cells}
    assert cells["cidr-04"].source == "\n".join(
        [
            "answer = ...  # your answer here",
            "### BEGIN SOLUTION",
            "answer = subnet(check.USABLE_HOSTS_NET).usable_hosts",
            "### END SOLUTION",
        ]
    )
    assert cells["cidr-04-test"].source.split("\n")[-1] == "check.usable_hosts.strict(answer)"
    hidden = cells["cidr-13-test"].source.split("\n")
    assert hidden[1:] == [
        "### BEGIN HIDDEN TESTS",
        "check.next_hop.strict(answer)",
        "### END HIDDEN TESTS",
    ]


def _release(nb):
    """What nbgrader generate_assignment makes of a source notebook, with the course's config."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    config = _config(course_files(ROOT)[Path("nbgrader_config.py")])
    released, resources = ClearSolutions(config=config).preprocess(copy.deepcopy(nb), {})
    released, _ = ClearHiddenTests(config=config).preprocess(released, resources)
    return released


def _strict_call(test_cell) -> str:
    """The strict check a test cell runs, visible or hidden."""
    return next(line for line in test_cell.source.split("\n") if ".strict(" in line)


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_the_released_notebook_reads_like_the_exercise_notebook(sources, slug):
    """Each answer cell with its test's check gives back the exercise's cell, stub and check."""
    source = {c.id: c for c in sources[slug].cells}
    released = {c.id: c for c in _release(sources[slug]).cells}
    for ex_cell in _exercise(slug).cells[1:]:  # after the exercise notebook's own header
        text = released[ex_cell.id].source
        test = source.get(f"{ex_cell.id}-test")
        if test is not None:
            text = text.rstrip("\n") + "\n" + _strict_call(test).replace(".strict(", "(", 1)
        assert text == ex_cell.source, ex_cell.id


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_the_released_notebook_shows_no_solution_and_no_hidden_test(sources, slug):
    released = _release(sources[slug])
    text = "\n".join(c.source for c in released.cells)
    assert not [line for line in solution_lines(_solution(slug)) if line in text]
    source = {c.id: c for c in sources[slug].cells}
    for cell in released.cells:
        if _kind(cell) == "test":
            name = cell.metadata.nbgrader.grade_id
            shown = _strict_call(source[cell.id]) in cell.source
            assert shown is not grading(slug, name).hidden, name


# --- generation ------------------------------------------------------------------------------


def test_regenerating_gives_identical_files_and_check_finds_a_stale_one(tmp_path, capsys):
    out = tmp_path / "course"
    assert nbgrader_course.main(["--root", str(ROOT), "--out", str(out)]) == 0
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert len(first) == 1 + len(LESSON_SLUGS)
    assert nbgrader_course.main(["--root", str(ROOT), "--out", str(out), "--check"]) == 0
    assert nbgrader_course.main(["--root", str(ROOT), "--out", str(out)]) == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    notebook = out / "source" / GRADED / f"{GRADED}.ipynb"
    altered = notebook.read_text().replace("usable_hosts", "usable_host")
    notebook.write_text(altered)
    capsys.readouterr()
    assert nbgrader_course.main(["--root", str(ROOT), "--out", str(out), "--check"]) == 1
    assert f"{notebook}: stale" in capsys.readouterr().out
    assert notebook.read_text() == altered  # --check changes nothing


def test_an_assignment_without_a_solution_notebook_is_reported(tmp_path, capsys):
    out = tmp_path / "course"
    nbgrader_course.main(["--root", str(ROOT), "--out", str(out)])
    stray = out / "source" / "99-old" / "99-old.ipynb"
    stray.parent.mkdir()
    stray.write_text("{}")
    assert nbgrader_course.main(["--root", str(ROOT), "--out", str(out), "--check"]) == 1
    assert "99-old.ipynb: has no solution notebook" in capsys.readouterr().err


def _config(text: str):
    from traitlets.config import Config

    config = Config()
    exec(text, {"get_config": lambda: config})
    return config


def test_the_course_id_is_the_hubs_when_given(tmp_path):
    out = tmp_path / "course"
    nbgrader_course.main(["--root", str(ROOT), "--out", str(out), "--course-id", "net101"])
    assert _config((out / "nbgrader_config.py").read_text()).CourseDirectory.course_id == "net101"
    default = course_files(ROOT)[Path("nbgrader_config.py")]
    assert _config(default).CourseDirectory.course_id == "netcourse"
    with pytest.raises(ExerciseError, match="course id 'net 101': expected letters"):
        course_files(ROOT, "net 101")


def test_the_default_course_folder_is_ignored_by_git():
    """The course is rebuilt from solutions/ and never committed, so it cannot go stale there."""
    probe = DEFAULT_OUT / "source" / GRADED / f"{GRADED}.ipynb"
    done = subprocess.run(
        ["git", "check-ignore", "-q", str(probe)], cwd=ROOT, capture_output=True, timeout=30
    )
    if done.returncode == 128:
        pytest.skip(f"not a git checkout: {done.stderr.decode().strip()}")
    assert done.returncode == 0, f"{probe} is not git-ignored"


def _with_cell(source: str):
    nb = copy.deepcopy(_solution(GRADED))
    nb.cells[4].source = source
    return nb


@pytest.mark.parametrize(
    "source, message",
    [
        ("# BEGIN SOLUTION\nanswer = 1\n# END SOLUTION", "must end with its check"),
        ("# BEGIN SOLUTION\nanswer = 1\n# END SOLUTION\ncheck.nope(answer)", "check.nope is not"),
        ("# BEGIN SOLUTION\nanswer = 1\ncheck.usable_hosts(answer)", "never closed"),
    ],
)
def test_a_malformed_exercise_cell_is_an_error_that_names_the_cell(source, message):
    with pytest.raises(ExerciseError, match=message) as info:
        assignment_notebook(_with_cell(source), f"{GRADED}.ipynb")
    assert f"solutions/{GRADED}.ipynb cell 4" in str(info.value)


# --- real nbgrader, end to end ---------------------------------------------------------------


def _env(tmp: Path) -> dict[str, str]:
    """nbgrader's and the kernels' environment: every Jupyter folder and HOME inside ``tmp``."""
    env = dict(os.environ)
    env.update(
        HOME=str(tmp / "home"),
        JUPYTER_CONFIG_DIR=str(tmp / "home" / ".jupyter"),
        JUPYTER_DATA_DIR=str(tmp / "home" / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "home" / "runtime"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",  # nbgrader runs `alembic` from PATH
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        NETCOURSE_PROGRESS=str(tmp / "progress.json"),
    )
    return env


def _options(tmp: Path) -> list[str]:
    return [
        f"--CourseDirectory.root={tmp / 'course'}",
        f"--CourseDirectory.db_url=sqlite:///{tmp / 'gradebook.db'}",
        f"--Exchange.root={tmp / 'exchange'}",
    ]


def _run(tmp: Path, command: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command,
        cwd=tmp / "course",
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


#: Runs nbgrader steps (``generate_assignment:ASSIGNMENT``, ``autograde:ASSIGNMENT:STUDENT``,
#: ...) in one process through nbgrader's API, the one formgrader's buttons call, with the
#: course's nbgrader_config.py: one nbgrader start-up (7 s on a busy machine) for all of them.
NBGRADER = """
import json, sys
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import KeyValueConfigLoader, PyFileConfigLoader

options = [arg for arg in sys.argv[1:] if arg.startswith("--")]
steps = [arg.split(":") for arg in sys.argv[1:] if not arg.startswith("--")]
config = PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
config.merge(KeyValueConfigLoader(options).load_config())
api = NbGraderAPI(CourseDirectory(config=config), config=config)
for step in steps:
    result = getattr(api, step[0])(*step[1:])
    outcome = [":".join(step), result["success"], result.get("error", ""), result.get("log", "")]
    print(json.dumps(outcome))
"""


def _nbgrader(tmp: Path, *steps: str) -> float:
    """Run nbgrader steps and ``--Option=value`` settings in ``tmp``'s course; return seconds."""
    started = time.perf_counter()
    done = _run(tmp, [sys.executable, "-c", NBGRADER, *_options(tmp), *steps])
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("[")]
    assert len(outcomes) == len([step for step in steps if not step.startswith("--")])
    for step, success, error, log in outcomes:
        assert success, f"{step}: {error}\n{log}"
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder written by the tool, every lesson's assignment released by nbgrader.

    Without the gradebook here (``--no-db``): nbgrader's migrations and its ``alembic`` call
    would cost seconds per assignment; the end-to-end test generates its assignment with one.
    """
    tmp = tmp_path_factory.mktemp("nbgrader")
    (tmp / "home").mkdir()
    (tmp / "exchange").mkdir()
    nbgrader_course.main(["--root", str(ROOT), "--out", str(tmp / "course")])
    steps = [f"generate_assignment:{slug}" for slug in LESSON_SLUGS]
    no_db = "--GenerateAssignment.no_database=True", "--SaveCells.enabled=False"  # as --no-db
    seconds = _nbgrader(tmp, *no_db, *steps)
    print(f"generate_assignment x{len(LESSON_SLUGS)}: {seconds:.1f} s")
    return tmp


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_nbgrader_generates_every_lessons_assignment(course, slug):
    released = nbformat.read(course / "course" / "release" / slug / f"{slug}.ipynb", as_version=4)
    text = "\n".join(c.source for c in released.cells)
    assert not [line for line in solution_lines(_solution(slug)) if line in text]
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    graded = [c.metadata.nbgrader for c in released.cells if c.metadata.nbgrader.get("grade")]
    assert all("checksum" in meta for meta in graded)  # nbgrader's own, for autograde
    assert sum(meta.points for meta in graded) == _points(slug) + _points(slug, "written")


#: ``nbgrader validate`` of each notebook named, one JSON line of failures per notebook.
VALIDATE = """
import json, sys
from nbgrader.validator import Validator

for path in sys.argv[1:]:
    print(json.dumps([path, Validator().validate(path)]))
"""


@pytest.mark.slow  # six notebooks run in nbgrader kernels: 25-41 s on the shared machine
def test_nbgrader_validate_passes_every_test_of_every_lesson_with_the_solutions(course):
    """Every test cell, hidden ones included, passes on the solutions: nothing is ungradable."""
    paths = [str(course / "course" / "source" / s / f"{s}.ipynb") for s in LESSON_SLUGS]
    started = time.perf_counter()
    done = _run(course, [sys.executable, "-c", VALIDATE, *paths], timeout=600)
    print(f"validate x{len(paths)}: {time.perf_counter() - started:.1f} s")
    results = dict(json.loads(line) for line in done.stdout.splitlines() if line.startswith("["))
    assert set(results) == set(paths)
    failures = {Path(path).stem: result for path, result in results.items() if result}
    assert not failures


def _answers(slug: str) -> dict[str, str]:
    """Each exercise cell's answer as a learner would type it: the solution, without markers."""
    answers = {}
    for cell in _solution(slug).cells:
        if "BEGIN SOLUTION" not in cell.source:
            continue
        lines = cell.source.split("\n")
        answers[cell.id] = "\n".join(
            line
            for line in lines
            if "BEGIN SOLUTION" not in line
            and "END SOLUTION" not in line
            and not line.startswith("check.")
        )
    return answers


def _submit(course: Path, student: str, changes: dict[str, str]) -> None:
    """Submit the released notebook with every answer filled in, except as ``changes`` say."""
    release = course / "course" / "release" / GRADED / f"{GRADED}.ipynb"
    nb = nbformat.read(release, as_version=4)
    answers = _answers(GRADED) | changes
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    folder = course / "course" / "submitted" / student / GRADED
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{GRADED}.ipynb")


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow  # 26-45 s on the shared machine, beside the 7-25 s of the course fixture
def test_nbgrader_autogrades_three_submissions_from_the_declared_points(course):
    from nbgrader.api import Gradebook

    release = nbformat.read(course / "course" / "release" / GRADED / f"{GRADED}.ipynb", 4)
    stub = next(c.source for c in release.cells if c.id == "cidr-13")
    assert stub.strip() == "answer = ...  # your answer here"
    # A wrong plan, computed here without netcourse: four /28s in a row, too small for sales.
    parent = ipaddress.ip_network(cidr.PLAN_PARENT)
    blocks = list(parent.subnets(new_prefix=28))
    wrong_plan = {name: str(blocks[i]) for i, name in enumerate(cidr.PLAN_NEEDS)}
    feedback = cidr.office_plan.feedback(wrong_plan)
    assert feedback.ok is False
    _submit(course, "full", {})
    _submit(course, "wrong", {"cidr-16": f"answer = {wrong_plan!r}"})
    _submit(course, "blank", {"cidr-13": stub})  # next-hop as released: its test is hidden

    steps = f"generate_assignment:{GRADED}", f"autograde:{GRADED}:*", f"generate_feedback:{GRADED}"
    seconds = _nbgrader(course, *steps)
    print(f"generate_assignment, autograde x3 and generate_feedback x3: {seconds:.1f} s")

    total, written = _points(GRADED), _points(GRADED, "written")
    plan, hop = grading(GRADED, "office-plan").points, grading(GRADED, "next-hop").points
    lost = {"full": 0, "wrong": plan, "blank": hop}
    # The declared points, not the default everywhere: office-plan is worth 2, the rest 1 each.
    assert (plan, hop) == (2, 1) and total == len(_check_names(GRADED)) + 1
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, points_lost in lost.items():
            submission = gb.find_submission(GRADED, student)
            assert submission.max_score == total + written
            assert submission.score == total - points_lost, student
            assert submission.needs_manual_grade  # the written answer waits for a person
        assert gb.find_grade("office-plan", GRADED, GRADED, "wrong").auto_score == 0
        assert gb.find_grade("office-plan", GRADED, GRADED, "full").auto_score == plan
        assert gb.find_grade("next-hop", GRADED, GRADED, "blank").auto_score == 0
        assert gb.find_grade("next-hop", GRADED, GRADED, "full").auto_score == hop

    page = course / "course" / "feedback" / "wrong" / GRADED / f"{GRADED}.html"
    text = _visible_text(page.read_text())
    assert f"AssertionError: {feedback.line(color=False)}" in text
    blank = _visible_text((page.parents[2] / "blank" / GRADED / f"{GRADED}.html").read_text())
    assert "not answered yet" in blank
    assert not (course / "progress.json").exists()  # strict checks record nothing


@pytest.mark.parametrize(
    ("slug", "module"),
    [
        ("05-aws-vpc", "netcourse.vpc.troubleshoot"),
        ("06-packet-journey", "netcourse.journey.troubleshoot"),
    ],
)
def test_a_troubleshooting_lab_is_worth_a_point_per_fault(slug, module):
    troubleshoot = importlib.import_module(module).troubleshoot
    names = importlib.import_module(module).labs()
    assert names, module
    for name in names:
        declared = GRADING.get((slug, f"lab-{name}"), Grading())
        assert declared.points == troubleshoot(name).faults, name
