"""Write an nbgrader course from ``solutions/``: one graded assignment per lesson's exercises.

``python -m netcourse.tools.nbgrader_course`` (what ``make nbgrader`` runs) writes a course
folder, by default ``build/nbgrader/`` (git-ignored: it is rebuilt, never committed):

- ``nbgrader_config.py``: the course id and the stubs that ``nbgrader generate_assignment``
  leaves in place of each answer, so a learner's copy reads like ``exercises/``;
- ``source/NN-slug/NN-slug.ipynb``: the lesson's solution notebook with nbgrader metadata. Each
  exercise's code cell becomes an answer cell (the exercise's own stub, such as
  ``answer = ...  # your answer here``, then the solution between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``) and a locked test cell that runs the exercise's check strictly
  (``check.name.strict(answer)``, see :mod:`netcourse.checks`): it fails with the check's
  feedback as its message and records nothing in the progress file. Written answers (markdown)
  become manually graded answers; every other cell is read-only.

Points and hidden tests are declared once, in :data:`GRADING`. The solution markers are parsed
by :mod:`netcourse.tools.make_exercises`, which also makes each stub. ``--check`` compares an
existing course folder with what ``solutions/`` gives and changes nothing.

>>> grading("03-cidr-and-subnets", "office-plan").points
2
>>> grading("03-cidr-and-subnets", "usable-hosts")
Grading(points=1, hidden=False)
"""

from __future__ import annotations

import argparse
import copy
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor

import netcourse.checks
from netcourse.checks import registered
from netcourse.errors import ExerciseError
from netcourse.tools.make_exercises import (
    BEGIN,
    CELL_METADATA,
    END,
    MD_BEGIN,
    MD_PLACEHOLDER,
    NOTEBOOK_METADATA,
    render,
    solution_blocks,
    source_note,
    strip_code,
)

__all__ = [
    "COURSE_ID",
    "DEFAULT_OUT",
    "GRADING",
    "Grading",
    "assignment_notebook",
    "course_files",
    "grading",
    "main",
]

#: The course id written into ``nbgrader_config.py`` (nbgrader's ``CourseDirectory.course_id``)
#: unless ``--course-id`` names the hub's.
COURSE_ID = "netcourse"
#: Where ``make nbgrader`` writes the course, relative to the repository root (git-ignored).
DEFAULT_OUT = Path("build/nbgrader")
#: nbgrader's own markers for the solution regions it replaces and the tests it hides.
NB_BEGIN, NB_END = "### BEGIN SOLUTION", "### END SOLUTION"
NB_HIDDEN_BEGIN, NB_HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
#: A check call at the end of a solution cell: ``check.usable_hosts(answer)``.
_CHECK_CALL = re.compile(r"^check\.([A-Za-z_][A-Za-z_0-9]*)\((.*)\)\s*$")


@dataclass(frozen=True)
class Grading:
    """How one exercise is graded: its points, and whether its test is hidden from learners."""

    points: int = 1
    hidden: bool = False


#: Every exercise is worth 1 point with a visible test unless declared here, keyed by
#: (lesson slug, exercise name as registered by its check; ``written-N`` for the lesson's N-th
#: written answer, graded by hand). A test is hidden when the answer is one of a few named
#: choices: a visible test would give it away to a learner who tries each choice in turn; a
#: hidden one runs only when the assignment is graded.
GRADING: dict[tuple[str, str], Grading] = {
    ("01-sockets-and-4-tuples", "time-wait-side"): Grading(hidden=True),
    ("01-sockets-and-4-tuples", "connected-udp-state"): Grading(hidden=True),
    ("02-osi-layers-and-packets", "pdu-at-offset"): Grading(hidden=True),
    ("02-osi-layers-and-packets", "switch-action"): Grading(points=2),
    ("03-cidr-and-subnets", "next-hop"): Grading(hidden=True),
    ("03-cidr-and-subnets", "office-plan"): Grading(points=2),
    ("04-firewalls", "fix-shadowed"): Grading(points=2),
    ("04-firewalls", "stateless-return"): Grading(points=2),
    ("05-aws-vpc", "blocking-component"): Grading(hidden=True),
    ("05-aws-vpc", "fix-acl"): Grading(points=2),
    # A troubleshooting lab is worth a point per fault it stacks.
    ("05-aws-vpc", "lab-web-unreachable"): Grading(points=2),
    ("05-aws-vpc", "lab-reply-lost"): Grading(points=2),
    ("06-packet-journey", "wrong-netmask"): Grading(hidden=True),
    ("06-packet-journey", "sg-missing-port"): Grading(hidden=True),
    ("06-packet-journey", "nacl-no-ephemeral"): Grading(hidden=True),
    ("06-packet-journey", "host-firewall-drop"): Grading(hidden=True),
    ("06-packet-journey", "stateless-on-reply"): Grading(hidden=True),
    ("06-packet-journey", "lab-no-connection"): Grading(points=3),
    ("06-packet-journey", "lab-server-silent"): Grading(points=3),
}

#: The first cell of every assignment notebook, for the learner (where it came from is in
#: ``metadata.netcourse``, as for the exercise notebooks).
HEADER = (
    "> **Graded exercises.** Work right here, in this notebook: replace each `...` with your "
    "answer and run the cell, then run the test cell under it: it prints a green line when the "
    "answer is right and fails with a hint when it is not. Tests marked as run at grading time "
    "show nothing now. Written answers are graded by hand. Save the notebook, then submit it."
)

CONFIG = '''"""nbgrader settings of the netcourse course, generated by `make nbgrader`: do not edit.

Run nbgrader from this folder (the course root). The gradebook is gradebook.db here, nbgrader's
default; set c.Exchange.root and the rest of the hub's settings in the hub's own nbgrader
config, which this file does not replace.
"""

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {course_id!r}
# Each answer cell holds the exercise's own stub (`answer = ...  # your answer here`) above its
# solution region, so the region itself is replaced by nothing, and a written answer by the
# exercise notebook's prompt.
c.ClearSolutions.code_stub = {{"python": ""}}
c.ClearSolutions.text_stub = {text_stub!r}
'''


def grading(lesson: str, name: str) -> Grading:
    """How the exercise ``name`` of ``lesson`` is graded (:data:`GRADING`, else 1 visible point).

    >>> grading("01-sockets-and-4-tuples", "time-wait-side").hidden
    True
    """
    return GRADING.get((lesson, name), Grading())


def _exercise_names(lesson: str) -> dict[str, str]:
    """Check function name -> registered exercise name, for one lesson's checks."""
    for module in pkgutil.iter_modules(netcourse.checks.__path__):
        importlib.import_module(f"netcourse.checks.{module.name}")
    return {
        ex.check.__name__: ex.name
        for ex in registered()
        if ex.lesson == lesson and ex.check.__module__.startswith("netcourse.checks.")
    }


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta["solution"] = solution
    if grade:
        meta["points"] = points
    return meta


def _region(block: list[str], where: str) -> list[str]:
    """One solution block as the exercise's stub followed by nbgrader's solution region."""
    stub = strip_code("\n".join([BEGIN, *block, END]), where).split("\n")
    indent = block[0][: len(block[0]) - len(block[0].lstrip())] if block else ""
    return [*stub, indent + NB_BEGIN, *block, indent + NB_END]


def _answer_and_test(cell, lesson: str, names: dict[str, str], where: str):
    """Split an exercise's code cell into its answer cell and its test cell."""
    lines: list[str] = []
    block: list[str] = []
    for inside, line in solution_blocks(cell.source.split("\n"), BEGIN, END, where):
        if inside:
            block.append(line)
            continue
        if block:
            lines.extend(_region(block, where))
            block = []
        lines.append(line)
    if block:
        lines.extend(_region(block, where))
    while lines and not lines[-1].strip():
        lines.pop()
    call = _CHECK_CALL.match(lines[-1]) if lines else None
    if call is None:
        raise ExerciseError(f"{where}: the cell must end with its check, check.name(answer)")
    if call.group(1) not in names:
        raise ExerciseError(
            f"{where}: check.{call.group(1)} is not a check of {lesson}; "
            f"expected one of {sorted(names)}"
        )
    name = names[call.group(1)]
    rule = grading(lesson, name)
    answer = copy.deepcopy(cell)
    answer.source = "\n".join(lines[:-1])
    answer.metadata["nbgrader"] = _meta(f"{name}-answer", grade=False, solution=True, locked=False)
    strict = f"check.{call.group(1)}.strict({call.group(2)})"
    points = f"{rule.points} point{'' if rule.points == 1 else 's'}"
    if rule.hidden:
        body = [
            f"# Test {name!r} ({points}): runs when the assignment is graded.",
            NB_HIDDEN_BEGIN,
            strict,
            NB_HIDDEN_END,
        ]
    else:
        body = [f"# Test {name!r} ({points}): the exercise's check; a failure says why.", strict]
    test = nbformat.v4.new_code_cell("\n".join(body))
    test.id = f"{cell.id}-test"
    test.metadata = copy.deepcopy(cell.metadata)
    test.metadata["nbgrader"] = _meta(
        name, grade=True, solution=False, locked=True, points=rule.points
    )
    return answer, test


def assignment_notebook(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one lesson, from its solution notebook (a new object).

    >>> solutions = Path(__file__).resolve().parents[2] / "solutions"
    >>> nb = nbformat.read(solutions / "03-cidr-and-subnets.ipynb", as_version=4)
    >>> cells = assignment_notebook(nb, "03-cidr-and-subnets.ipynb").cells
    >>> [c.metadata.nbgrader.grade_id for c in cells if c.metadata.nbgrader.grade][:3]
    ['usable-hosts', 'inside', 'broadcast']
    """
    lesson = Path(name).stem
    names = _exercise_names(lesson)
    resources: dict = {}
    result, _ = ClearOutputPreprocessor().preprocess(copy.deepcopy(nb), resources)
    result, _ = ClearMetadataPreprocessor(
        preserve_cell_metadata_mask=set(CELL_METADATA),
        preserve_nb_metadata_mask=set(NOTEBOOK_METADATA),
    ).preprocess(result, resources)
    result = nbformat.from_dict(result)
    result.metadata["netcourse"] = source_note(name, "make nbgrader")
    header = nbformat.v4.new_markdown_cell(HEADER)
    header.id = "graded-header"
    header.metadata["nbgrader"] = _meta(
        "cell-graded-header", grade=False, solution=False, locked=True
    )
    cells, written, graded = [header], 0, 0
    for index, cell in enumerate(result.cells):
        where = f"solutions/{name} cell {index}"
        if cell.cell_type == "code" and BEGIN in cell.source:
            answer, test = _answer_and_test(cell, lesson, names, where)
            cells.extend([answer, test])
            graded += 1
        elif cell.cell_type == "markdown" and MD_BEGIN in cell.source:
            written += 1
            grade_id = f"written-{written}"
            cell.metadata["nbgrader"] = _meta(
                grade_id,
                grade=True,
                solution=True,
                locked=False,
                points=grading(lesson, grade_id).points,
            )
            cells.append(cell)
        else:
            cell.metadata["nbgrader"] = _meta(
                f"cell-{cell.id}", grade=False, solution=False, locked=True
            )
            cells.append(cell)
    if not graded:
        raise ExerciseError(f"solutions/{name}: no '{BEGIN}' marker, so nothing to grade")
    result.cells = cells
    return result


def course_files(root: Path, course_id: str = COURSE_ID) -> dict[Path, str]:
    """Map each file of the course (relative to the course folder) to the text it should hold.

    >>> files = course_files(Path(__file__).resolve().parents[2])
    >>> [str(path) for path in files][:2]
    ['nbgrader_config.py', 'source/01-sockets-and-4-tuples/01-sockets-and-4-tuples.ipynb']
    """
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", course_id):
        raise ExerciseError(
            f"course id {course_id!r}: expected letters, digits, '.', '_' or '-' (like netcourse)"
        )
    config = CONFIG.format(course_id=course_id, text_stub=MD_PLACEHOLDER)
    files = {Path("nbgrader_config.py"): config}
    for path in sorted((root / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        files[Path("source") / path.stem / path.name] = render(assignment_notebook(nb, path.name))
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` only compare) the nbgrader course folder; 0 when all is well.

    >>> import contextlib, io, tempfile
    >>> args = ["--root", str(Path(__file__).resolve().parents[2]), "--out"]
    >>> with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
    ...     codes = main([*args, out]), main([*args, out, "--check"])
    >>> codes
    (0, 0)
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the course folder is stale")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root")
    parser.add_argument("--out", type=Path, help=f"the course folder (default: ROOT/{DEFAULT_OUT})")
    parser.add_argument(
        "--course-id", default=COURSE_ID, help=f"the hub's course id (default: {COURSE_ID})"
    )
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else args.root / DEFAULT_OUT
    wanted = course_files(args.root, args.course_id)
    stale = []
    for relative, text in wanted.items():
        path = out / relative
        current = path.read_text() if path.exists() else None
        if current != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    extra = sorted(set((out / "source").glob("*/*.ipynb")) - {out / p for p in wanted})
    for path in extra:
        print(f"{path}: has no solution notebook", file=sys.stderr)
    verb = "stale" if args.check else "written"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if (args.check and stale) or extra else 0


if __name__ == "__main__":
    sys.exit(main())
