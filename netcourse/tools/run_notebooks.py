"""Execute notebooks in place in a fresh kernel, so their committed outputs are current.

``python -m netcourse.tools.run_notebooks notebooks/03-cidr-and-subnets.ipynb solutions/...``
runs each notebook top to bottom from its own folder, keeps the widget state (so a reader who
opens the file without running it still sees the widgets), and writes it back. It is what
``make notebooks`` calls; the test suite then compares these outputs with nbval.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = ["run_notebook", "main"]


def run_notebook(path: Path, timeout: int = 300) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        store_widget_state=True,
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    # the solution notebooks' checks record passes: keep them out of the author's own progress
    os.environ.setdefault("NETCOURSE_PROGRESS", os.path.join(tempfile.mkdtemp(), "progress.json"))
    for path in args.paths:
        seconds = run_notebook(path)
        print(f"{path}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
