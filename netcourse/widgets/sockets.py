"""Widgets for notebooks/01-sockets-and-4-tuples.ipynb: a live socket table and a stepper.

Views only: every number comes from :mod:`netcourse.sockets`.

>>> from netcourse.sockets import SocketLab
>>> with SocketLab() as lab:
...     table = SocketTableWidget(lab)
...     table.open_button.click()
...     len(lab.clients), "ESTAB" in table.table.value
...     table.close()
(1, True)
>>> HandshakeStepper().position
1
"""

from __future__ import annotations

import threading
import weakref
from html import escape

import ipywidgets as widgets

from netcourse.sockets import Handshake, SocketLab, handshake
from netcourse.widgets.common import ErrorBox, guard

__all__ = ["SocketTableWidget", "HandshakeStepper"]


class SocketTableWidget(widgets.VBox):
    """The lab's live socket table with buttons to open and close clients.

    It refreshes when a button is pressed, on "refresh", and, while "auto-refresh" is ticked,
    every ``interval`` seconds for at most ``max_refreshes`` times; the timer thread stops when
    the box is unticked, the limit is reached, or the widget is closed (also by leaving a
    ``with`` block) or dropped.
    Taught in notebooks/01-sockets-and-4-tuples.ipynb.
    """

    def __init__(self, lab: SocketLab, interval: float = 1.0, max_refreshes: int = 120) -> None:
        self.lab = lab
        self.interval = max(0.2, float(interval))
        self.max_refreshes = max(1, int(max_refreshes))
        self.refreshes = 0
        self.errors = ErrorBox()
        self.open_button = widgets.Button(description="open a client", icon="plus")
        self.which = widgets.Dropdown(description="client", options=[], layout={"width": "160px"})
        self.first = widgets.ToggleButtons(
            options=[("client closes first", "client"), ("server closes first", "server")],
            value="client",
        )
        self.close_button = widgets.Button(description="close it", icon="times")
        self.refresh_button = widgets.Button(description="refresh", icon="refresh")
        self.auto = widgets.Checkbox(description="auto-refresh", value=False, indent=False)
        self.table = widgets.HTML()
        self.status = widgets.HTML()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._draw_lock = threading.Lock()

        self.open_button.on_click(guard(self.errors)(self._open))
        self.close_button.on_click(guard(self.errors)(self._close))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.auto.observe(self._toggle_timer, names="value")
        super().__init__(
            [
                widgets.HBox([self.open_button, self.which, self.close_button]),
                widgets.HBox([self.first, self.refresh_button, self.auto]),
                self.table,
                self.status,
                self.errors,
            ]
        )
        self.refresh()

    def _open(self, _button=None) -> None:
        client = self.lab.open_client()
        self.refresh()
        self.status.value = f"opened {escape(repr(client))}"

    def _close(self, _button=None) -> None:
        if self.which.value is None:
            self.lab.client()  # raises the lab's own "no client is open" message
        teardown = self.lab.close_client(self.which.value, first=self.first.value)
        self.refresh()
        self.status.value = (
            f"client #{teardown.client}: {teardown.first} closed first; after the first close "
            f"{escape(str(teardown.after_first_close))}, after both "
            f"{escape(str(teardown.after_second_close))}; TIME-WAIT side: "
            f"{teardown.time_wait_side}"
        )

    def refresh(self) -> None:
        """Redraw the table from the kernel's current socket list."""
        with self._draw_lock:
            try:
                table = self.lab.table()
            except Exception as exc:  # a closed lab must not break the widget
                self.errors.show(exc)
                self._stop.set()
                return
            self.table.value = table._repr_html_()
            numbers = [client.number for client in self.lab.clients]
            self.which.options = [(f"#{n}", n) for n in numbers]
            self.which.value = numbers[-1] if numbers else None
            self.refreshes += 1

    def _toggle_timer(self, change) -> None:
        if change["new"]:
            self.start_timer()
        else:
            self.stop_timer()

    def start_timer(self) -> None:
        """Start refreshing every ``interval`` seconds (bounded by ``max_refreshes``)."""
        self.stop_timer()
        self._stop = threading.Event()
        stop, interval, count = self._stop, self.interval, self.max_refreshes
        view = weakref.ref(self)  # the thread does not keep a dropped widget alive

        def tick() -> None:
            for _ in range(count):
                if stop.wait(interval) or (widget := view()) is None:
                    return
                widget.refresh()
                del widget
            if (widget := view()) is not None:
                widget.auto.value = False

        weakref.finalize(self, stop.set)  # dropped, or at exit: the thread ends
        self._timer = threading.Thread(target=tick, name="netcourse-socket-table", daemon=True)
        self._timer.start()

    def stop_timer(self) -> None:
        """Stop the timer thread and wait for it (bounded)."""
        self._stop.set()
        timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.join(timeout=self.interval + 2)

    @property
    def timer_running(self) -> bool:
        """True while the auto-refresh thread runs."""
        return self._timer is not None and self._timer.is_alive()

    def __enter__(self) -> SocketTableWidget:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Stop the timer, then close the widget and its children."""
        self.stop_timer()
        for child in self.children:
            child.close()
        super().close()

    def __repr__(self) -> str:
        return "SocketTableWidget(live socket table of the lab)"


class HandshakeStepper(widgets.VBox):
    """Step through a capture's TCP segments with the seq/ack arithmetic spelled out.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.
    """

    def __init__(self, capture: Handshake | str | None = None) -> None:
        self.errors = ErrorBox()
        self.capture = capture if isinstance(capture, Handshake) else handshake(capture)
        count = len(self.capture)
        self.slider = widgets.IntSlider(value=1, min=1, max=count, description="segment")
        self.back = widgets.Button(description="previous", icon="arrow-left")
        self.forward = widgets.Button(description="next", icon="arrow-right")
        self.view = widgets.HTML()
        self.back.on_click(guard(self.errors)(lambda _: self.step(-1)))
        self.forward.on_click(guard(self.errors)(lambda _: self.step(+1)))
        self.slider.observe(lambda _: self._draw(), names="value")
        super().__init__(
            [widgets.HBox([self.back, self.slider, self.forward]), self.view, self.errors]
        )
        self._draw()

    @property
    def position(self) -> int:
        """The 1-based number of the segment shown."""
        return self.slider.value

    def step(self, delta: int) -> None:
        """Move by ``delta`` segments, staying within the capture."""
        self.slider.value = min(max(self.slider.value + delta, 1), self.slider.max)

    def _draw(self) -> None:
        step = self.capture[self.slider.value - 1]
        arrow = "client → server" if step.sender == "client" else "client ← server"
        ack = "" if step.ack is None else f", ack {step.ack} (relative {step.relative_ack})"
        lines = "".join(f"<li>{escape(line)}</li>" for line in step.arithmetic)
        self.view.value = (
            f"<p><b>#{step.number} {escape(step.flags)}</b> ({step.phase}), {arrow}: "
            f"seq {step.seq} (relative {step.relative_seq}){ack}, {step.length} data bytes</p>"
            f"<ul>{lines}</ul>"
        )

    def __repr__(self) -> str:
        return f"HandshakeStepper({len(self.capture)} segments)"
