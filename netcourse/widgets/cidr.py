"""Widgets for notebooks/03-cidr-and-subnets.ipynb: a live subnet calculator and a VLSM planner.

Both only wire controls to :mod:`netcourse.cidr` (and :mod:`netcourse.plots.cidr`); bad input
shows inline and the widget keeps working.

>>> calc = SubnetCalculator("10.0.2.3/16")
>>> calc.text.value = "10.0.2.3/24"
>>> calc.subnet.network
'10.0.2.0/24'
>>> calc.text.value = "10.0.2.300/24"
>>> "the 4th number is 300" in calc.errors.value
True
"""

from __future__ import annotations

import io
import re
from html import escape

import ipywidgets as widgets

from netcourse.cidr import Binary, Plan, Subnet, binary, plan, split, subnet
from netcourse.errors import AddressError
from netcourse.widgets.common import ErrorBox, guard

__all__ = ["SubnetCalculator", "SubnetPlanner", "parse_needs", "binary_html", "subnet_html"]

NETWORK_COLOUR, HOST_COLOUR = "#0072B2", "#E69F00"  # PALETTE blue and orange (plots.style)
SHOWN_SUBNETS = 8


def binary_html(view: Binary) -> str:
    """The binary view as HTML: network bits blue and bold, host bits orange."""
    rows = "".join(
        f"<tr><td style='padding-right:1em'>{label}</td>"
        f"<td style='font-family:monospace;white-space:pre'>"
        f"<span class='net-bits' style='color:{NETWORK_COLOUR};font-weight:bold'>{net}</span>"
        f"<span class='host-bits' style='color:{HOST_COLOUR}'>{host}</span></td>"
        f"<td style='font-family:monospace;padding-left:1em'>{escape(text)}</td></tr>"
        for label, net, host, text in view.rows()
    )
    total = 32 if view.version == 4 else 128
    legend = (
        f"<span style='color:{NETWORK_COLOUR};font-weight:bold'>network bits: "
        f"{view.prefixlen}</span> &nbsp; <span style='color:{HOST_COLOUR}'>host bits: "
        f"{total - view.prefixlen}</span>"
    )
    return f"<table class='netcourse-binary'>{rows}</table><div>{legend}</div>"


def subnet_html(net: Subnet) -> str:
    """A Subnet as a two-column HTML table."""
    return net._repr_html_()


def parse_needs(text: str) -> dict[str, int]:
    """Read ``name: hosts`` lines (``name = hosts`` and ``name hosts`` work too) into a dict.

    >>> parse_needs("staff: 100\\nguests = 50\\n\\nprinters 10")
    {'staff': 100, 'guests': 50, 'printers': 10}
    """
    needs: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        match = re.fullmatch(r"\s*([^:=\s][^:=]*?)\s*[:=\s]\s*(\S+)\s*", line)
        if not match:
            raise AddressError(f"line {number} {line.strip()!r}: expected 'name: hosts'")
        name, hosts = match.groups()
        if not hosts.isdigit():
            raise AddressError(
                f"line {number} {line.strip()!r}: {hosts!r} is not a whole number of hosts"
            )
        if name in needs:
            raise AddressError(f"line {number}: {name!r} is listed twice")
        needs[name] = int(hosts)
    if not needs:
        raise AddressError("no needs yet: write one 'name: hosts' per line")
    return needs


class SubnetCalculator(widgets.VBox):
    """Type an address (updates on every keystroke), move the prefix, split into subnets.

    Taught in notebooks/03-cidr-and-subnets.ipynb.
    """

    def __init__(self, text: str = "10.0.2.3/16", split_prefix: int | None = None) -> None:
        self.text = widgets.Text(
            value=text,
            description="address",
            continuous_update=True,
            placeholder="10.0.2.3/16, 10.0.2.3 255.255.0.0 or 2001:db8::1/64",
            layout=widgets.Layout(width="32em"),
        )
        self.prefix = widgets.IntSlider(
            value=24, min=0, max=32, description="prefix /", continuous_update=True
        )
        self.split_prefix = widgets.IntSlider(
            value=24, min=0, max=32, description="split into /", continuous_update=True
        )
        self.errors = ErrorBox()
        self.details = widgets.HTML()
        self.bits = widgets.HTML()
        self.subnets = widgets.HTML()
        self.subnet: Subnet | None = None
        self._syncing = False
        self.stale = widgets.HTML()
        self._guarded = guard(self.errors)(self._compute)
        super().__init__(
            [
                self.text,
                self.errors,
                self.stale,
                self.prefix,
                self.bits,
                self.details,
                self.split_prefix,
                self.subnets,
            ]
        )
        self.text.observe(lambda change: self._update(), names="value")
        self.prefix.observe(self._on_prefix, names="value")
        self.split_prefix.observe(self._on_split, names="value")
        self._update()
        if split_prefix is not None:
            self.split_prefix.value = split_prefix

    def _update(self) -> None:
        self._guarded()
        stale = bool(self.errors.value) and self.subnet is not None
        self.stale.value = (
            f"<i>still showing the last valid input, {escape(self.subnet.address)}/"
            f"{self.subnet.prefixlen}</i>"
            if stale
            else ""
        )

    def _compute(self) -> None:
        net = subnet(self.text.value)
        view = binary(self.text.value)
        self.subnet = net
        top = 32 if net.version == 4 else 128
        self._syncing = True
        try:
            self.prefix.max = top
            self.prefix.value = net.prefixlen
            wanted = self.split_prefix.value
            self.split_prefix.min = 0  # widen first so that no bound ever crosses the other
            self.split_prefix.max = top
            self.split_prefix.min = net.prefixlen
            if not net.prefixlen <= wanted <= top:
                wanted = min(top, net.prefixlen + 2)
            self.split_prefix.value = wanted
        finally:
            self._syncing = False
        self.bits.value = binary_html(view)
        self.details.value = subnet_html(net)
        self.subnets.value = self._subnets_html(net)

    def _subnets_html(self, net: Subnet) -> str:
        parts = split(net.network, self.split_prefix.value)
        count = parts.count
        rows = "".join(
            f"<tr><td>{index}</td><td>{part.network}</td><td>{part.first_host} - "
            f"{part.last_host}</td><td>{part.usable_hosts:,}</td></tr>"
            for index, part in zip(range(min(count, SHOWN_SUBNETS)), parts, strict=False)
        )
        if count > SHOWN_SUBNETS:
            last = parts[-1]
            rows += (
                f"<tr><td>...</td><td colspan=3>{count - SHOWN_SUBNETS - 1:,} more</td></tr>"
                f"<tr><td>{count - 1:,}</td><td>{last.network}</td><td>{last.first_host} - "
                f"{last.last_host}</td><td>{last.usable_hosts:,}</td></tr>"
            )
        head = "<tr><th>#</th><th>subnet</th><th>hosts</th><th>usable</th></tr>"
        return (
            f"<div>{net.network} splits into <b>{count:,}</b> subnets of "
            f"/{self.split_prefix.value}</div><table class='netcourse-split'>{head}{rows}</table>"
        )

    def _on_split(self, change) -> None:
        if not self._syncing:
            self._update()

    def _on_prefix(self, change) -> None:
        if self._syncing or self.subnet is None:
            return
        self.text.value = f"{self.subnet.address}/{change['new']}"

    def __repr__(self) -> str:
        return f"SubnetCalculator({self.text.value!r})"


class SubnetPlanner(widgets.VBox):
    """Needs in (one ``name: hosts`` per line), VLSM allocation table and address-space bar out.

    Taught in notebooks/03-cidr-and-subnets.ipynb.
    """

    def __init__(self, parent: str = "192.168.10.0/24", needs: dict[str, int] | None = None):
        needs = needs if needs is not None else {"staff": 100, "guests": 50, "printers": 10}
        self.parent = widgets.Text(value=parent, description="parent", continuous_update=False)
        self.needs = widgets.Textarea(
            value="\n".join(f"{name}: {hosts}" for name, hosts in needs.items()),
            description="needs",
            continuous_update=False,
            layout=widgets.Layout(width="24em", height="8em"),
        )
        self.errors = ErrorBox()
        self.table = widgets.HTML()
        self.figure = widgets.Image(format="png")
        self.plan: Plan | None = None
        self._update = guard(self.errors)(self._compute)
        super().__init__([self.parent, self.needs, self.errors, self.table, self.figure])
        self.parent.observe(lambda change: self._update(), names="value")
        self.needs.observe(lambda change: self._update(), names="value")
        self._update()

    def _compute(self) -> None:
        from netcourse.plots.cidr import address_space_figure

        result = plan(self.parent.value, parse_needs(self.needs.value))
        self.plan = result
        self.table.value = result._repr_html_()
        buffer = io.BytesIO()
        address_space_figure(result).savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        self.figure.value = buffer.getvalue()

    def __repr__(self) -> str:
        return f"SubnetPlanner({self.parent.value!r})"
