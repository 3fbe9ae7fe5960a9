"""Generate ``exercises/`` from the solution notebooks in ``solutions/``: one source for both.

In a solution notebook, answer code sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION``
lines; each assignment in it becomes ``name = ...  # your answer here`` and every other line
is dropped. Markdown answers sit between ``<!-- BEGIN SOLUTION -->`` and
``<!-- END SOLUTION -->`` and become a prompt. Outputs, execution counts and metadata are
cleared by nbconvert's ClearOutputPreprocessor and ClearMetadataPreprocessor, keeping only
:data:`CELL_METADATA` and :data:`NOTEBOOK_METADATA`.

The notebook opens with :data:`HEADER`, written for the learner: work here. Where it came from
is for maintainers and sits in the notebook's metadata, ``metadata.netcourse.generated_from``
(see :func:`source_note`), beside the note in docs/development.md.

Run ``python -m netcourse.tools.make_exercises`` to write, ``--check`` to verify only.

>>> strip_code("x = 1\\n# BEGIN SOLUTION\\nanswer = 6 * 7\\n# END SOLUTION\\ncheck(answer)")
'x = 1\\nanswer = ...  # your answer here\\ncheck(answer)'
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor

from netcourse.errors import ExerciseError

__all__ = [
    "CELL_METADATA",
    "NOTEBOOK_METADATA",
    "strip_code",
    "strip_markdown",
    "exercise_notebook",
    "source_note",
    "solution_lines",
    "solution_blocks",
    "main",
]

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
PLACEHOLDER = "  # your answer here"
MD_PLACEHOLDER = "*Write your answer here.*"
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][A-Za-z_0-9]*(?:\s*,\s*[A-Za-z_][A-Za-z_0-9]*)*)\s*=(?!=)")
#: Code-cell metadata an exercise keeps: tags (nbval's markers such as ``raises-exception``)
#: and the slide type. Everything else (execution timings, collapsed, scrolled) goes.
CELL_METADATA = ("tags", "slideshow")
#: Notebook metadata an exercise keeps: the kernel that JupyterLab and nbval start, and the
#: language. Saved widget state goes with the outputs it belongs to.
NOTEBOOK_METADATA = ("kernelspec", "language_info")
#: The first cell of every exercise notebook: what the learner does, here in this notebook.
HEADER = (
    "> **Exercises.** Work right here, in this notebook: replace each `...` with your answer and "
    "run the cell. The check under it says whether it is right, with a hint when it is not, and "
    "records your progress (`netcourse.progress()` shows it). Save the notebook to keep your "
    "answers."
)


def source_note(name: str, tool: str = "make exercises") -> dict[str, str]:
    """The maintainers' note kept in a generated notebook's ``metadata.netcourse``.

    >>> source_note("03-cidr-and-subnets.ipynb")["generated_from"]
    'solutions/03-cidr-and-subnets.ipynb'
    """
    return {
        "generated_from": f"solutions/{name}",
        "generated_by": tool,
        "note": f"written by `{tool}` from generated_from: edit that notebook, not this one",
    }


def solution_blocks(
    lines: list[str], begin: str, end: str, where: str
) -> Iterator[tuple[bool, str]]:
    """Yield (inside_solution, line) pairs, validating that markers pair up.

    >>> list(solution_blocks(["a", "# BEGIN SOLUTION", "b", "# END SOLUTION"], BEGIN, END, "cell"))
    [(False, 'a'), (True, 'b')]
    """
    inside = False
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if marker == begin:
            if inside:
                raise ExerciseError(f"{where} line {number}: {begin!r} inside another solution")
            inside = True
            continue
        if marker == end:
            if not inside:
                raise ExerciseError(f"{where} line {number}: {end!r} without {begin!r}")
            inside = False
            continue
        yield inside, line
    if inside:
        raise ExerciseError(f"{where}: {begin!r} is never closed by {end!r}")


def strip_code(source: str, where: str = "cell") -> str:
    """Replace each solution block in a code cell by placeholders for its assignments."""
    out: list[str] = []
    pending: list[str] = []
    was_inside = False
    block_indent = ""
    for inside, line in solution_blocks(source.split("\n"), BEGIN, END, where):
        if inside:
            if not was_inside:  # the block's first line sets its indentation
                block_indent = line[: len(line) - len(line.lstrip())]
            match = _ASSIGN.match(line)
            if match and match.group(1) == block_indent:
                pending.append(f"{block_indent}{match.group(2)} = ...{PLACEHOLDER}")
            was_inside = True
            continue
        if was_inside:
            out.extend(pending or ["# your code here"])
            pending, was_inside = [], False
        out.append(line)
    if was_inside:
        out.extend(pending or ["# your code here"])
    return "\n".join(out)


def strip_markdown(source: str, where: str = "cell") -> str:
    """Replace each markdown solution block by a prompt."""
    out: list[str] = []
    was_inside = False
    for inside, line in solution_blocks(source.split("\n"), MD_BEGIN, MD_END, where):
        if inside:
            was_inside = True
            continue
        if was_inside:
            out.append(MD_PLACEHOLDER)
            was_inside = False
        out.append(line)
    if was_inside:
        out.append(MD_PLACEHOLDER)
    return "\n".join(out)


def solution_lines(nb) -> list[str]:
    """Every non-trivial line inside a solution block: none may appear in the exercise."""
    found = []
    for index, cell in enumerate(nb.cells):
        begin, end = (BEGIN, END) if cell.cell_type == "code" else (MD_BEGIN, MD_END)
        for inside, line in solution_blocks(cell.source.split("\n"), begin, end, f"cell {index}"):
            text = line.strip()
            if inside and len(text) > 3 and not text.startswith("#"):
                found.append(text)
    return found


def exercise_notebook(nb, name: str):
    """The exercise notebook generated from a solution notebook (a new object)."""
    result = copy.deepcopy(nb)
    markers = 0
    for index, cell in enumerate(result.cells):
        where = f"solutions/{name} cell {index}"
        if cell.cell_type == "code":
            markers += cell.source.count(BEGIN)
            cell.source = strip_code(cell.source, where)
        elif cell.cell_type == "markdown":
            markers += cell.source.count(MD_BEGIN)
            cell.source = strip_markdown(cell.source, where)
    if not markers:
        raise ExerciseError(f"solutions/{name}: no '{BEGIN}' marker, so no exercise to generate")
    resources: dict = {}
    result, _ = ClearOutputPreprocessor().preprocess(result, resources)
    result, _ = ClearMetadataPreprocessor(
        preserve_cell_metadata_mask=set(CELL_METADATA),
        preserve_nb_metadata_mask=set(NOTEBOOK_METADATA),
    ).preprocess(result, resources)
    result = nbformat.from_dict(result)  # the preprocessor leaves plain dicts behind
    header = nbformat.v4.new_markdown_cell(HEADER)
    header.id = "generated-header"
    result.cells.insert(0, header)
    result.metadata["netcourse"] = source_note(name)
    return result


def render(nb) -> str:
    """The exact text written for a notebook (stable key order and indentation)."""
    return nbformat.writes(nb) + "\n"


def generate(root: Path) -> dict[Path, str]:
    """Map each exercise path to the text it should hold."""
    wanted = {}
    for path in sorted((root / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        wanted[root / "exercises" / path.name] = render(exercise_notebook(nb, path.name))
    return wanted


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` only compare) every exercise notebook."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if any exercise is stale")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    wanted = generate(args.root)
    stale = []
    for path, text in wanted.items():
        current = path.read_text() if path.exists() else None
        if current != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    extra = sorted(set((args.root / "exercises").glob("*.ipynb")) - set(wanted))
    for path in extra:
        print(f"{path}: has no solution notebook", file=sys.stderr)
    verb = "stale" if args.check else "written"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if (args.check and stale) or extra else 0


if __name__ == "__main__":
    sys.exit(main())
