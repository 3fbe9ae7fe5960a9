"""Start JupyterLab and drive its page in Debian's Chromium, for the browser tests and tools.

The server runs on a free loopback port with a token, a root dir of its own and quiet settings
(no news, no update checks), and is always stopped with every kernel it started. The page is
driven through JupyterLab's application object (``--LabApp.expose_app_in_browser``). Every wait
is a condition with a bounded timeout; there are no fixed sleeps. The browser is
``/usr/bin/chromium`` driven by Playwright; no browser is ever downloaded.

Used by tests/browser/ (through tests/browser/labdriver.py and its conftest.py) and by
``python -m netcourse.tools.screenshots``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from netcourse.html import DRAWN_IN_BROWSER

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LAB_SETTINGS",
    "NOTEBOOK_RUN_TIMEOUT_MS",
    "SCREEN_SIZES",
    "CellReport",
    "Lab",
    "LabPage",
    "ScreenSize",
    "chromium_context",
    "free_port",
    "start_lab",
    "stop_lab",
]

#: Upper bound for running a whole notebook (its kernel start included).
NOTEBOOK_RUN_TIMEOUT_MS = 120_000
#: Upper bound for the server to answer after it is started.
SERVER_START_TIMEOUT = 90.0
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for Chromium on a closed network, as root, with no screen.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: JupyterLab settings for a quiet, offline session (no news, no update checks).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # The strictest virtualisation: only cells in view are in the page, so every check must
    # scroll to its cell first (the default, contentVisibility, keeps them all attached).
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "full"},
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its URL, token and root directory."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def api(self, path: str) -> object:
        """GET a JSON endpoint of the server's REST API."""
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def write_notebook(self, name: str, sources: list[str]) -> str:
        """Write a scratch notebook of code cells into the root; return its path for the lab."""
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        path = self.root / "scratch" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return f"scratch/{name}"


def stop_lab(process: subprocess.Popen) -> None:
    """Stop the server and every kernel it started: SIGTERM, bounded wait, then SIGKILL."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:  # kernels live in the server's process group; leave none behind
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait(timeout=5)


def start_lab(base: Path, notebooks: Path | None, python: str = sys.executable) -> Lab:
    """Start JupyterLab in ``base`` (root dir ``base/root`` with a copy of ``notebooks``).

    Its kernels import what ``python`` imports (with PYTHONPATH as set). The caller stops it
    with :func:`stop_lab` (``lab.process``); a server that does not answer is stopped here.
    """
    root = base / "root"
    root.mkdir(parents=True)
    if notebooks is not None and notebooks.is_dir():
        shutil.copytree(notebooks, root / "notebooks")
    settings = base / "settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    log = base / "server.log"
    command = [
        python,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--ServerApp.allow_root=True",
    ]
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    server = Lab(f"http://127.0.0.1:{port}", token, root, process, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
            try:
                server.api("/api/status")
                return server
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not answer in {SERVER_START_TIMEOUT:.0f} s:\n"
                        f"{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.2)
    except BaseException:
        stop_lab(process)
        raise


def chromium_context(playwright, profile: Path, width: int, height: int, scale: float = 1):
    """A headless Debian Chromium with a fresh profile at ``width`` x ``height`` CSS pixels."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
    )


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

    #: Where :meth:`layout_findings` saves a screenshot of every cell it measures, as
    #: ``<notebook>-<cell id>-<screen>.png`` (None: nowhere).
    case_shots: Path | None = None

    def __init__(self, page, lab):
        self.page = page
        self.lab = lab
        self.screen: ScreenSize | None = None

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

    def sync(self, widget_id: str, timeout_ms: int = 20_000) -> None:
        """Wait until the kernel has handled everything the page sent it (a round trip: it
        handles messages in order) and the page shows every update that came back."""
        self.kernel_value(widget_id, "None", timeout_ms)
        self.settle(timeout_ms)

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

    def show_screen(self, size: ScreenSize) -> None:
        """Resize the page and open or close the left sidebar, then let the layout settle."""
        self.page.set_viewport_size({"width": size.width, "height": size.height})
        state = self.page.evaluate(_SIDEBAR, size.sidebar)
        assert state["collapsed"] != size.sidebar, f"sidebar not {size}: {state}"
        assert (state["fileBrowserWidth"] > 0) == size.sidebar, f"file browser: {state}"
        self.screen = size

    def layout_findings(self, widget_id: str, index: int, timeout_ms: int = 20_000) -> list[dict]:
        """Scroll to one cell and measure its outputs' layout: a list of {check, detail}."""
        found = self.page.evaluate(
            _LAYOUT_CELL, {"id": widget_id, "index": index, "timeoutMs": timeout_ms}
        )
        if self.case_shots is not None:
            size = self.page.viewport_size
            screen = self.screen.name if self.screen else f"{size['width']}x{size['height']}"
            stem = Path(found["path"]).stem
            self.case_shots.mkdir(parents=True, exist_ok=True)
            shot = self.case_shots / f"{stem}-{found['cellId']}-{screen}.png"
            self.screenshot_cell_outputs(widget_id, index, shot)
        if not found["ready"]:
            return [{"check": "not rendered", "detail": f"outputs not shown in {timeout_ms} ms"}]
        return found["findings"]

    def cell_index(self, widget_id: str, cell_id: str) -> int:
        """The index of the cell with id ``cell_id`` in an open notebook (-1 if none has it)."""
        return self.page.evaluate(
            "([id, cellId]) => Array.from(window.__netcourse[id].content.model.cells)"
            ".findIndex((cell) => cell.id === cellId)",
            [widget_id, cell_id],
        )

    def cell_output(self, widget_id: str, index: int):
        """A locator for one cell's output area, the cell scrolled into view first (the notebook
        is virtualised: a cell out of view is not in the page). For driving its widget."""
        self.page.evaluate(_MARK_CELL, {"id": widget_id, "index": index})
        return self.notebook(widget_id).locator(
            f'.jp-Cell[data-netcourse-cell="{index}"] .jp-OutputArea'
        )

    def execution_count(self, widget_id: str, index: int) -> int | None:
        """The execution count of one cell (its result is ``Out[count]`` in the kernel)."""
        return self.page.evaluate(
            "([id, index]) => window.__netcourse[id].content.model.cells.get(index).executionCount",
            [widget_id, index],
        )

    def kernel_value(self, widget_id: str, expression: str, timeout_ms: int = 20_000) -> str:
        """The repr of ``expression`` evaluated in the notebook's kernel, silently (no cell, no
        execution count); raises AssertionError with the kernel's error if it fails."""
        found = self.page.evaluate(
            _KERNEL_VALUE, {"id": widget_id, "expression": expression, "timeoutMs": timeout_ms}
        )
        assert found["ok"], f"{expression!r} failed in the kernel: {found['value']}"
        return found["value"]

    def screenshot_cell_outputs(
        self, widget_id: str, index: int, path: Path, whole: bool = False
    ) -> None:
        """Screenshot one cell's output area (the cell must be in view: after layout_findings).

        With ``whole``, an output area taller than the notebook's view is shown whole for the
        screenshot: the page grows taller (never wider) for it, and shrinks back after.
        """
        handle = self.page.evaluate_handle(
            "([id, index]) => window.__netcourse[id].content.widgets[index].node"
            ".querySelector('.jp-OutputArea')",
            [widget_id, index],
        )
        element = handle.as_element()
        if element is None:
            return
        size = self.page.viewport_size
        overflow = self.page.evaluate(
            "(el) => { const panel = el.closest('.jp-WindowedPanel-outer, .jp-Notebook');"
            " return Math.ceil(el.getBoundingClientRect().height"
            " - (panel ? panel.getBoundingClientRect().height : window.innerHeight)) + 40; }",
            element,
        )
        if whole and overflow > 40:
            self.page.set_viewport_size(
                {"width": size["width"], "height": size["height"] + overflow}
            )
            self.page.evaluate(
                "(el) => new Promise((done) => { el.scrollIntoView({block: 'start'});"
                " requestAnimationFrame(() => requestAnimationFrame(done)); })",
                element,
            )
        try:
            element.screenshot(path=str(path), animations="disabled")
        finally:
            if whole and overflow > 40:
                self.page.set_viewport_size(size)


#: The screen sizes every layout check runs at: a laptop with JupyterLab's file browser open and
#: closed, and a smaller laptop screen (or a projector) with it closed.
@dataclass(frozen=True)
class ScreenSize:
    """A viewport, and whether JupyterLab's left sidebar (the file browser) is open."""

    name: str
    width: int
    height: int
    sidebar: bool


SCREEN_SIZES = (
    ScreenSize("1440x900-sidebar", 1440, 900, True),
    ScreenSize("1440x900", 1440, 900, False),
    ScreenSize("1280x720", 1280, 720, False),
)

# Open or close the left sidebar with JupyterLab's own command, the file browser on show.
_SIDEBAR = """
async (open) => {
  const app = window.jupyterapp;
  if (open) {
    if (app.shell.leftCollapsed) await app.commands.execute('application:toggle-left-area');
    app.shell.activateById('filebrowser');
  } else if (!app.shell.leftCollapsed) {
    await app.commands.execute('application:toggle-left-area');
  }
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const panel = document.getElementById('filebrowser');
  return {collapsed: app.shell.leftCollapsed,
          fileBrowserWidth: panel ? panel.getBoundingClientRect().width : 0};
}
"""

# The layout assertions, measured in the page on one cell's rendered outputs. Each finding is
# {check, detail}; an empty list means the outputs fit the screen.
_MEASURE = r"""
(cellNode) => {
  const found = [];
  const add = (check, el, detail) => {
    const cls = (el.className && typeof el.className === 'string')
      ? '.' + el.className.trim().split(/\s+/).filter((c) => !c.startsWith('lm-'))
        .slice(0, 3).join('.')
      : '';
    const text = (el.innerText || el.textContent || '').trim().split('\n')[0].slice(0, 50);
    found.push({check, detail: `<${el.tagName.toLowerCase()}${cls}> ${detail}` +
                (text ? ` (${JSON.stringify(text)})` : '')});
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const mono = (style) => /mono|courier|consolas|menlo/i.test(style.fontFamily);
  const outputs = Array.from(cellNode.querySelectorAll('.jp-OutputArea-output'));
  const viewport = window.innerHeight;
  for (const output of outputs) {
    const all = [output, ...output.querySelectorAll('*')].filter(visible);
    // 1. no sideways scrolling in the output area or any scrolling box inside it
    for (const el of all) {
      const style = getComputedStyle(el);
      if (el === output || /auto|scroll/.test(style.overflowX)) {
        if (el.scrollWidth > el.clientWidth + 1)
          add('scrolls sideways', el,
              `scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
      }
    }
    // a list box whose rows are wider than the box cuts their ends off
    for (const select of output.querySelectorAll('select')) {
      if (!visible(select)) continue;
      const style = getComputedStyle(select);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
      const widths = Array.from(select.options).map((o) => ctx.measureText(o.text).width);
      const widest = Math.max(0, ...widths);
      if (widest > room + 1)
        add('rows cut off', select,
            `widest row ${Math.round(widest)}px > ${Math.round(room)}px of room`);
    }
    // 2. no two sibling boxes of a widget box overlap (content spilling out counts)
    const boxes = [output, ...output.querySelectorAll(
      '.widget-box, .widget-hbox, .widget-vbox, .widget-inline-hbox, .widget-inline-vbox')];
    for (const box of boxes) {
      const kids = Array.from(box.children).filter(visible).map((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const spillX = /visible/.test(style.overflowX)
          ? Math.max(0, el.scrollWidth - el.clientWidth) : 0;
        const spillY = /visible/.test(style.overflowY)
          ? Math.max(0, el.scrollHeight - el.clientHeight) : 0;
        return {el, left: r.left, top: r.top, right: r.right + spillX, bottom: r.bottom + spillY};
      });
      for (let i = 0; i < kids.length; i++)
        for (let j = i + 1; j < kids.length; j++) {
          const a = kids[i], b = kids[j];
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 1 && h > 1) {
            const bcls = typeof b.el.className === 'string' ? b.el.className.split(/\s+/)[0] : '';
            const other = `<${b.el.tagName.toLowerCase()}.${bcls}>`;
            add('overlap', a.el,
                `overlaps its sibling ${other} by ${Math.round(w)}x${Math.round(h)}px`);
          }
        }
    }
    // 3. monospace rows never wrap, ids never split: rendered lines == the text's lines
    // (monospace prose, such as a field's description under a hex dump, may wrap)
    const walker = document.createTreeWalker(output, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const reported = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || reported.has(parent) || !node.textContent.trim()) continue;
      if (parent.closest('select, textarea, script, style, svg')) continue;
      const style = getComputedStyle(parent);
      const keepsNewlines = /pre|break-spaces/.test(style.whiteSpace);
      // monospace rows: text whose white-space is set (pre, nowrap) or in a table's cell
      const isMono = mono(style) && (/pre|nowrap|break-spaces/.test(style.whiteSpace)
        || parent.closest('td, th') !== null);
      const text = node.textContent;
      const oneWord = !/\s/.test(text.trim());
      if (!isMono && !oneWord) continue;
      range.selectNodeContents(node);
      const tops = [];
      for (const r of range.getClientRects()) {
        if (r.width < 0.5) continue;
        if (!tops.some((t) => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
      }
      if (tops.length === 0) continue;
      const lines = keepsNewlines
        ? text.replace(/^\n/, '').replace(/\n$/, '').split('\n').filter((l) => l.length).length
        : 1;
      if (tops.length > Math.max(lines, 1)) {
        reported.add(parent);
        add(isMono ? 'monospace row wraps' : 'word split mid-string', parent,
            `${lines} line(s) of text drawn on ${tops.length}`);
      }
    }
    // 4. no widget or figure taller than the screen (its controls and result seen at once);
    // an HTML table is a page of text, read by scrolling down
    const height = output.getBoundingClientRect().height;
    const isWidget = output.querySelector('.jupyter-widgets') !== null;
    const isFigure = output.classList.contains('jp-RenderedImage')
      || output.querySelector('.jp-RenderedImage') !== null;
    if ((isWidget || isFigure) && height > viewport + 1)
      add('taller than the screen', output, `${Math.round(height)}px > viewport ${viewport}px`);
    // 5. no image drawn larger than its pixels
    for (const img of output.querySelectorAll('img')) {
      if (!img.complete || !img.naturalWidth || !visible(img)) continue;
      const width = img.getBoundingClientRect().width;
      if (width > img.naturalWidth + 0.5)
        add('image upscaled', img,
            `drawn ${Math.round(width)}px wide, ${img.naturalWidth}px natural`);
    }
  }
  return found;
}
"""

# Scroll one cell into view (the notebook is virtualised), wait until its outputs have rendered,
# then measure them; null when the cell has no rendered output.
_LAYOUT_CELL = (
    """
async ({id, index, timeoutMs}) => {
  const measure = __MEASURE__;
  const notebook = window.__netcourse[id].content;
  await notebook.scrollToItem(index, 'start');
  const cell = notebook.widgets[index];
  if (cell.ready) await cell.ready;
  const deadline = performance.now() + timeoutMs;
  const ready = () => {
    if (!cell.node.isConnected) return false;
    const outputs = cell.model.outputs.toJSON();
    const rendered = cell.node.querySelectorAll('.jp-OutputArea-output');
    if (rendered.length < outputs.length) return false;
    for (const out of rendered) {
      if (out.querySelector('.jp-RenderedImage img, img') &&
          Array.from(out.querySelectorAll('img')).some((img) => !img.complete)) return false;
    }
    const widgets = outputs.filter((o) => (o.data || {})['__WIDGET_MIME__']).length;
    const shown = cell.node.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length;
    // views drawn by their own script (anywidget) say when they are: measure them drawn
    if (cell.node.querySelector('.__DRAWN__:not([data-drawn])')) return false;
    return widgets === 0 || shown > 0 || /Error displaying widget/.test(cell.node.innerText);
  };
  while (!ready() && performance.now() < deadline)
    await new Promise((done) => setTimeout(done, 25));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  cell.node.scrollIntoView({block: 'start'});
  return {ready: ready(), findings: measure(cell.node),
          path: window.__netcourse[id].context.path, cellId: cell.model.id};
}
""".replace("__MEASURE__", _MEASURE.strip())
    .replace("__WIDGET_MIME__", WIDGET_MIME)
    .replace("__DRAWN__", DRAWN_IN_BROWSER)
)


# Scroll one cell into view and mark its node, so that a locator finds it while it is shown.
_MARK_CELL = """
async ({id, index}) => {
  const notebook = window.__netcourse[id].content;
  await notebook.scrollToItem(index, 'start');
  const cell = notebook.widgets[index];
  if (cell.ready) await cell.ready;
  for (const node of document.querySelectorAll('[data-netcourse-cell]'))
    if (node !== cell.node) node.removeAttribute('data-netcourse-cell');
  cell.node.setAttribute('data-netcourse-cell', String(index));
  cell.node.scrollIntoView({block: 'start'});
}
"""

# Evaluate an expression in the notebook's kernel as a user expression of a silent request.
_KERNEL_VALUE = """
async ({id, expression, timeoutMs}) => {
  const kernel = window.__netcourse[id].sessionContext.session.kernel;
  const future = kernel.requestExecute({code: '', silent: true, store_history: false,
                                        user_expressions: {value: expression}});
  const timeout = new Promise((_, fail) =>
    setTimeout(() => fail(new Error(`no reply in ${timeoutMs} ms`)), timeoutMs));
  const reply = await Promise.race([future.done, timeout]);
  const value = reply.content.user_expressions.value;
  if (value.status === 'ok') return {ok: true, value: value.data['text/plain']};
  return {ok: false, value: `${value.ename}: ${value.evalue}`};
}
"""
