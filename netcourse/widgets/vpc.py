"""The VPC explorer: pick a source, a destination and a port; see the path and what blocks it.

Only wires controls to :mod:`netcourse.vpc` and :mod:`netcourse.plots.vpc`; bad input shows
inline after the pause (:data:`netcourse.widgets.common.PAUSE`), the last good path stays on
screen greyed out and named as such, and the widget keeps working. The figure always shows the
example the menu names. Taught in notebooks/05-aws-vpc.ipynb.

>>> explorer = Explorer("three-tier", src="internet", dst="db", port=5432)
>>> explorer.path.blocked_by
'i-0a1b2c3d4e5f60003'
>>> explorer.port.value = "not a port"
>>> "PortError" in explorer.errors.value, "stale" in explorer.stale.value
(True, True)
>>> explorer.port.value = "5432"; explorer.src.value = "app"
>>> explorer.path.reachable, explorer.errors.value, explorer.stale.value
(True, '', '')
"""

from __future__ import annotations

import ipywidgets as widgets

from netcourse.errors import PortError, VpcError, quote
from netcourse.html import Markup
from netcourse.plots.style import figure_svg
from netcourse.plots.vpc import topology
from netcourse.readers import read_int, read_port
from netcourse.style import PALETTE
from netcourse.vpc import Path, Vpc, examples
from netcourse.widgets.common import ErrorBox, StaleNote, figure_image, guard, scroll_region

__all__ = ["Explorer", "path_html", "path_heading", "PROTOCOLS", "EXPLORER_TABS"]

#: The protocols the explorer offers (those a reachability question can follow).
PROTOCOLS = ("tcp", "udp", "icmp")
#: The explorer's two views of a path, under its verdict.
EXPLORER_TABS = ("the path drawn", "hop by hop")
#: How tall the hop-by-hop table grows before it scrolls in its tab (its header stays), and the
#: figure before it is drawn smaller: the screen less the room the controls, a verdict of three
#: lines and an error with its stale note take, never under 16em.
HOPS_HEIGHT = "max(16em, calc(100vh - 26em))"


def path_html(path: Path) -> Markup:
    """A path as HTML: the verdict, the blocking component and rule, then every hop.

    >>> html = path_html(Vpc.example().reachability("web", "db", 5432))
    >>> "blocked by sg-0a1b2c3d4e5f60003" in html, "<table" in html
    (True, True)
    """
    return path_heading(path) + path.hops_html()


def path_heading(path: Path) -> Markup:
    """The verdict in its colour and, when blocked, the component and rule that block it.

    >>> print(path_heading(Vpc.example().reachability("web", "db", 5432)))  # doctest: +ELLIPSIS
    <div style='color:#D55E00'><b>blocked by sg-0a1b2c3d4e5f60003</b> (security-group, ...
    """
    if path.reachable:
        head = Markup("<div style='color:{}'><b>reachable</b>: {}</div>").format(
            PALETTE["green"], path.explanation
        )
    elif path.verdict == "unknown":
        head = Markup("<div style='color:{}'><b>unknown at {}</b> ({})</div><div>{}</div>").format(
            PALETTE["orange"], path.unknown_at, path.blocking_hop.kind, path.explanation
        )
    else:
        hop = path.blocking_hop
        head = Markup(
            "<div style='color:{}'><b>blocked by {}</b> ({}, {}, rule: {})</div><div>{}</div>"
        ).format(
            PALETTE["vermillion"],
            path.blocked_by,
            hop.kind,
            hop.leg,
            hop.rule or "-",
            path.explanation,
        )
    return head


def _choice(value: object, choices, what: str) -> str:
    """``value`` if it is one of ``choices``, else a VpcError naming it and them."""
    if not isinstance(value, str) or value not in choices:
        raise VpcError(f"{what} {quote(value)}: expected one of {', '.join(choices)}")
    return value


def _endpoint_text(value: object, parameter: str) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{parameter}: expected an endpoint as text (a name such as 'web', an id, an "
            f"address or 'internet'), got {type(value).__name__}"
        )
    return value


class Explorer(widgets.VBox):
    """Source, destination, port and protocol in; the path, its blocker and the figure out."""

    def __init__(
        self,
        vpc: Vpc | str = "three-tier",
        *,
        src: str = "internet",
        dst: str | None = None,
        port: int | str | None = 443,
        protocol: str = "tcp",
    ):
        if isinstance(vpc, Vpc):
            example = None
        elif isinstance(vpc, str):
            example = _choice(vpc, list(examples()), "example")
            vpc = Vpc.example(example)
        else:
            raise TypeError(
                f"vpc: expected a Vpc or the name of an example, got {type(vpc).__name__}"
            )
        protocol = _choice(protocol, PROTOCOLS, "protocol")
        src = _endpoint_text(src, "src")
        self.vpc = vpc
        names = self._names()
        dst = names[0] if dst is None else _endpoint_text(dst, "dst")
        #: The VPC given to the constructor (None for an example): the menu's first entry.
        self._given = vpc if example is None else None
        given = [("(the VPC given)", "")] if example is None else []
        self.example = widgets.Dropdown(
            options=[*given, *((name, name) for name in examples())],
            value="" if example is None else example,
            description="example",
        )
        self.src = widgets.Combobox(
            value=src,
            options=names,
            description="source",
            ensure_option=False,
            continuous_update=False,
        )
        self.dst = widgets.Combobox(
            value=dst,
            options=names,
            description="destination",
            ensure_option=False,
            continuous_update=False,
        )
        self.port = widgets.Text(
            value="" if port is None else str(port), description="port", continuous_update=False
        )
        self.protocol = widgets.Dropdown(options=PROTOCOLS, value=protocol, description="protocol")
        self.step = widgets.IntSlider(value=0, min=0, max=0, description="hops shown")
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.result = widgets.HTML()  # the verdict
        self.hops = widgets.HTML()
        self.figure = figure_image()
        self.figure.layout.max_height = HOPS_HEIGHT  # shrunk with its proportions, never grown
        self.path: Path | None = None  #: the last path computed from valid input
        self._path_vpc = vpc  # the model self.path was computed on
        self._path_example = self.example.value  # the menu's entry for that model
        shared = guard(self.errors, self.stale, self._stale_what, views=(self.result, self.hops))
        self._update = shared(self._compute)
        self._change_example = shared(self._load_example)
        self._draw = shared(self._render)
        controls = widgets.HBox(
            [
                widgets.VBox([self.example, self.src, self.dst]),
                widgets.VBox([self.port, self.protocol, self.step]),
            ]
        )
        # the verdict, then the figure or the hops in a tab: the explorer fits the screen
        self.views = widgets.Tab(
            [self.figure, scroll_region(self.hops, max_height=HOPS_HEIGHT)],
            titles=EXPLORER_TABS,
        )
        super().__init__([controls, self.errors, self.stale, self.result, self.views])
        self.example.observe(self._on_example, names="value")
        for control in (self.src, self.dst, self.port, self.protocol):
            control.observe(lambda change: self._update(), names="value")
        self._syncing = False
        self.step.observe(self._on_step, names="value")
        self._update()
        self.errors.flush()

    def _names(self) -> list[str]:
        return [inst.label for inst in self.vpc.instances.values()] + ["internet"]

    @property
    def is_stale(self) -> bool:
        """Whether an error is showing while the last valid path stays on screen."""
        return bool(self.errors.value) and self.path is not None

    def _stale_what(self) -> str | None:
        """The question whose answer is on show, while an error is shown (None: none yet)."""
        path = self.path
        if path is None:
            return None
        what = f"{path.protocol}" + ("" if path.port is None else f"/{path.port}")
        where = ""
        if self._path_vpc is not self.vpc:  # the figure already shows the example picked
            where = f" in {self._path_example or 'the VPC given'} (not drawn)"
        return Markup(  # the arrow is the template's: text, not escaped
            "the last valid question, {} -> {} {}{}; fix the input above to update"
        ).format(path.src, path.dst, what, where)

    def _on_example(self, change) -> None:
        if change["new"] is not None:
            self._change_example(change["new"])

    def _load_example(self, name: str) -> None:
        self.vpc = self._given if name == "" and self._given is not None else Vpc.example(name)
        names = self._names()
        self.src.options = names
        self.dst.options = names
        try:
            self._compute()
        except Exception:  # no path on this example yet: its picture all the same
            self._draw_vpc()
            raise

    def _draw_vpc(self) -> None:
        """The example the menu names, with no path on it."""
        self.figure.value = figure_svg(topology(self.vpc))

    def _on_step(self, change) -> None:
        if not self._syncing and not self.is_stale:
            self._draw()

    def _read_port(self) -> int | None:
        text = self.port.value.strip()
        if self.protocol.value == "icmp":  # the port box holds the ICMP type; 443 means echo
            return read_int(text, what="ICMP type", error=VpcError) if text else None
        return read_port(text, what=f"{self.protocol.value} port", error=PortError)

    def _compute(self) -> None:
        port = self._read_port()
        path = self.vpc.reachability(self.src.value, self.dst.value, port, self.protocol.value)
        self.path, self._path_vpc, self._path_example = path, self.vpc, self.example.value
        self.result.value = path_heading(path)
        self.hops.value = path.hops_html(sticky_header=True)
        self._syncing = True
        try:
            self.step.max = len(path.hops)
            self.step.value = len(path.hops)
        finally:
            self._syncing = False
        self._render()

    def _render(self) -> None:
        if self.path is None or self._path_vpc is not self.vpc:
            return
        step = self.step.value if self.step.value < len(self.path.hops) else None
        self.figure.value = figure_svg(topology(self._path_vpc, self.path, step))

    def __repr__(self) -> str:
        return (
            f"Explorer({self.src.value!r} -> {self.dst.value!r}, {self.protocol.value}/"
            f"{self.port.value})"
        )
