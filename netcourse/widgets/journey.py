"""The journey stepper: previous / next / play through a scenario's events.

For each event it shows the whole path with the current device lit, the PDU's layers with
the fields this device reads (yellow) or rewrites (orange) and their bytes, and the table the
device consulted with the deciding row marked. Taught in notebooks/06-packet-journey.ipynb.

>>> stepper = JourneyStepper("healthy")
>>> stepper.next.click(); stepper.step
2
>>> stepper
JourneyStepper('healthy', step 2/26)
>>> stepper.go("three"); "expected a step number" in stepper.errors.value, stepper.step
(True, 2)
"""

from __future__ import annotations

import io

import ipywidgets as widgets

from netcourse.errors import JourneyError, quote
from netcourse.html import Cell, Markup, table
from netcourse.journey import Journey, Scenario, scenario, scenarios
from netcourse.journey.events import OK_COLOUR, STOP_COLOUR
from netcourse.packets import dissect
from netcourse.plots.journey import path_figure
from netcourse.readers import read_int
from netcourse.style import NEUTRALS, PALETTE
from netcourse.widgets.common import ErrorBox, StaleNote, figure_image, guard

__all__ = ["JourneyStepper", "pdu_html", "READ_COLOUR", "WRITE_COLOUR"]

#: The fields a device reads, and those it rewrites.
READ_COLOUR, WRITE_COLOUR = PALETTE["yellow"], PALETTE["orange"]


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
    dissection = dissect(event.pdu)
    marks = _marks(event)
    colour_of_byte: dict[int, str] = {}
    rows, styles = [], []
    for layer in dissection.layers:
        heading = Markup("<b>{}</b> {}").format(layer.name, layer.summary)
        rows.append([Cell(heading, colspan=4, style=f"background:{NEUTRALS['grid']}")])
        styles.append(None)
        for fld in layer.fields:
            mark = marks.get((layer.name, fld.name))
            style = None
            if mark:
                colour = WRITE_COLOUR if mark == "rewrites" else READ_COLOUR
                style = f"background:{colour};font-weight:bold"
                for offset in range(fld.offset, fld.offset + fld.length):
                    colour_of_byte.setdefault(offset, colour)
            value = str(fld.value)
            value = value if len(value) <= 40 else value[:37] + "..."
            rows.append([fld.name, value, fld.offset, mark or ""])
            styles.append(style)
    header = ("field", "value", "offset", "this device")
    tree = table(rows, header=header, cls="netcourse-pdu", row_styles=styles)
    cells = []
    for offset, byte in enumerate(event.pdu[:max_bytes]):
        if offset % 16 == 0:
            cells.append(Markup("{}{:04x}&nbsp;").format(Markup("<br>") if offset else "", offset))
        colour = colour_of_byte.get(offset)
        text = f"{byte:02x}"
        cells.append(
            Markup("<span style='background:{}'>{}</span> ").format(colour, text)
            if colour
            else text + " "
        )
    more = f" … ({len(event.pdu)} bytes)" if len(event.pdu) > max_bytes else ""
    hexdump = Markup("<pre style='font-size:11px;line-height:1.3'>{}{}</pre>").format(
        Markup("").join(cells), more
    )
    legend = Markup(
        "<span style='background:{}'>&nbsp;reads&nbsp;</span> "
        "<span style='background:{}'>&nbsp;rewrites&nbsp;</span>"
    ).format(READ_COLOUR, WRITE_COLOUR)
    return Markup("<div>{}{}{}</div>").format(legend, tree, hexdump)


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
        self.stale = StaleNote()
        self.header = widgets.HTML()
        self.figure = figure_image()
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
        super().__init__([controls, self.errors, self.stale, self.header, self.figure, panes])
        shown = guard(self.errors, stale=self.stale, shown=self._shown_text)
        self._load = shown(self._load_source)
        self._show = shown(self._render)
        self._go = shown(self._go_to)
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

    def _shown_text(self) -> str | None:
        if not self.journey or not self._shown:
            return None
        return f"the last valid view: {self.journey.scenario!r}, step {self._shown}"

    def _load_source(self, source) -> None:
        if self._busy:
            return
        if isinstance(source, Journey):
            journey = source
        elif isinstance(source, str):
            journey = scenario(source).run()
        elif isinstance(source, Scenario):
            journey = source.run()
        else:
            raise JourneyError(
                f"{quote(source)}: expected a scenario name, a Scenario or a Journey"
            )
        if not journey.events:
            raise JourneyError(f"journey {journey.scenario!r} has no events to step through")
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
        """Show step ``step`` (clamped to the journey); play stops at the last step.

        A step that is not a whole number shows inline; the panes keep the step on show.
        """
        self._go(step)

    def _go_to(self, step: int) -> None:
        if self._busy or not self.journey:
            return
        if isinstance(step, int) and not isinstance(step, bool):
            wanted = step
        else:
            try:
                wanted = read_int(step, what="step", error=JourneyError)
            except JourneyError:
                raise JourneyError(
                    f"step {quote(step)}: expected a step number 1-{len(self.journey.events)}"
                ) from None
        step = max(1, min(wanted, len(self.journey.events)))
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

        event = self.event
        journey = self.journey
        ending = Markup("")
        if event is journey.events[-1]:
            ending = (
                Markup(" — <b>delivered</b>")
                if journey.delivered
                else Markup(" — <b style='color:{}'>stopped here</b>").format(STOP_COLOUR)
            )
        buffer = io.BytesIO()
        fig = path_figure(journey, event.step)
        fig.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
        self.header.value = Markup(
            "<div><b>step {}/{}</b> ({}) · <b>{}</b> — {}, {} · decided by <code>{}</code>"
            "<br><b style='color:{}'>{}</b>: {}{}</div>"
        ).format(
            event.step,
            len(journey.events),
            event.direction,
            event.device,
            event.kind,
            event.layer_text,
            event.decided_by,
            OK_COLOUR if event.ok else STOP_COLOUR,
            event.decision,
            event.why,
            ending,
        )
        self.figure.value = buffer.getvalue()
        self.pdu.value = pdu_html(event)
        self._shown = event.step
        self.table.value = event.table._repr_html_() if event.table is not None else ""

    def __repr__(self) -> str:
        name = self.journey.scenario if self.journey else "?"
        total = len(self.journey.events) if self.journey else 0
        return f"JourneyStepper({name!r}, step {self.step}/{total})"
