"""Drive a JupyterLab page through its application object (``--LabApp.expose_app_in_browser``).

Every wait is a condition with a bounded timeout; there are no fixed sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
#: Upper bound for running a whole notebook (its kernel start included).
NOTEBOOK_RUN_TIMEOUT_MS = 120_000


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook present now; a lesson added later is picked up automatically."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


#: A cell whose stderr output contains one of these words shows a learner something broken.
ALARMING = ("Traceback", "Error", "Warning")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")

_OPEN = """
async (path) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernel: {name: 'python3'}
  });
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  window.__netcourse = window.__netcourse || {};
  window.__netcourse[widget.id] = widget;
  return widget.id;
}
"""

_RUN_ALL = """
async (id) => {
  const app = window.jupyterapp;
  app.shell.activateById(id);
  // Saved outputs and execution counts would pass for fresh ones: clear them first.
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await app.commands.execute('notebook:run-all-cells');
}
"""

# True once the kernel is idle and every non-empty code cell has an execution count, or a cell
# failed (run-all stops there, so later cells never get a count).
_SETTLED = """
(id) => {
  const widget = window.__netcourse[id];
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = Array.from(widget.content.model.cells);
  let failed = false, pending = 0;
  for (const cell of cells) {
    if (cell.type !== 'code' || cell.sharedModel.getSource().trim() === '') continue;
    if (cell.executionCount === null) pending += 1;
    for (const out of cell.outputs.toJSON()) if (out.output_type === 'error') failed = true;
  }
  return failed || pending === 0;
}
"""

# Walk the notebook cell by cell (it is virtualised: a cell's outputs are only reliable once it
# has been scrolled into view), wait for each cell's outputs to render, and report on each.
_SCAN = """
async ({id, widgetMime, imageMimes, timeoutMs}) => {
  const notebook = window.__netcourse[id].content;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 25));
  const inspect = (cell, index) => {
    const model = cell.model;
    const report = {
      index, type: model.type, source: model.sharedModel.getSource(),
      executionCount: model.type === 'code' ? model.executionCount : null,
      errors: [], stderr: [], widgetOutputs: 0, imageOutputs: 0,
      widgetNodes: 0, widgetErrors: 0, images: 0, brokenImages: 0, timedOut: false,
    };
    if (model.type !== 'code') return report;
    const outputs = model.outputs.toJSON();
    for (const out of outputs) {
      if (out.output_type === 'error') report.errors.push(`${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') report.stderr.push(out.text);
      const data = out.data || {};
      if (data[widgetMime]) report.widgetOutputs += 1;
      if (imageMimes.some((m) => data[m])) report.imageOutputs += 1;
    }
    const node = cell.node;
    if (!node.isConnected) return null;
    const rendered = node.querySelectorAll('.jp-OutputArea-output');
    if (rendered.length < outputs.length) return null;
    for (const el of node.querySelectorAll(
        '[data-mime-type="application/vnd.jupyter.stderr"]')) report.stderr.push(el.innerText);
    report.widgetNodes = node.querySelectorAll(
      '.jp-OutputArea-output .jupyter-widgets, .jp-OutputArea-output [class*="widget-"]').length;
    report.widgetErrors = (node.innerText.match(/Error displaying widget/g) || []).length;
    const imgs = Array.from(node.querySelectorAll('.jp-OutputArea-output img'));
    report.images = imgs.filter((img) => img.complete && img.naturalWidth > 0).length
      + node.querySelectorAll('.jp-OutputArea-output svg').length;
    report.brokenImages = imgs.filter((img) => img.complete && img.naturalWidth === 0).length;
    // Widgets render asynchronously: wait until each widget output shows a view or an error.
    if (report.widgetOutputs > 0 && report.widgetNodes === 0 && report.widgetErrors === 0)
      return null;
    if (report.imageOutputs > 0 && report.images === 0 && report.brokenImages === 0) return null;
    return report;
  };
  const reports = [];
  for (let index = 0; index < notebook.widgets.length; index++) {
    await notebook.scrollToItem(index, 'center');
    const cell = notebook.widgets[index];
    if (cell.ready) await cell.ready;
    const deadline = performance.now() + timeoutMs;
    let report = inspect(cell, index);
    while (report === null && performance.now() < deadline) {
      await pause();
      report = inspect(cell, index);
    }
    if (report === null) {
      cell.node.scrollIntoView({block: 'center'});
      report = {index, type: cell.model.type, source: cell.model.sharedModel.getSource(),
                executionCount: null, timedOut: true};
    }
    reports.push(report);
  }
  return reports;
}
"""

# Every open notebook's kernel is idle: all messages of the last interaction have arrived.
_ALL_IDLE = """
() => Object.values(window.__netcourse || {}).every((widget) => {
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  return kernel && kernel.status === 'idle';
})
"""

_CLOSE = """
async (id) => {
  const widget = window.__netcourse[id];
  if (!widget) return;
  try { await widget.sessionContext.shutdown(); } catch (e) {}
  widget.dispose();
  delete window.__netcourse[id];
}
"""


@dataclass
class CellReport:
    """What one cell shows on screen after running."""

    index: int
    type: str
    source: str
    executionCount: int | None  # noqa: N815 (the name JupyterLab's model uses)
    errors: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    widgetOutputs: int = 0  # noqa: N815
    imageOutputs: int = 0  # noqa: N815
    widgetNodes: int = 0  # noqa: N815
    widgetErrors: int = 0  # noqa: N815
    images: int = 0
    brokenImages: int = 0  # noqa: N815
    timedOut: bool = False  # noqa: N815

    def problems(self) -> list[str]:
        """What a learner would see as broken in this cell (empty when it is fine)."""
        where = f"cell {self.index} ({self.source.strip().splitlines()[0][:60]!r})"
        found = [f"{where}: error output {text}" for text in self.errors]
        if self.timedOut:
            found.append(f"{where}: its outputs did not finish rendering on screen")
        for text in self.stderr:
            if any(word in text for word in ALARMING):
                found.append(f"{where}: stderr shows {text.strip()[:300]!r}")
        if self.widgetErrors:
            found.append(f"{where}: 'Error displaying widget' shown {self.widgetErrors} time(s)")
        if self.widgetOutputs and not self.widgetNodes:
            found.append(f"{where}: {self.widgetOutputs} widget output(s) but no widget on screen")
        if self.imageOutputs and not self.images:
            found.append(f"{where}: {self.imageOutputs} figure(s) in outputs but no image shown")
        if self.brokenImages:
            found.append(f"{where}: {self.brokenImages} image(s) failed to load")
        return found


class LabPage:
    """The JupyterLab page of the session, reused by every browser test."""

    def __init__(self, page, lab):
        self.page = page
        self.lab = lab

    def load(self) -> None:
        """Open /lab with a fresh workspace and wait until the application has restored."""
        self.page.goto(f"{self.lab.url}/lab?reset&token={self.lab.token}")
        self.page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
        self.page.evaluate(
            "async () => { await window.jupyterapp.restored;"
            " window.jupyterapp.shell.collapseLeft(); }"
        )

    def open(self, path: str) -> str:
        """Open a notebook (path relative to the root dir); return its widget id."""
        return self.page.evaluate(_OPEN, path)

    def run_all(self, widget_id: str, timeout_ms: int) -> None:
        """Run every cell and wait, bounded, until the kernel is idle and all cells have run."""
        self.page.evaluate(_RUN_ALL, widget_id)
        self.page.wait_for_function(_SETTLED, arg=widget_id, timeout=timeout_ms, polling=200)

    def cell_reports(self, widget_id: str, timeout_ms: int = 20_000) -> list[CellReport]:
        """Scroll to each cell in turn (the notebook is virtualised) and report what it shows."""
        found = self.page.evaluate(
            _SCAN,
            {
                "id": widget_id,
                "widgetMime": WIDGET_MIME,
                "imageMimes": list(IMAGE_MIMES),
                "timeoutMs": timeout_ms,
            },
        )
        return [CellReport(**report) for report in found]

    def settle(self, timeout_ms: int = 20_000) -> None:
        """Wait until the kernels are idle, so every update of the last interaction is shown."""
        self.page.wait_for_function(_ALL_IDLE, timeout=timeout_ms, polling=50)
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")

    def notebook(self, widget_id: str):
        """A locator for the notebook panel."""
        return self.page.locator(f'[id="{widget_id}"]')

    def output(self, widget_id: str, cell_index: int = 0):
        """A locator for the output area of one cell."""
        return (
            self.notebook(widget_id).locator(".jp-Cell").nth(cell_index).locator(".jp-OutputArea")
        )

    def close(self, widget_id: str) -> None:
        """Shut the notebook's kernel down and close its tab without saving."""
        self.page.evaluate(_CLOSE, widget_id)
