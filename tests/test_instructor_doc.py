"""The instructor guide's tables agree with the course: check counts, points and written answers.

Counted here from the solution notebooks' check calls and markdown answers, not from the
registry the guide describes, so a new exercise fails this test until the guide says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from netcourse.lessons import LESSONS
from netcourse.tools.nbgrader_course import grading

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "instructor.md").read_text()
SLUGS = [lesson.slug for lesson in LESSONS[1:]]
CHECK_CALL = re.compile(r"^check\.([a-z_0-9]+)\(", re.M)


def _solution(slug: str):
    return nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)


def _checks(slug: str) -> list[str]:
    cells = [c.source for c in _solution(slug).cells if c.cell_type == "code"]
    return [name.replace("_", "-") for src in cells for name in CHECK_CALL.findall(src)]


def _written(slug: str) -> int:
    cells = _solution(slug).cells
    return sum("<!-- BEGIN SOLUTION -->" in c.source for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("slug", SLUGS)
def test_the_lesson_table_counts_each_lessons_checks(slug):
    number = slug[:2]
    row = re.search(rf"^\| {number} \|.*\| (\d+) checks[ ,(]", GUIDE, re.M)
    assert row, f"no row for lesson {number} in the lesson table"
    assert int(row.group(1)) == len(_checks(slug))


@pytest.mark.parametrize("slug", SLUGS)
def test_the_grading_table_counts_checks_points_and_written_answers(slug):
    row = re.search(
        rf"^\| {slug} \| (\d+) checks \| (\d+) \|.*\| (?:(\d+) points?|-) \|$", GUIDE, re.M
    )
    assert row, f"no row for {slug} in the grading table"
    checks = _checks(slug)
    assert int(row.group(1)) == len(checks)
    assert int(row.group(2)) == sum(grading(slug, name).points for name in checks)
    assert int(row.group(3) or 0) == _written(slug)
