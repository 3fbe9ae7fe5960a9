"""The journey stepper: previous / next / play through a scenario's events.

For each event it shows the whole path with the current device lit, the PDU's layers with
the fields this device reads (yellow) or rewrites (orange) and their bytes, and the table the
device consulted with the deciding row marked. Taught in notebooks/06-packet-journey.ipynb.

>>> stepper = JourneyStepper("healthy")
>>> stepper.next.click(); stepper.step
2
>>> stepper
JourneyStepper('healthy', step 2/26)
"""

from __future__ import annotations

import io
from html import escape

import ipywidgets as widgets

from netcourse.journey import Journey, scenario, scenarios
from netcourse.widgets.common import ErrorBox, guard

__all__ = ["JourneyStepper", "pdu_html"]

_READ, _WRITE = "#F0E442", "#E69F00"


def _marks(event) -> dict[tuple[str, str], str]:
    marks = {}
    for key in event.reads:
        layer, _, name = key.partition(".")
        marks[(layer, name)] = "reads"
    for key in event.rewrites:
        layer, _, name = key.partition(".")
        marks[(layer, name)] = "rewrites"
    return marks


def pdu_html(event, max_bytes: int = 128) -> str:
    """The event's PDU as layers and fields, and its bytes, with read and rewritten fields marked.

    >>> from netcourse.journey import scenario
    >>> html = pdu_html(scenario("healthy").run().events[6])
    >>> "rewrites" in html and "sport" in html
    True
    """
    from netcourse.packets import dissect

    dissection = dissect(event.pdu)
    marks = _marks(event)
    colour_of_byte: dict[int, str] = {}
    rows = []
    for layer in dissection.layers:
        rows.append(
            f"<tr><td colspan='4' style='background:#eee'><b>{escape(layer.name)}</b> "
            f"{escape(layer.summary)}</td></tr>"
        )
        for fld in layer.fields:
            mark = marks.get((layer.name, fld.name))
            style = ""
            if mark:
                colour = _WRITE if mark == "rewrites" else _READ
                style = f" style='background:{colour};font-weight:bold'"
                for offset in range(fld.offset, fld.offset + fld.length):
                    colour_of_byte.setdefault(offset, colour)
            value = fld.value if len(str(fld.value)) <= 40 else str(fld.value)[:37] + "..."
            rows.append(
                f"<tr{style}><td>{escape(fld.name)}</td><td>{escape(str(value))}</td>"
                f"<td>{fld.offset}</td><td>{mark or ''}</td></tr>"
            )
    tree = (
        "<table class='netcourse-pdu'><thead><tr><th>field</th><th>value</th><th>offset</th>"
        f"<th>this device</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    cells = []
    for offset, byte in enumerate(event.pdu[:max_bytes]):
        if offset % 16 == 0:
            cells.append(f"{'<br>' if offset else ''}{offset:04x}&nbsp;")
        colour = colour_of_byte.get(offset)
        text = f"{byte:02x}"
        cells.append(f"<span style='background:{colour}'>{text}</span> " if colour else text + " ")
    more = f" … ({len(event.pdu)} bytes)" if len(event.pdu) > max_bytes else ""
    hexdump = f"<pre style='font-size:11px;line-height:1.3'>{''.join(cells)}{more}</pre>"
    legend = (
        f"<span style='background:{_READ}'>&nbsp;reads&nbsp;</span> "
        f"<span style='background:{_WRITE}'>&nbsp;rewrites&nbsp;</span>"
    )
    return f"<div>{legend}{tree}{hexdump}</div>"


class JourneyStepper(widgets.VBox):
    """Step through a scenario's journey: previous, next, or play (bounded, stoppable).

    ``source`` is a scenario name, a :class:`~netcourse.journey.Scenario` or a
    :class:`~netcourse.journey.Journey`.
    """

    def __init__(self, source="healthy", interval_ms: int = 1500):
        names = list(scenarios())
        self.choice = widgets.Dropdown(options=names, description="scenario")
        self.previous = widgets.Button(description="◀ previous", layout={"width": "8em"})
        self.next = widgets.Button(description="next ▶", layout={"width": "8em"})
        # Play counts from min to max once (no repeat, and no repeat button) and has its own
        # pause and stop buttons.
        self.play = widgets.Play(
            min=1, max=1, value=1, step=1, interval=interval_ms, repeat=False, show_repeat=False
        )
        self.slider = widgets.IntSlider(min=1, max=1, value=1, description="step")
        self.errors = ErrorBox()
        self.header = widgets.HTML()
        self.figure = widgets.Image(format="png", layout={"width": "100%"})
        self.pdu = widgets.HTML()
        self.table = widgets.HTML()
        self.journey: Journey | None = None
        self._busy = False
        self._shown = 0  # the step the panes show now
        panes = widgets.HBox(
            [self.pdu, self.table],
            layout={"align_items": "flex-start", "grid_gap": "1em"},
        )
        controls = widgets.HBox([self.choice, self.previous, self.next, self.play, self.slider])
        super().__init__([controls, self.errors, self.header, self.figure, panes])
        self._load = guard(self.errors)(self._load_source)
        self._show = guard(self.errors)(self._render)
        self.previous.on_click(lambda _: self.go(self.step - 1))
        self.next.on_click(lambda _: self.go(self.step + 1))
        self.play.observe(lambda change: self.go(change["new"]), names="value")
        self.slider.observe(lambda change: self.go(change["new"]), names="value")
        self.choice.observe(lambda change: self._load(change["new"]), names="value")
        if isinstance(source, str) and source in names:
            self._busy = True
            self.choice.value = source
            self._busy = False
        self._load(source)

    @property
    def step(self) -> int:
        """The current step, 1-based."""
        return self.slider.value

    @property
    def event(self):
        """The event shown now."""
        return None if not self.journey else self.journey.events[self.step - 1]

    def _load_source(self, source) -> None:
        if self._busy:
            return
        if isinstance(source, Journey):
            journey = source
        elif isinstance(source, str):
            journey = scenario(source).run()
        else:
            journey = source.run()
        self.journey = journey
        self._shown = 0
        self.play.playing = False
        self._busy = True
        try:
            count = len(journey.events)
            for control in (self.slider, self.play):
                control.value = 1
                control.max = count
        finally:
            self._busy = False
        self._show()

    def go(self, step: int) -> None:
        """Show step ``step`` (clamped to the journey); play stops at the last step."""
        if self._busy or not self.journey:
            return
        step = max(1, min(int(step), len(self.journey.events)))
        if step == len(self.journey.events) or not self.journey.events[step - 1].ok:
            self.play.playing = False
        if step == self._shown:
            return
        self._busy = True
        try:
            self.slider.value = step
            if self.play.value != step:
                self.play.value = step
        finally:
            self._busy = False
        self._show()

    def _render(self) -> None:
        from netcourse.plots.journey import path_figure

        event = self.event
        journey = self.journey
        colour = "#009E73" if event.ok else "#D55E00"
        ending = ""
        if event is journey.events[-1]:
            ending = (
                " — <b>delivered</b>"
                if journey.delivered
                else " — <b style='color:#D55E00'>stopped here</b>"
            )
        self.header.value = (
            f"<div><b>step {event.step}/{len(journey.events)}</b> ({event.direction}) · "
            f"<b>{escape(event.device)}</b> — {escape(event.kind)}, layer {event.layer} · "
            f"decided by <code>{escape(event.decided_by)}</code><br>"
            f"<b style='color:{colour}'>{escape(event.decision)}</b>: {escape(event.why)}"
            f"{ending}</div>"
        )
        buffer = io.BytesIO()
        fig = path_figure(journey, event.step)
        fig.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
        self.figure.value = buffer.getvalue()
        self.pdu.value = pdu_html(event)
        self._shown = event.step
        self.table.value = event.table._repr_html_() if event.table is not None else ""

    def __repr__(self) -> str:
        name = self.journey.scenario if self.journey else "?"
        total = len(self.journey.events) if self.journey else 0
        return f"JourneyStepper({name!r}, step {self.step}/{total})"
