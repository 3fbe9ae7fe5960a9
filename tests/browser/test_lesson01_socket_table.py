"""Lesson 01 after Run All, in Chromium: the live socket table and the stepper still work.

Run All ends with the lesson's clean-up cell, which closes the lab the table shows. The table
must then say so (no ESTAB rows of sockets that are gone), offer a new lab, and work with it:
open a client, close it, see the states. The handshake stepper's "next" is disabled on its
last segment. Screenshots: artifacts/screenshots/lesson01-socket-table*.png.
"""

from __future__ import annotations

import nbformat
import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS, NOTEBOOKS

pytestmark = pytest.mark.browser
LESSON = "01-sockets-and-4-tuples.ipynb"
#: How long the screen may take to follow one click (a kernel round trip and a redraw).
UPDATE_MS = 20_000

# Scroll the (virtualised) notebook to a cell and mark its node, so a locator can find it.
_MARK = """
async ({id, index}) => {
  const notebook = window.__netcourse[id].content;
  await notebook.scrollToItem(index, 'center');
  const cell = notebook.widgets[index];
  if (cell.ready) await cell.ready;
  cell.node.setAttribute('data-netcourse-cell', String(index));
  cell.node.scrollIntoView({block: 'start'});
}
"""


def _index(source: str) -> int:
    """The index of the lesson's code cell with exactly this source."""
    nb = nbformat.read(NOTEBOOKS / LESSON, as_version=4)
    return next(i for i, c in enumerate(nb.cells) if c.source.strip() == source)


def _cell(lab_page, widget_id: str, index: int):
    lab_page.page.evaluate(_MARK, {"id": widget_id, "index": index})
    return lab_page.notebook(widget_id).locator(f'[data-netcourse-cell="{index}"]')


def test_socket_table_after_run_all_says_closed_and_works_again(lab, lab_page, screenshots):
    from playwright.sync_api import expect

    from netcourse.sockets import handshake

    table_index, stepper_index = _index("SocketTableWidget(lab)"), _index("HandshakeStepper(hs)")
    widget_id = lab_page.open(f"notebooks/{LESSON}")
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        reports = lab_page.cell_reports(widget_id)
        problems = [problem for report in reports for problem in report.problems()]
        assert not problems, problems

        cell = _cell(lab_page, widget_id, table_index)
        output = cell.locator(".jp-OutputArea")
        expect(output).to_contain_text("This lab is closed", timeout=UPDATE_MS)
        expect(output).not_to_contain_text("ESTAB", timeout=UPDATE_MS)
        expect(output.get_by_role("button", name="open a client")).to_be_disabled(timeout=UPDATE_MS)
        lab_page.settle()
        output.screenshot(path=str(screenshots / "lesson01-socket-table-closed.png"))

        output.get_by_role("button", name="start a new lab").click()
        expect(output).not_to_contain_text("This lab is closed", timeout=UPDATE_MS)
        expect(output).to_contain_text("LISTEN", timeout=UPDATE_MS)
        output.get_by_role("button", name="open a client").click()
        expect(output).to_contain_text("opened client #1", timeout=UPDATE_MS)
        expect(output.locator(".netcourse-sockets")).to_contain_text("ESTAB", timeout=UPDATE_MS)
        output.get_by_role("button", name="server closes first").click()
        output.get_by_role("button", name="close it").click()
        teardown = output.locator(".netcourse-teardown")
        expect(output).to_contain_text("client #1: the server closed first", timeout=UPDATE_MS)
        server_row = teardown.locator("tr", has=lab_page.page.locator("th", has_text="server"))
        expect(server_row.locator("td")).to_have_text(
            ["FIN-WAIT-2", "TIME-WAIT"], timeout=UPDATE_MS
        )
        expect(output).not_to_contain_text("{", timeout=UPDATE_MS)
        expect(output).not_to_contain_text("Traceback", timeout=UPDATE_MS)
        lab_page.settle()
        output.screenshot(path=str(screenshots / "lesson01-socket-table.png"))

        stepper = _cell(lab_page, widget_id, stepper_index).locator(".jp-OutputArea")
        back = stepper.get_by_role("button", name="previous")
        forward = stepper.get_by_role("button", name="next")
        expect(back).to_be_disabled(timeout=UPDATE_MS)
        capture = handshake()
        for step in capture[1:]:  # one click per segment, each waited for on screen
            expect(forward).to_be_enabled(timeout=UPDATE_MS)
            forward.click()
            expect(stepper).to_contain_text(f"#{step.number} {step.flags}", timeout=UPDATE_MS)
        expect(forward).to_be_disabled(timeout=UPDATE_MS)  # the last segment
        expect(back).to_be_enabled(timeout=UPDATE_MS)
    finally:
        lab_page.close(widget_id)
