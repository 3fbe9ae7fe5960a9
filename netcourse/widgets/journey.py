"""The journey stepper: previous / next / play through a scenario's events.

Laid out to fit one screen (1440×900): the controls on top, the step's decision, the whole
path as one compact row with the current device lit, then side by side the fields this device
reads (yellow) or rewrites (orange, with the value before) with their bytes, and the table it
consulted with the deciding row marked; every layer and byte of the PDU folds away below.
The journey is run once per scenario and each step's view is built once, so a step is
quick. Taught in notebooks/06-packet-journey.ipynb.

>>> stepper = JourneyStepper("healthy")
>>> stepper.next.click(); stepper.step
2
>>> stepper
JourneyStepper('healthy', step 2/51)
>>> stepper.go("three"); "expected a step number" in stepper.errors.value, stepper.step
(True, 2)
"""

from __future__ import annotations

import ipywidgets as widgets

from netcourse.errors import JourneyError, quote
from netcourse.html import Cell, Markup, table
from netcourse.journey import Journey, Scenario, scenario, scenarios
from netcourse.journey.events import NODES, OK_COLOUR, STOP_COLOUR, ZONES
from netcourse.packets import dissect
from netcourse.readers import read_int
from netcourse.style import NEUTRALS, PALETTE
from netcourse.widgets.common import ErrorBox, StaleNote, guard, prose_lines
from netcourse.widgets.packet_view import FieldBytes

__all__ = [
    "JourneyStepper",
    "pdu_marks",
    "changes_html",
    "path_html",
    "READ_COLOUR",
    "WRITE_COLOUR",
    "PANES_MAX_HEIGHT",
]

#: The fields a device reads, and those it rewrites.
READ_COLOUR, WRITE_COLOUR = PALETTE["yellow"], PALETTE["orange"]
#: The tallest the changed-fields and consulted-table panes get (they scroll beyond), so the
#: whole stepper fits a 900-pixel-high screen with its controls.
PANES_MAX_HEIGHT = "430px"
#: How each zone of the path is labelled.
_ZONE_LABELS = {"home": "home LAN", "internet": "internet", "vpc": "AWS VPC"}


def _marks(event) -> dict[tuple[str, str], str]:
    marks = {}
    for key in event.reads:
        layer, _, name = key.partition(".")
        marks[(layer, name)] = "reads"
    for key in event.rewrites:
        layer, _, name = key.partition(".")
        marks[(layer, name)] = "rewrites"
    return marks


def pdu_marks(event) -> list[list]:
    """The bytes of each field the event's device reads (yellow) or rewrites (orange), as the
    marks of the inspector's field tree and bytes (:class:`~netcourse.widgets.packet_view.
    FieldBytes`): ``[first byte, byte after, "solid", colour]``.

    >>> from netcourse.journey import scenario
    >>> event = scenario("healthy").run().events[2]  # the laptop's route decision: IP.dst
    >>> pdu_marks(event) == [[30, 34, "solid", READ_COLOUR]]
    True
    """
    marks = _marks(event)
    found = []
    for layer in dissect(event.pdu).layers:
        for fld in layer.fields:
            mark = marks.get((layer.name, fld.name))
            if mark and fld.length:
                colour = WRITE_COLOUR if mark == "rewrites" else READ_COLOUR
                found.append([fld.offset, fld.offset + fld.length, "solid", colour])
    return found


#: Above the PDU's tree and bytes: what its two colours mean.
PDU_LEGEND = Markup(
    "<span style='background:{}'>&nbsp;reads&nbsp;</span> "
    "<span style='background:{}'>&nbsp;rewrites&nbsp;</span> the device of this step "
    "(click a byte for its field, hover to preview)"
).format(READ_COLOUR, WRITE_COLOUR)


def _field_values(pdu: bytes) -> dict[tuple[str, str], object]:
    """Every field of a PDU by (layer, field name)."""
    return {(layer.name, f.name): f for layer in dissect(pdu).layers for f in layer.fields}


def changes_html(event, before: bytes | None = None) -> str:
    """The fields the event's device reads or rewrites, with their bytes; for a rewritten
    field also its value in ``before`` (the PDU as the device received it).

    >>> from netcourse.journey import scenario
    >>> journey = scenario("healthy").run()
    >>> html = changes_html(journey.step(7), journey.step(6).pdu)
    >>> "10.0.1.7" in html and "198.51.100.23" in html
    True
    """
    fields = _field_values(event.pdu)
    old = _field_values(before) if before is not None else {}
    rows, styles = [], []
    for mark, keys in (("reads", event.reads), ("rewrites", event.rewrites)):
        for key in keys:
            if mark == "reads" and key in event.rewrites:
                continue  # shown once, as rewritten
            layer, _, name = key.partition(".")
            fld = fields.get((layer, name))
            if fld is None:
                continue
            was = old.get((layer, name))
            was_text = str(was.value) if mark == "rewrites" and was is not None else ""
            data = event.pdu[fld.offset : fld.offset + fld.length]
            value = str(fld.value)
            value = value if len(value) <= 32 else value[:29] + "..."
            rows.append((key, was_text, value, fld.offset, data[:8].hex(" "), mark))
            colour = WRITE_COLOUR if mark == "rewrites" else READ_COLOUR
            styles.append(f"background:{colour}")
    if not rows:
        return Markup("<i>this device reads no header field of this PDU</i>")
    return table(
        rows,
        header=("field", "was", "now", "offset", "bytes", "this device"),
        caption="what this device reads and changes",
        cls="netcourse-changes",
        row_styles=styles,
    )


def path_html(journey, step: int) -> str:
    """The whole path as one compact row: visited devices blue, the current one orange
    (vermillion where it stopped the packet), the others grey.

    >>> from netcourse.journey import scenario
    >>> html = path_html(scenario("healthy").run(), 2)
    >>> html.count("<td"), "laptop" in html
    (10, True)
    """
    events = journey.events
    current = events[step - 1]
    visited = {e.node for e in events[:step]}
    header, cells = [], []
    for zone in ZONES:
        nodes = [node for node, where in NODES.items() if where == zone]
        header.append(Cell(_ZONE_LABELS[zone], colspan=len(nodes)))
        for node in nodes:
            colour, weight = NEUTRALS["grid"], "normal"
            if node in visited:
                colour = PALETTE["sky"]
            if node == current.node:
                colour = PALETTE["orange"] if current.ok else PALETTE["vermillion"]
                weight = "bold"
            style = f"background:{colour};font-weight:{weight};padding:2px 6px;text-align:center"
            cells.append(Cell(node, style=style))
    arrow = "→" if current.direction == "request" else "←"
    return table(
        [cells],
        header=header,
        caption=f"{arrow} {current.segment or current.direction}",
        cls="netcourse-path",
        style="font-size:12px;border-collapse:separate;border-spacing:3px 0",
    )


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
        self.path = widgets.HTML()
        self.changes = widgets.HTML(layout={"flex": "1 1 0", "min_width": "0"})
        self.table = widgets.HTML(layout={"flex": "1 1 0", "min_width": "0"})
        # the inspector's own tree and bytes: the fields this device reads and rewrites lit
        self.pdu = FieldBytes(on_byte=self._select_byte, rows=10)
        self.details = widgets.Accordion(
            [widgets.VBox([widgets.HTML(PDU_LEGEND), self.pdu])], selected_index=None
        )
        self.details.set_title(0, "every layer and byte of this PDU")
        self.journey: Journey | None = None
        self._views: dict[int, tuple[str, ...]] = {}  # each step's view, built once
        self._runs: dict[str, Journey] = {}  # each named scenario's journey, run once
        self._busy = False
        self._shown = 0  # the step the panes show now
        panes = widgets.HBox(
            [self.changes, self.table],
            layout={
                "align_items": "flex-start",
                "grid_gap": "1em",
                "max_height": PANES_MAX_HEIGHT,
                "overflow": "auto",
            },
        )
        panes.add_class("netcourse-journey-panes")
        controls = widgets.HBox(
            [self.choice, self.previous, self.next, self.play, self.slider],
            layout={"flex_flow": "row wrap"},
        )
        controls.add_class("netcourse-journey-controls")
        super().__init__(
            [controls, self.errors, self.stale, self.header, self.path, panes, self.details]
        )
        self.add_class("netcourse-journey")
        shown = guard(self.errors, stale=self.stale, shown=self._shown_text)
        self._load = shown(self._load_source)
        self._show = shown(self._render)
        self._go = shown(self._go_to)
        self.previous.on_click(lambda _: self.go(self.step - 1))
        self.next.on_click(lambda _: self.go(self.step + 1))
        self.play.observe(lambda change: self.go(change["new"]), names="value")
        self.slider.observe(lambda change: self.go(change["new"]), names="value")
        self.choice.observe(lambda change: self._load(change["new"]), names="value")
        self.pdu.observe(self._on_field, names="value")
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
            if source not in self._runs:  # a named scenario is run once per stepper
                self._runs[source] = scenario(source).run()
            journey = self._runs[source]
        elif isinstance(source, Scenario):
            journey = source.run()
        else:
            raise JourneyError(
                f"{quote(source)}: expected a scenario name, a Scenario or a Journey"
            )
        if not journey.events:
            raise JourneyError(f"journey {journey.scenario!r} has no events to step through")
        self.journey = journey
        self._views = {}
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

    def _view(self, step: int) -> tuple:
        """Step ``step``'s panes (HTML, and the PDU's dissection with its marks), built the
        first time it is shown."""
        if step not in self._views:
            journey = self.journey
            event = journey.events[step - 1]
            before = None
            if step > 1 and journey.events[step - 2].segment == event.segment:
                before = journey.events[step - 2].pdu
            self._views[step] = (
                prose_lines(self._header(event)),
                path_html(journey, step),
                prose_lines(changes_html(event, before)),
                prose_lines(event.table._repr_html_()) if event.table is not None else "",
                (dissect(event.pdu), pdu_marks(event)),
            )
        return self._views[step]

    def _header(self, event) -> str:
        journey = self.journey
        ending = Markup("")
        if event is journey.events[-1]:
            ending = (
                Markup(" — <b>delivered</b>")
                if journey.delivered
                else Markup(" — <b style='color:{}'>stopped here</b>").format(STOP_COLOUR)
            )
        return Markup(
            "<div><b>step {}/{}</b> ({}, {}) · <b>{}</b> — {}, {} · decided by {}"
            "<br><b style='color:{}'>{}</b>: {}{}</div>"
        ).format(
            event.step,
            len(journey.events),
            event.segment or event.direction,
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

    def _render(self) -> None:
        step = self.event.step
        header, path, changes, consulted, pdu = self._view(step)
        self.header.value = header
        self.path.value = path
        self.changes.value = changes
        self.table.value = consulted
        dissection, marks = pdu
        self._dissection, self._marks = dissection, marks
        with self.pdu.hold_sync():
            self.pdu.show(dissection)
            self.pdu.marks = marks
        self._shown = step

    def _on_field(self, change) -> None:
        """A field chosen in the tree (a click there, or on one of its bytes): its bytes lit
        as the inspector lights them, over this device's reads and rewrites."""
        chosen, marks = change["new"], list(getattr(self, "_marks", []))
        dissection = getattr(self, "_dissection", None)
        if dissection is not None and chosen is not None and chosen[1] >= 0:
            fld = dissection.layers[chosen[0]].fields[chosen[1]]
            marks.append([fld.offset, fld.end, "field"])
        self.pdu.marks = marks

    def _select_byte(self, offset) -> None:
        """A byte clicked in the PDU's bytes: select the field holding it in the tree."""
        dissection = getattr(self, "_dissection", None)
        if dissection is None or not isinstance(offset, int):
            return
        found = dissection.field_at(offset)
        if found is None:
            return
        layer, fld = found
        layers = list(dissection.layers)
        li = next(i for i, candidate in enumerate(layers) if candidate is layer)
        fi = next(i for i, candidate in enumerate(layer.fields) if candidate is fld)
        self.pdu.value = (li, fi)

    def __repr__(self) -> str:
        name = self.journey.scenario if self.journey else "?"
        total = len(self.journey.events) if self.journey else 0
        return f"JourneyStepper({name!r}, step {self.step}/{total})"
