"""A class on a real JupyterHub: two learners click the course's nbgitpuller link and work, and
the instructor reads the class from their homes.

Each learner logs in through the hub's login page in their own Chromium context, follows the
nbgitpuller link (which spawns their server and pulls a local clone of this repository into
their home); the first runs lesson 03 in JupyterLab; each makes a common mistake in an
exercise, then passes it, and asks their own kernel where netcourse and their progress come
from. Both servers run at the same time; each learner's progress must be theirs alone, on
disk and in their kernel.

Marked slow: two servers, two pulls and a lesson run take 50-100 s on a shared machine.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hubdriver import FOLDER, browser, browser_processes, watchdog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS, LabPage  # noqa: E402

from netcourse.checks.classroom import class_progress  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # 50-100 s measured: a hub, two servers, two pulls, a run of lesson 03
]

LESSON = "notebooks/03-cidr-and-subnets.ipynb"
EXERCISE = "exercises/03-cidr-and-subnets.ipynb"
LESSON_SLUG = "03-cidr-and-subnets"
#: Each learner passes a different check, so a shared store would show both passes; each first
#: makes a common mistake, which the class view must count. The answers come from Python's
#: ipaddress module, not from the netcourse code the checks use.
ANSWERS = {
    "alice": (
        "usable-hosts",
        "check.usable_hosts(",
        "import ipaddress\n"
        "every = ipaddress.ip_network(check.USABLE_HOSTS_NET).num_addresses\n"
        "check.usable_hosts(every)\n"
        "check.usable_hosts(every - 2)",
    ),
    "bob": (
        "broadcast",
        "check.broadcast(",
        "import ipaddress\n"
        "net = ipaddress.ip_network(check.BROADCAST_OF, strict=False)\n"
        "check.broadcast(str(net.network_address))\n"
        "check.broadcast(str(net.broadcast_address))",
    ),
}
#: The learner who also runs the whole lesson (the other works in the exercise only).
FIRST = "alice"
#: What the instructor's view must read from the two homes: check -> (mistake made first).
MISTAKES = {"usable-hosts": "counts-every-address", "broadcast": "network-address"}
#: Upper bound for a login, the server's spawn and nbgitpuller's clone, until JupyterLab shows.
ARRIVE_TIMEOUT_MS = 180_000
#: Upper bound for both learners' whole session (about 2 minutes when the machine is busy).
WHOLE_CLASS_TIMEOUT = 900.0

# Replace the source of the first cell whose source contains `marker`; return its index.
_SET_SOURCE = """
({id, marker, source}) => {
  const cells = Array.from(window.__netcourse[id].content.model.cells);
  const index = cells.findIndex((cell) => cell.sharedModel.getSource().includes(marker));
  if (index >= 0) cells[index].sharedModel.setSource(source);
  return index;
}
"""
# The text of a cell's stream and text/plain outputs, from the notebook model.
_OUTPUT_TEXT = """
({id, index}) => window.__netcourse[id].content.model.cells.get(index).outputs.toJSON()
  .map((out) => out.text || (out.data && out.data['text/plain']) || '').join('')
"""
WHERE_FROM = (
    "import json, sys, netcourse, netcourse.checks\n"
    "print(json.dumps({'python': sys.executable, 'netcourse': netcourse.__file__,\n"
    "    'store': str(netcourse.checks.progress_path()),\n"
    "    'passed': {slug: list(names) for slug, names, _ in netcourse.checks.progress().rows\n"
    "               if names}}))"
)


def _problems(reports) -> list[str]:
    return [problem for report in reports for problem in report.problems()]


def _arrive(page, hub, name: str) -> LabPage:
    """Log in through the hub's form with the link as `next`; wait until JupyterLab is up."""
    link = hub.link(LESSON)
    page.goto(f"{hub.url}/hub/login?next={quote(link[len(hub.url) :], safe='/')}")
    page.fill("#username_input", name)
    page.fill("#password_input", "any password: the dummy authenticator")
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{name}/lab/tree/{FOLDER}/{LESSON}*", timeout=ARRIVE_TIMEOUT_MS)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("() => { window.jupyterapp.restored.then(() => { window.__restored = true; }); }")
    page.wait_for_function("() => window.__restored === true", timeout=60_000)
    return LabPage(page, hub)


def _run_clean(lab: LabPage, path: str) -> str:
    """Run a notebook top to bottom in the learner's JupyterLab; nothing may look broken."""
    widget_id = lab.open(path)
    lab.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
    reports = lab.cell_reports(widget_id)
    code = [r for r in reports if r.type == "code" and r.source.strip()]
    assert code, f"{path} has no code cells"
    problems = _problems(reports)
    assert not problems, f"{path}:\n" + "\n".join(problems)
    not_run = [r.index for r in code if r.executionCount is None]
    assert not not_run, f"{path}: cells {not_run} never ran"
    return widget_id


def _answer(lab: LabPage, name: str) -> str:
    """Type the learner's answer into one exercise cell, run the notebook, return that output."""
    _, marker, source = ANSWERS[name]
    widget_id = lab.open(f"{FOLDER}/{EXERCISE}")
    index = lab.page.evaluate(_SET_SOURCE, {"id": widget_id, "marker": marker, "source": source})
    assert index >= 0, f"no cell calls {marker!r} in {EXERCISE}"
    lab.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
    assert not _problems(lab.cell_reports(widget_id))
    text = lab.page.evaluate(_OUTPUT_TEXT, {"id": widget_id, "index": index})
    lab.close(widget_id)
    return text


def _where_from(lab: LabPage, home: Path) -> dict:
    """Ask the learner's own kernel which Python, which netcourse and which progress it uses."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WHERE_FROM)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, home / "where-from.ipynb")
    widget_id = lab.open("where-from.ipynb")
    lab.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
    text = lab.page.evaluate(_OUTPUT_TEXT, {"id": widget_id, "index": 0})
    lab.close(widget_id)
    return json.loads(text)


def _attend(chromium, hub, name: str) -> dict:
    """One learner's session in their own browser context; what their kernel reports."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    lab = _arrive(page, hub, name)
    hub.track()
    home = hub.homes / name
    assert (home / FOLDER / ".git").is_dir(), f"nbgitpuller made no clone for {name}"
    if name == FIRST:  # the lesson runs clean from the pulled clone: once is proof enough
        lab.close(_run_clean(lab, f"{FOLDER}/{LESSON}"))
    feedback = _answer(lab, name)
    assert "✘ not yet" in feedback and "✔ correct" in feedback, f"{name}'s check: {feedback!r}"
    where = _where_from(lab, home)
    hub.track()
    return where


def test_two_learners_pull_the_course_and_keep_their_own_progress(hub, record_property):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    seen: dict[str, dict] = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(browser.CHROMIUM), args=browser.CHROMIUM_ARGS, headless=True
        )
        try:
            with watchdog(WHOLE_CLASS_TIMEOUT, browser_processes()):
                for name in ANSWERS:  # alice's server keeps running while bob works
                    seen[name] = _attend(chromium, hub, name)
        finally:
            chromium.close()
    running = {user["name"]: user for user in hub.api("/users")}
    for name in ANSWERS:
        assert running[name]["servers"][""]["ready"], f"{name}'s server is not running"
        # the course's own server arguments (kernel culling) reach it, under the test's
        command = hub.server_command(name)
        assert "--MappingKernelManager.cull_idle_timeout=1800" in command, command
        assert "--LabApp.expose_app_in_browser=True" in command, command

    for name, (check_name, _, _) in ANSWERS.items():
        home = hub.homes / name
        where = seen[name]
        # The user server runs the course's venv (the test's Python)...
        assert Path(where["python"]).resolve() == Path(sys.executable).resolve(), where
        # ...and its kernels import netcourse from the learner's own pulled clone.
        assert Path(where["netcourse"]) == home / FOLDER / "netcourse" / "__init__.py", where
        store = home / ".local" / "share" / "netcourse" / "progress.json"
        assert Path(where["store"]) == store, where
        assert where["passed"] == {LESSON_SLUG: [check_name]}, where
        on_disk = json.loads(store.read_text())
        passed = on_disk["passed"]
        assert set(passed) == {LESSON_SLUG} and set(passed[LESSON_SLUG]) == {check_name}
        assert on_disk["learner"] == name, on_disk  # the hub's user name, for the class view

    # The instructor reads the class with the pattern the instructor guide gives.
    report = class_progress(
        str(hub.homes / "*" / ".local" / "share" / "netcourse" / "progress.json")
    )
    assert report.problems == ()
    assert {learner.name for learner in report.learners} == set(ANSWERS)
    assert all(learner.named_by == "file" for learner in report.learners)  # $JUPYTERHUB_USER
    for check_name, mistake in MISTAKES.items():
        row = report.check(LESSON_SLUG, check_name)
        assert (row.tried, row.passed, row.failed, row.stuck) == (1, 1, 1, 0), row
        assert row.mistakes == ((mistake, 1),), row
    assert class_progress(hub.homes).learners == report.learners  # the folder of homes: the same
    record_property("duration_s", round(time.monotonic() - started, 1))
