"""The VPC explorer: pick a source, a destination and a port; see the path and what blocks it.

Only wires controls to :mod:`netcourse.vpc` and :mod:`netcourse.plots.vpc`; bad input shows
inline and the widget keeps working. Taught in notebooks/05-aws-vpc.ipynb.

>>> explorer = Explorer("three-tier", src="internet", dst="db", port=5432)
>>> explorer.path.blocked_by
'i-0a1b2c3d4e5f60003'
>>> explorer.port.value = "not a port"
>>> "PortError" in explorer.errors.value
True
>>> explorer.port.value = "5432"; explorer.src.value = "app"
>>> explorer.path.reachable, explorer.errors.value
(True, '')
"""

from __future__ import annotations

import io
from html import escape

import ipywidgets as widgets

from netcourse.errors import PortError
from netcourse.vpc import Vpc, examples
from netcourse.widgets.common import ErrorBox, guard

__all__ = ["Explorer", "path_html"]


def path_html(path) -> str:
    """A path as HTML: the verdict, the blocking component and rule, then every hop."""
    if path.reachable:
        head = f"<div style='color:#009E73'><b>reachable</b>: {escape(path.explanation)}</div>"
    else:
        hop = path.blocking_hop
        head = (
            f"<div style='color:#D55E00'><b>blocked by {escape(path.blocked_by)}</b> "
            f"({escape(hop.kind)}, {escape(hop.leg)}, rule: {escape(hop.rule or '-')})</div>"
            f"<div>{escape(path.explanation)}</div>"
        )
    return head + path._repr_html_().split("</p>", 1)[1]


class Explorer(widgets.VBox):
    """Source, destination, port and protocol in; the path, its blocker and the figure out."""

    def __init__(
        self,
        vpc: Vpc | str = "three-tier",
        src: str = "internet",
        dst: str | None = None,
        port: int = 443,
        protocol: str = "tcp",
    ):
        self.example = widgets.Dropdown(
            options=list(examples()),
            value=vpc if isinstance(vpc, str) else None,
            description="example",
        )
        self.vpc = vpc if isinstance(vpc, Vpc) else Vpc.example(vpc)
        names = self._names()
        self.src = widgets.Combobox(value=src, options=names, description="source",
                                    ensure_option=False, continuous_update=False)  # fmt: skip
        self.dst = widgets.Combobox(value=dst or names[0], options=names, description="destination",
                                    ensure_option=False, continuous_update=False)  # fmt: skip
        self.port = widgets.Text(value=str(port), description="port", continuous_update=False)
        self.protocol = widgets.Dropdown(options=["tcp", "udp", "icmp"], value=protocol,
                                         description="protocol")  # fmt: skip
        self.step = widgets.IntSlider(value=0, min=0, max=0, description="hops shown")
        self.errors = ErrorBox()
        self.result = widgets.HTML()
        self.figure = widgets.Image(format="png")
        self.path = None
        self._update = guard(self.errors)(self._compute)
        self._draw = guard(self.errors)(self._render)
        controls = widgets.HBox([widgets.VBox([self.example, self.src, self.dst]),
                                 widgets.VBox([self.port, self.protocol, self.step])])  # fmt: skip
        super().__init__([controls, self.errors, self.result, self.figure])
        self.example.observe(self._on_example, names="value")
        for control in (self.src, self.dst, self.port, self.protocol):
            control.observe(lambda change: self._update(), names="value")
        self._syncing = False
        self.step.observe(lambda change: self._syncing or self._draw(), names="value")
        self._update()

    def _names(self) -> list[str]:
        return [inst.label for inst in self.vpc.instances.values()] + ["internet"]

    def _on_example(self, change) -> None:
        if change["new"] is None:
            return
        self.vpc = Vpc.example(change["new"])
        names = self._names()
        self.src.options = names
        self.dst.options = names
        self._update()

    def _compute(self) -> None:
        text = self.port.value.strip()
        if self.protocol.value == "icmp" and not text:
            port = None
        elif not text.isdigit():
            raise PortError(f"port {text!r}: expected a whole number 1-65535")
        else:
            port = int(text)
        self.path, self.result.value = None, ""
        path = self.vpc.reachability(self.src.value, self.dst.value, port, self.protocol.value)
        self.path = path
        self.result.value = path_html(path)
        self._syncing = True
        try:
            self.step.max = len(path.hops)
            self.step.value = len(path.hops)
        finally:
            self._syncing = False
        self._render()

    def _render(self) -> None:
        from netcourse.plots.vpc import topology

        if self.path is None:
            return
        step = self.step.value if self.step.value < len(self.path.hops) else None
        buffer = io.BytesIO()
        topology(self.vpc, self.path, step).savefig(buffer, format="png", dpi=72,
                                                    bbox_inches="tight")  # fmt: skip
        self.figure.value = buffer.getvalue()

    def __repr__(self) -> str:
        return (
            f"Explorer({self.src.value!r} -> {self.dst.value!r}, {self.protocol.value}/"
            f"{self.port.value})"
        )
