"""Every notebook follows the course template and is committed clean (outputs compared by nbval)."""

import re
from pathlib import Path

import nbformat
import pytest

from netcourse.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
LESSON_NOTEBOOKS = [ROOT / lesson.notebook for lesson in LESSONS]
ALL_NOTEBOOKS = sorted(
    p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb")
)
MAX_CELL_LINES = 12  # a cell is one helper call or a short expression
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
MARKER = re.compile(r"#\s*NBVAL_\w+.*")


def read(path):
    return nbformat.read(path, as_version=4)


def ids(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_notebook_exists(lesson):
    assert (ROOT / lesson.notebook).exists(), f"{lesson.notebook} is missing"


@pytest.mark.parametrize("path", [p for p in LESSON_NOTEBOOKS if p.exists()], ids=ids)
def test_lesson_follows_the_template(path):
    text = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    assert re.search(r"what you will", text, re.I), "says what the learner will do and learn"
    assert re.search(r"what you need|you need", text, re.I), "says what the learner needs"
    assert re.search(r"^#+ .*common mistakes", text, re.I | re.M), "has a Common mistakes section"
    assert re.search(r"^#+ .*on your own", text, re.I | re.M), "has an On your own section"
    if path.stem != "00-welcome":
        assert f"../exercises/{path.name}" in text, "On your own links its exercise notebook"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids)
def test_relative_links_resolve(path):
    for cell in read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (path.parent / target).exists(), f"broken link {target!r} in {path.name}"


@pytest.mark.parametrize("path", [p for p in ALL_NOTEBOOKS if "exercises" not in p.parts], ids=ids)
def test_committed_outputs_are_clean(path):
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {index} was never run: run `make notebooks`"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {index} has an error output"
            if output.output_type == "stream":
                assert output.name == "stdout", f"cell {index} writes to stderr: {output.text!r}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids)
def test_cells_are_short_and_markers_are_tags(path):
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, (
            f"cell {index} has {len(lines)} lines: move the logic into the package"
        )
        marker = MARKER.search(cell.source)
        assert marker is None, (
            f"cell {index}: {marker.group(0)!r}: nbval markers are cell tags (such as "
            "nbval-ignore-output); a comment with text after the marker is silently not one"
        )


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids)
def test_notebooks_use_the_python3_kernel_and_slide_metadata(path):
    nb = read(path)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    if "notebooks" in path.parts:
        kinds = {c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells}
        assert "slide" in kinds, "lesson cells carry slideshow metadata for `make slides`"
