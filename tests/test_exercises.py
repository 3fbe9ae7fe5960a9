"""One source for exercises: exercises/ is generated from solutions/, in sync, and leaks nothing."""

import re
from pathlib import Path

import nbformat
import pytest

from netcourse.errors import ExerciseError
from netcourse.lessons import LESSONS
from netcourse.tools import make_exercises
from netcourse.tools.make_exercises import exercise_notebook, solution_lines, strip_code

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def test_assignments_become_placeholders_and_other_lines_go():
    source = "\n".join(
        [
            "from x import check",
            "# BEGIN SOLUTION",
            "net = subnet('10.0.0.0/26')",
            "for part in split(net, 28):",
            "    print(part)",
            "answer = net.usable_hosts",
            "# END SOLUTION",
            "check.usable_hosts(answer)",
        ]
    )
    assert strip_code(source).split("\n") == [
        "from x import check",
        "net = ...  # your answer here",
        "answer = ...  # your answer here",
        "check.usable_hosts(answer)",
    ]


def test_block_without_assignment_leaves_a_prompt():
    assert strip_code("# BEGIN SOLUTION\nprint(1)\n# END SOLUTION") == "# your code here"


def test_comparison_is_not_an_assignment():
    assert strip_code("# BEGIN SOLUTION\nx == 1\n# END SOLUTION") == "# your code here"


def test_indented_block_keeps_its_indentation():
    source = "def f():\n    # BEGIN SOLUTION\n    rule = 'x'\n    # END SOLUTION\n    return rule"
    assert strip_code(source) == "def f():\n    rule = ...  # your answer here\n    return rule"


@pytest.mark.parametrize(
    "source, message",
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ],
)
def test_unbalanced_markers_are_errors_that_name_the_line(source, message):
    with pytest.raises(ExerciseError, match=message):
        strip_code(source, "solutions/x.ipynb cell 3")


def test_markdown_answers_become_a_prompt():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "Why?\n<!-- BEGIN SOLUTION -->\nBecause of ARP.\n<!-- END SOLUTION -->"
            ),
            nbformat.v4.new_code_cell("# BEGIN SOLUTION\na = 1\n# END SOLUTION"),
        ]
    )
    result = exercise_notebook(nb, "99-demo.ipynb")
    assert "Because of ARP" not in result.cells[1].source
    assert "*Write your answer here.*" in result.cells[1].source
    assert result.metadata.netcourse.generated_from == "solutions/99-demo.ipynb"


def test_the_banner_sends_the_learner_nowhere_else_and_the_source_is_in_metadata():
    """A learner who follows the first cell stays in the exercise notebook; maintainers find the
    source in the metadata and in docs/development.md."""
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        banner = nb.cells[0].source
        assert "solutions/" not in banner and "edit that" not in banner.lower(), path.name
        assert "work right here" in banner.lower(), path.name
        assert nb.metadata.netcourse.generated_from == f"solutions/{path.name}"
        assert (ROOT / nb.metadata.netcourse.generated_from).is_file()
    docs = (ROOT / "docs" / "development.md").read_text()
    assert "metadata.netcourse.generated_from" in docs


def test_outputs_and_metadata_are_cleared_but_tags_slides_and_kernel_stay():
    code = nbformat.v4.new_code_cell(
        "# BEGIN SOLUTION\na = 1\n# END SOLUTION",
        execution_count=3,
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")],
        metadata={
            "tags": ["raises-exception"],
            "slideshow": {"slide_type": "fragment"},
            "execution": {"iopub.execute_input": "2026-01-01T00:00:00Z"},
            "collapsed": True,
            "scrolled": True,
            "jupyter": {"outputs_hidden": True},
        },
    )
    note = nbformat.v4.new_markdown_cell("Why?", metadata={"slideshow": {"slide_type": "slide"}})
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    language = {"name": "python", "version": "3.11.7"}
    nb = nbformat.v4.new_notebook(
        cells=[note, code],
        metadata={"kernelspec": kernel, "language_info": language, "widgets": {"state": {}}},
    )
    result = exercise_notebook(nb, "99-demo.ipynb")
    cell = result.cells[2]
    assert (cell.outputs, cell.execution_count) == ([], None)
    assert cell.metadata == {"tags": ["raises-exception"], "slideshow": {"slide_type": "fragment"}}
    assert result.cells[1].metadata == {"slideshow": {"slide_type": "slide"}}
    assert result.metadata == {
        "kernelspec": kernel,
        "language_info": language,
        "netcourse": make_exercises.source_note("99-demo.ipynb"),
    }
    assert nb.cells[1].outputs, "the solution notebook itself is left alone"
    nbformat.validate(result)


def test_a_solution_notebook_without_markers_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ExerciseError, match="no '# BEGIN SOLUTION' marker"):
        exercise_notebook(nb, "99-demo.ipynb")


def test_exercises_are_in_sync_with_solutions():
    stale = [
        str(path.relative_to(ROOT))
        for path, text in make_exercises.generate(ROOT).items()
        if not path.exists() or path.read_text() != text
    ]
    assert not stale, f"run `make exercises`: stale {stale}"
    orphans = {p.name for p in (ROOT / "exercises").glob("*.ipynb")} - {p.name for p in SOLUTIONS}
    assert not orphans, f"exercise notebooks without a solution: {sorted(orphans)}"


def test_check_mode_reports_a_stale_exercise(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION")]
    )
    nbformat.write(nb, tmp_path / "solutions" / "99-demo.ipynb")
    assert make_exercises.main(["--root", str(tmp_path), "--check"]) == 1
    assert make_exercises.main(["--root", str(tmp_path)]) == 0
    assert make_exercises.main(["--root", str(tmp_path), "--check"]) == 0
    written = nbformat.read(tmp_path / "exercises" / "99-demo.ipynb", as_version=4)
    # The parsed cells, not the file's text: generated cell ids are random and may hold "42".
    assert [cell.source for cell in written.cells if "42" in cell.source] == []
    assert [cell.outputs for cell in written.cells if cell.get("outputs")] == []


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_text_leaks_into_the_exercise(solution):
    exercise = ROOT / "exercises" / solution.name
    nb = nbformat.read(solution, as_version=4)
    text = "\n".join(cell.source for cell in nbformat.read(exercise, as_version=4).cells)
    leaked = [line for line in solution_lines(nb) if line in text]
    assert not leaked, f"{exercise.name} shows solution lines: {leaked}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_each_solution_has_at_least_three_checked_exercises(solution):
    nb = nbformat.read(solution, as_version=4)
    checked = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code"
        and make_exercises.BEGIN in cell.source
        and re.search(r"^check\.\w+\(", cell.source, re.M)
    ]
    assert len(checked) >= 3, f"{solution.name}: {len(checked)} checked exercises, need 3"


@pytest.mark.parametrize("lesson", LESSONS[1:], ids=lambda lesson: lesson.slug)
def test_every_lesson_has_a_solution_and_an_exercise_notebook(lesson):
    assert (ROOT / "solutions" / f"{lesson.slug}.ipynb").exists()
    assert (ROOT / lesson.exercises).exists()


def test_the_nbgrader_assignments_open_with_the_same_kind_of_banner():
    from netcourse.tools.nbgrader_course import assignment_notebook

    name = "03-cidr-and-subnets.ipynb"
    nb = assignment_notebook(nbformat.read(ROOT / "solutions" / name, as_version=4), name)
    banner = nb.cells[0].source
    assert "solutions/" not in banner and "make nbgrader" not in banner
    assert "work right here" in banner.lower()
    assert nb.metadata.netcourse == make_exercises.source_note(name, "make nbgrader")
