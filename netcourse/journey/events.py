"""What a journey records: one :class:`Event` per decision, the :class:`Table` it consulted.

Taught in notebooks/06-packet-journey.ipynb.

>>> table = Table("ARP table", ("IP address", "MAC address"),
...               (("10.0.1.1", "02:00:00:00:00:01"), ("10.0.1.13", "02:00:00:00:00:0d")), 0)
>>> print(table)
ARP table
  IP address  MAC address
→ 10.0.1.1    02:00:00:00:00:01
  10.0.1.13   02:00:00:00:00:0d
>>> table.matched
('10.0.1.1', '02:00:00:00:00:01')
"""

from __future__ import annotations

from dataclasses import dataclass

from netcourse import layers
from netcourse.errors import JourneyError, quote
from netcourse.html import Cell, Markup, table
from netcourse.journey.pdu import parse
from netcourse.readers import read_int
from netcourse.style import PALETTE, VERDICT_COLOURS

__all__ = [
    "Table",
    "Event",
    "Journey",
    "ZONES",
    "DIRECTIONS",
    "SEGMENTS",
    "NODES",
    "device_reads",
]

#: The three parts of the path, left to right on the figure.
ZONES = ("home", "internet", "vpc")
#: The places on the whole-path figure, left to right, each with its zone.
NODES = {
    "laptop": "home",
    "printer": "home",
    "home switch": "home",
    "home router": "home",
    "internet": "internet",
    "internet gateway": "vpc",
    "network ACL": "vpc",
    "route table": "vpc",
    "security group": "vpc",
    "instance": "vpc",
}
#: The two halves of a journey.
DIRECTIONS = ("request", "reply")
#: The segments of a journey in the order they travel, each with its direction: TCP's
#: three-way handshake (the SYN creates the NAT binding and the conntrack entries), then the
#: HTTPS request and its response.
SEGMENTS = {
    "SYN": "request",
    "SYN-ACK": "reply",
    "ACK": "request",
    "HTTPS request": "request",
    "HTTPS response": "reply",
}
#: The row of a table that decided, and the colour of a decision that let the packet on or not.
MATCH_STYLE = f"background:{PALETTE['yellow']};font-weight:bold"
OK_COLOUR, STOP_COLOUR = VERDICT_COLOURS["ACCEPT"], VERDICT_COLOURS["DROP"]


def device_reads(name: str) -> tuple[str, ...]:
    """The header fields a kind of device reads, from lesson 02's device table.

    >>> device_reads("switch")
    ('Ether.dst', 'Ether.src', 'Dot1Q.vlan')
    """
    return tuple(layers.device(name).fields)


@dataclass(frozen=True)
class Table:
    """A table a device consulted: its relevant rows, and which row decided (``match``)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    match: int | None = None
    note: str = ""

    @property
    def matched(self) -> tuple[str, ...] | None:
        """The row that decided, or None when no row matched (a default or a miss decided)."""
        return None if self.match is None else self.rows[self.match]

    def __str__(self) -> str:
        cells = [tuple(self.columns)] + [tuple(str(c) for c in row) for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.name]
        for number, row in enumerate(cells):
            mark = "→ " if number - 1 == self.match and number else "  "
            lines.append(mark + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if self.note:
            lines.append(f"  ({self.note})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        hits = [number == self.match for number in range(len(self.rows))]
        rows = [("→" if hit else "", *row) for hit, row in zip(hits, self.rows, strict=True)]
        note = [Cell(self.note, colspan=len(self.columns) + 1, style="font-style:italic")]
        return table(
            rows,
            header=("", *self.columns),
            caption=self.name,
            footer=note if self.note else None,
            cls="netcourse-table",
            row_styles=[MATCH_STYLE if hit else None for hit in hits],
        )


@dataclass(frozen=True)
class Event:
    """One device's decision about the packet: what it saw, what it consulted, what it did."""

    step: int
    direction: str
    zone: str
    device: str
    kind: str
    #: the OSI layer the device works at, or the layers (NAT with port translation: (3, 4))
    layer: int | tuple[int, ...]
    pdu: bytes
    table: Table | None
    decision: str
    why: str
    ok: bool = True
    reads: tuple[str, ...] = ()
    rewrites: tuple[str, ...] = ()
    decided_by: str = ""
    node: str = ""
    #: which segment of the connection this is (a key of :data:`SEGMENTS`)
    segment: str = ""

    @property
    def layers(self) -> tuple[int, ...]:
        """The OSI layers the device works at: ``(3,)`` for a router, ``(3, 4)`` for NAT that
        rewrites ports too (lesson 02's table puts NAT at layer 4, beside the addresses of 3).

        >>> from netcourse.journey import scenario
        >>> scenario("healthy").run().step(7).layers
        (3, 4)
        """
        return tuple(self.layer) if isinstance(self.layer, tuple) else (self.layer,)

    @property
    def layer_text(self) -> str:
        """ "layer 3", or "layers 3-4" for a device that works at two.

        >>> from netcourse.journey import scenario
        >>> [scenario("healthy").run().step(n).layer_text for n in (5, 7)]
        ['layer 2', 'layers 3-4']
        """
        numbers = self.layers
        if len(numbers) == 1:
            return f"layer {numbers[0]}"
        return f"layers {numbers[0]}-{numbers[-1]}"

    @property
    def reason(self) -> str:
        """Why the device decided as it did (for a failed event: why the packet stopped)."""
        return self.why

    @property
    def pkt(self):
        """The PDU as a scapy packet (parsed from :attr:`pdu`)."""
        return parse(self.pdu)

    def __repr__(self) -> str:
        mark = "" if self.ok else "  ✘ STOPPED"
        return (
            f"<Event {self.step}: {self.segment or self.direction} at {self.device} "
            f"({self.kind}, {self.layer_text}): {self.decision}{mark}>"
        )

    def _repr_html_(self) -> str:
        consulted = Markup(self.table._repr_html_()) if self.table is not None else ""
        return Markup(
            "<div><b>{}. {}</b> ({}, {}, {}): <b style='color:{}'>{}</b><br>{}{}</div>"
        ).format(
            self.step,
            self.device,
            self.kind,
            self.layer_text,
            self.segment or self.direction,
            OK_COLOUR if self.ok else STOP_COLOUR,
            self.decision,
            self.why,
            consulted,
        )


@dataclass(frozen=True)
class Journey:
    """The events of one scenario's run: delivered end to end, or stopped at ``failed_at``."""

    scenario: str
    events: tuple[Event, ...]
    delivered: bool
    failed_at: Event | None

    def __len__(self) -> int:
        return len(self.events)

    def step(self, number: int) -> Event:
        """The event of step ``number`` (1-based, as the stepper and the table number them).

        >>> from netcourse.journey import scenario
        >>> scenario("healthy").run().step(5).device
        'home switch'
        """
        try:
            read_int(number, what="step", low=1, high=len(self.events), error=JourneyError)
        except JourneyError:
            raise JourneyError(
                f"step {quote(number)}: this journey has steps 1-{len(self.events)}"
            ) from None
        return self.events[int(number) - 1]

    def leg(self, direction: str) -> tuple[Event, ...]:
        """The events of one direction, ``"request"`` or ``"reply"``.

        >>> from netcourse.journey import scenario
        >>> scenario("healthy").run().leg("reply")[-1].decision
        "deliver to the browser's socket"
        """
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise JourneyError(f"{quote(direction)}: a leg is 'request' or 'reply'")
        return tuple(event for event in self.events if event.direction == direction)

    def segment(self, name: str) -> tuple[Event, ...]:
        """The events of one segment of the connection (a key of :data:`SEGMENTS`).

        >>> from netcourse.journey import scenario
        >>> [e.decision for e in scenario("healthy").run().segment("ACK")]
        ['ACK: the handshake is complete']
        """
        if not isinstance(name, str) or name not in SEGMENTS:
            raise JourneyError(f"{quote(name)}: a segment is one of {', '.join(SEGMENTS)}")
        return tuple(event for event in self.events if event.segment == name)

    def first(self, where: str, direction: str = "request", segment: str | None = None) -> Event:
        """The first event of a leg (or of one ``segment``) at a figure node, device or kind.

        Raises JourneyError when the packet never got there on that leg.

        >>> from netcourse.journey import scenario
        >>> scenario("healthy").run().first("network ACL", "reply").table.matched[-1]
        'allow'
        >>> scenario("healthy").run().first("home router", segment="HTTPS request").segment
        'HTTPS request'
        """
        events = self.leg(direction) if segment is None else self.segment(segment)
        for event in events:
            if where in (event.node, event.device, event.kind):
                return event
        part = direction if segment is None else f"{segment} segment"
        raise JourneyError(f"{quote(where)}: no event there on the {part} of this journey")

    def at(self, device: str) -> tuple[Event, ...]:
        """Every event at a device (both directions), in order.

        >>> from netcourse.journey import scenario
        >>> [e.kind for e in scenario("healthy").run().at("home router")][:4]
        ['router', 'NAT', 'NAT', 'router']
        """
        return tuple(event for event in self.events if event.device == device)

    def summary(self) -> str:
        """One line per event: step, direction, device, decision.

        >>> from netcourse.journey import scenario
        >>> print(scenario("no-default-route").run().summary().splitlines()[-1])
        ✘  3 SYN            laptop                   no route: network is unreachable
        """
        lines = []
        for event in self.events:
            mark = "✘" if not event.ok else " "
            lines.append(
                f"{mark}{event.step:>3} {event.segment or event.direction:<14} {event.device:<24} "
                f"{event.decision}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        if self.delivered:
            end = "delivered"
        elif self.failed_at is not None:
            end = f"stopped at {self.failed_at.device}: {self.failed_at.reason}"
        else:
            end = "not delivered"
        return f"<Journey {self.scenario!r}: {len(self.events)} events, {end}>"

    _HEAD = ("step", "segment", "device", "kind", "layer", "decision", "why")

    def _repr_html_(self) -> str:
        rows = [
            (
                e.step,
                e.segment or e.direction,
                e.device,
                e.kind,
                e.layer_text.split()[-1],
                e.decision,
                e.why,
            )
            for e in self.events
        ]
        styles = [None if e.ok else f"color:{STOP_COLOUR};font-weight:bold" for e in self.events]
        summary = Markup("<p>{}</p>").format(repr(self))
        return summary + table(rows, header=self._HEAD, cls="netcourse-table", row_styles=styles)
