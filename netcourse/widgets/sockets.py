"""Widgets for notebooks/01-sockets-and-4-tuples.ipynb: a live socket table and a stepper.

Views only: every number comes from :mod:`netcourse.sockets`.

>>> from netcourse.sockets import SocketLab
>>> with SocketLab() as lab:
...     table = SocketTableWidget(lab)
...     table.open_button.click()
...     len(lab.clients), "ESTAB" in table.table.value
(1, True)
>>> table.showing_closed, "ESTAB" in table.table.value  # the lab closed: no stale rows
(True, False)
>>> table.close()
>>> stepper = HandshakeStepper()
>>> stepper.position, stepper.back.disabled, stepper.forward.disabled
(1, True, False)
"""

from __future__ import annotations

import threading
import weakref
from html import escape

import ipywidgets as widgets

from netcourse.html import Markup
from netcourse.sockets import Handshake, SocketLab, handshake
from netcourse.sockets.connections import address_text
from netcourse.style import NEUTRALS
from netcourse.widgets.common import ErrorBox, StaleNote, guard

__all__ = ["SocketTableWidget", "HandshakeStepper"]


#: What the table shows once its lab is closed, instead of sockets that are gone.
CLOSED_TEXT = (
    "<b>This lab is closed</b>: <code>lab.close()</code> (the lesson's clean-up step, or the "
    "end of a <code>with</code> block) closed all its sockets and stopped its server, so "
    "there are no sockets to show. Press <i>start a new lab</i> to go on trying here; the "
    "new lab belongs to this table and is closed with it, or with the kernel."
)


class SocketTableWidget(widgets.VBox):
    """The lab's live socket table with buttons to open and close clients.

    It refreshes when a button is pressed, on "refresh", and, while "auto-refresh" is ticked,
    every ``interval`` seconds for at most ``max_refreshes`` times; the timer thread stops when
    the box is unticked, the limit is reached, or the widget is closed (also by leaving a
    ``with`` block) or dropped. It also redraws whenever the lab opens or closes a client,
    whoever asked (a notebook cell, say). When the lab is closed (by anyone) the table says so
    at once, shows no sockets, and offers to start a new lab of its own, which it closes when
    it is closed itself.
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
        self.reopen_button = widgets.Button(
            description="start a new lab", icon="play", layout={"display": "none"}
        )
        self.table = widgets.HTML()
        self.stale = StaleNote()
        self.status = widgets.HTML()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._draw_lock = threading.Lock()
        self._refresh_failed = False
        self._closing = False
        self._own_lab: SocketLab | None = None  # the lab "start a new lab" started, if any

        # A refused action (closing with no client open) marks the table it leaves on screen.
        act = guard(self.errors, self.stale, self._shown, views=(self.table, self.status))
        self.open_button.on_click(act(self._open))
        self.close_button.on_click(act(self._close))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.reopen_button.on_click(guard(self.errors)(self._reopen))
        self.auto.observe(self._toggle_timer, names="value")
        super().__init__(
            [
                widgets.HBox([self.open_button, self.which, self.close_button]),
                widgets.HBox([self.first, self.refresh_button, self.auto]),
                self.stale,
                self.table,
                self.reopen_button,
                self.status,
                self.errors,
            ]
        )
        self._watch(lab)
        self.refresh()

    @property
    def _controls(self) -> tuple[widgets.DOMWidget, ...]:
        """What works only while the lab runs."""
        return (
            self.open_button,
            self.which,
            self.close_button,
            self.first,
            self.refresh_button,
            self.auto,
        )

    def _watch(self, lab: SocketLab) -> None:
        """Redraw whenever ``lab`` opens or closes a client or closes (holding this weakly).

        So a client closed by a notebook cell, or the lab closed by the lesson's last cell,
        shows here at once, without a refresh.
        """
        view, watched = weakref.ref(self), weakref.ref(lab)  # no cycle through the lab

        def changed(_event: str) -> None:
            widget = view()
            if widget is not None and widget.lab is watched() and not widget._closing:
                guard(widget.errors)(widget.refresh)()  # a view never breaks the lab's caller

        lab.on_change(changed)

    def _shown(self) -> str | None:
        """What an error leaves on screen: the table as it was before the refused action."""
        return "the table as it was before this error" if self.table.value else None

    def _open(self, _button=None) -> None:
        client = self.lab.open_client()  # the lab's change redraws the table
        src_ip, sport, dst_ip, dport = client.four_tuple
        self.status.value = Markup(
            "opened client #{}: {} → {} (its socket is fd {} in this process)"
        ).format(
            client.number, address_text((src_ip, sport)), address_text((dst_ip, dport)), client.fd
        )

    def _close(self, _button=None) -> None:
        if self.which.value is None:
            self.lab.client()  # raises the lab's own "no client is open" message
        teardown = self.lab.close_client(self.which.value, first=self.first.value)
        self.status.value = teardown._repr_html_()

    def _reopen(self, _button=None) -> None:
        """Start a new lab of this table's own in place of the closed one."""
        old = self.lab
        new = SocketLab(old.host, wait=old.wait).start()
        previous, self._own_lab = self._own_lab, new
        if previous is not None:
            previous.close()  # closed already (or the button would not show); to be sure
        self.lab = new
        self._watch(new)
        self.refresh()
        self.status.value = Markup(
            "a new lab listens on {}; it belongs to this table (the notebook's "
            "<code>lab</code> stays closed)"
        ).format(address_text((new.host, new.port)))

    @property
    def showing_closed(self) -> bool:
        """True while the table says its lab is closed (and shows no sockets)."""
        return self.reopen_button.layout.display != "none"

    def refresh(self) -> None:
        """Redraw the table from the kernel's current socket list; say so if the lab closed."""
        with self._draw_lock:
            closed = self.lab.closed
            if closed:
                self._draw_closed()
            else:
                self._draw_open()
        if closed and self.auto.value:  # outside the lock: unticking joins the timer thread
            self.auto.value = False

    def _draw_closed(self) -> None:
        self._stop.set()
        self.table.value = Markup(
            '<div class="netcourse-closed" role="status" style="color:{}">{}</div>'
        ).format(NEUTRALS["muted"], Markup(CLOSED_TEXT))
        self.which.options = []
        for control in self._controls:
            control.disabled = True
        self.reopen_button.layout.display = None
        self.status.value = ""
        self.stale.clear()
        if self._refresh_failed:
            self.errors.clear()
            self._refresh_failed = False

    def _draw_open(self) -> None:
        try:
            table = self.lab.table()
        except Exception as exc:  # the widget survives; what is on show is marked as old
            self.errors.show(exc)
            self._refresh_failed = True
            if self.table.value:
                self.stale.mark("the table from before this error")
            return
        if self._refresh_failed:  # clear only what a failed refresh showed, not a button's
            self.errors.clear()
            self._refresh_failed = False
        self.stale.clear()
        self.table.value = table._repr_html_()
        numbers = [client.number for client in self.lab.clients]
        self.which.options = [(f"#{n}", n) for n in numbers]
        self.which.value = numbers[-1] if numbers else None
        for control in self._controls:
            control.disabled = False
        self.reopen_button.layout.display = "none"
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
        """Stop the timer, close the lab this table started (if any), then the widget."""
        self._closing = True
        self.stop_timer()
        if self._own_lab is not None:
            self._own_lab.close()
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
        self.back.disabled = self.slider.value <= self.slider.min
        self.forward.disabled = self.slider.value >= self.slider.max
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
