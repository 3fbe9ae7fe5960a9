"""Lesson 01 as a learner runs it: what the socket table invites, then every later cell.

The lesson's own code cells run in order in this process (as a kernel runs them). Right after
the cell that shows the live socket table, the test does what the text around it invites:
close a client (choosing the side), open more, tick auto-refresh. Every later cell must still
run, and say plainly what happened instead of raising. After the last cell (which closes the
lab, as Run All does) the table must say the lab is closed, show none of its sockets, and
work again through "start a new lab". Nothing the lesson opens may be left behind.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import matplotlib
import nbformat
import psutil
import pytest

from netcourse.widgets.sockets import HandshakeStepper, SocketTableWidget

matplotlib.use("Agg")  # the lesson draws figures; no screen here

LESSON = Path(__file__).resolve().parents[2] / "notebooks" / "01-sockets-and-4-tuples.ipynb"
#: The cell that shows the live table, and the later cells that report on its clients.
TABLE_CELL = "c22"


def run_cell(source: str, namespace: dict) -> object:
    """Run one cell like a kernel does: its last expression is its result."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


def close_first_client_client_first(table: SocketTableWidget) -> None:
    """What the issue reported: closing client 1 broke the next cell."""
    table.which.value, table.first.value = 1, "client"
    table.close_button.click()


def close_both_with_sides_swapped(table: SocketTableWidget) -> None:
    table.which.value, table.first.value = 2, "client"
    table.close_button.click()
    table.which.value, table.first.value = 1, "server"
    table.close_button.click()


def open_more_close_one_and_follow(table: SocketTableWidget) -> None:
    table.open_button.click()
    table.open_button.click()
    table.close_button.click()  # the newest, #4, client first
    table.auto.value = True  # still ticking while the later cells run


ACTIONS = [
    close_first_client_client_first,
    close_both_with_sides_swapped,
    open_more_close_one_and_follow,
]


def _on_port(port: int) -> set[str]:
    return {
        c.status
        for c in psutil.net_connections(kind="tcp")
        if c.laddr and c.laddr.port == port and c.status != psutil.CONN_TIME_WAIT
    }


def _lab_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("netcourse-socket")]


@pytest.mark.parametrize("learner", ACTIONS, ids=lambda action: action.__name__)
def test_lesson_runs_on_after_what_the_table_invites_and_the_table_still_works(learner):
    nb = nbformat.read(LESSON, as_version=4)
    namespace: dict = {"__name__": "__lesson__"}
    results: dict[str, object] = {}
    table = lab_port = new_port = None
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                results[cell.id] = run_cell(cell.source, namespace)
            except Exception as exc:  # the learner would see a traceback here
                pytest.fail(f"cell {cell.id} ({cell.source!r}) raised {exc!r}")
            if cell.id == TABLE_CELL:
                table, lab_port = results[cell.id], namespace["lab"].port
                assert isinstance(table, SocketTableWidget)
                learner(table)
                assert table.errors.value == "", table.errors.value
        lab = namespace["lab"]
        assert lab.closed  # the lesson's clean-up ran

        # every close the lesson shows says how it went, in words
        teardown, other = results["c24"], namespace["other"]
        for shown in (teardown, other):
            assert "{" not in repr(shown)
        if learner is close_first_client_client_first:
            assert "client #1 was closed already (the client closed first)" in teardown.note
            assert other.note == ""  # client #2 was left to the lesson
        if learner is close_both_with_sides_swapped:
            assert "first='client' changed nothing" in teardown.note  # it was server first
            assert "first='server' changed nothing" in other.note
            assert (teardown.time_wait_side, other.time_wait_side) == ("server", "client")
        if learner is open_more_close_one_and_follow:
            assert teardown.note == other.note == ""

        # Run All's end: the table says the lab is closed and shows none of its sockets
        assert table.showing_closed and not table.timer_running
        assert "ESTAB" not in table.table.value and str(lab_port) not in table.table.value
        assert _on_port(lab_port) == set()  # and the kernel agrees: nothing left there
        table.reopen_button.click()
        table.open_button.click()
        new_port = table.lab.port
        assert not table.showing_closed and table.errors.value == ""
        assert _on_port(new_port) == {psutil.CONN_LISTEN, psutil.CONN_ESTABLISHED}
        assert table.table.value.count("ESTAB") == 2

        stepper = results["c52"]
        assert isinstance(stepper, HandshakeStepper)
        for _ in range(len(stepper.capture)):
            stepper.forward.click()
        assert stepper.forward.disabled and not stepper.back.disabled
    finally:
        if table is not None:
            table.close()
        holder = namespace.get("holder")
        if holder is not None:
            holder.stop()
        if "lab" in namespace:
            namespace["lab"].close()
        matplotlib.pyplot.close("all")
    assert table.lab.closed and _on_port(new_port) == set()
    assert not _lab_threads()
