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
>>> calc.text.value, calc.provider.value = "10.0.0.0/28", "aws"
>>> calc.cloud_subnet.usable_hosts
11
"""

from __future__ import annotations

import ipywidgets as widgets

from netcourse.cidr import (
    CLOUD_PROVIDERS,
    HOST_COLOUR,
    NETWORK_COLOUR,
    Binary,
    CloudSubnet,
    Plan,
    Subnet,
    binary,
    cloud_provider,
    cloud_subnet,
    plan,
    split,
    subnet,
)
from netcourse.errors import AddressError, NetcourseError, quote
from netcourse.html import Cell, Markup, table
from netcourse.plots.cidr import address_space_figure
from netcourse.plots.style import figure_svg
from netcourse.readers import read_int
from netcourse.widgets.common import ErrorBox, StaleNote, figure_image, guard, later

__all__ = [
    "SubnetCalculator",
    "SubnetPlanner",
    "parse_needs",
    "binary_html",
    "subnet_html",
    "NETWORK_COLOUR",
    "HOST_COLOUR",
    "PROVIDER_OPTIONS",
    "SECTION_TITLES",
]

#: The provider dropdown's choices: no provider (a plain LAN), then each cloud of the table.
PROVIDER_OPTIONS: tuple[tuple[str, str | None], ...] = (
    ("none", None),
    *((rules.name, key) for key, rules in CLOUD_PROVIDERS.items()),
)


#: The calculator's two tabs under the details: splitting the network, and its cloud mode.
SECTION_TITLES: tuple[str, str] = ("split into subnets", "cloud")


def _provider_dropdown(provider: str | None) -> widgets.Dropdown:
    """The provider dropdown, set to ``provider`` (any name cloud_provider reads, or None)."""
    key = None if provider is None else cloud_provider(provider).key
    return widgets.Dropdown(options=PROVIDER_OPTIONS, value=key, description="cloud")


def _need(line: str) -> tuple[str, str] | None:
    """(name, hosts) of one ``name: hosts``, ``name = hosts`` or ``name hosts`` line, or None.

    Read by cutting, not by a regular expression: a long line of spaces made one backtrack
    for seconds.
    """
    text = line.strip()
    cuts = [at for at in (text.find(":"), text.find("=")) if at >= 0]
    if cuts:
        name, hosts = text[: min(cuts)].strip(), text[min(cuts) + 1 :].strip()
    else:
        parts = text.rsplit(None, 1)
        name, hosts = (parts[0].strip(), parts[1]) if len(parts) == 2 else ("", "")
    if not name or len(hosts.split()) != 1:
        return None
    return name, hosts


def binary_html(view: Binary) -> str:
    """The binary view as HTML: the model's own (an IPv6 address's bits on two lines, see
    :data:`netcourse.cidr.addresses.IPV6_BITS_PER_LINE`, so that the rows fit the screen).

    >>> html = binary_html(binary("2001:db8::1/64"))
    >>> html.count("\\n0000000000000000:") == 3, "network bits: 64" in html
    (True, True)
    """
    return view._repr_html_()


#: The rows of the details and of IPv6 bits are tighter than a widget's text lines (28px each):
#: 12 rows of details sit beside the tabs, and the bits of an address take two lines.
_TIGHT = "line-height:1.4;padding-top:0.2em;padding-bottom:0.2em"


def subnet_html(net: Subnet) -> str:
    """A Subnet as a two-column HTML table, its rows tight and a range (an IPv6 subnet's reserved
    anycast addresses) written on two lines, so that the details leave room beside them for
    the calculator's tabs and the calculator fits a 720px screen.

    >>> html = subnet_html(subnet("2001:db8::1/64"))
    >>> "fdff:ffff:ffff:ff80 -<br>" in html, html.startswith('<table class="netcourse-subnet">')
    (True, True)
    """
    rows = [
        (
            Cell(label, header=True, style=f"text-align:left;max-width:12em;{_TIGHT}"),
            Cell(
                Markup("<br>").join(_range_lines(value)),
                style=f"text-align:left;font-family:monospace;{_TIGHT}",
            ),
        )
        for label, value in net._rows()
    ]
    return table(rows, cls="netcourse-subnet")


def _range_lines(value: str) -> list[str]:
    """``first - last (n)`` as its two ends, each on its own line; other values whole.

    >>> _range_lines("a::1 - a::f (128)"), _range_lines("none")
    (['a::1 -', 'a::f (128)'], ['none'])
    """
    first, dash, last = value.partition(" - ")
    return [f"{first} -", last] if dash else [value]


def parse_needs(text: str) -> dict[str, int]:
    """Read ``name: hosts`` lines (``name = hosts`` and ``name hosts`` work too) into a dict.

    Hosts are written with the digits 0-9, as every subnet calculator reads them.

    >>> parse_needs("staff: 100\\nguests = 50\\n\\nprinters 10")
    {'staff': 100, 'guests': 50, 'printers': 10}
    >>> parse_needs("staff: ²")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.AddressError: line 1 'staff: ²': '²' is not a whole number of hosts (...)
    """
    if not isinstance(text, str):
        raise AddressError(f"{quote(text)}: expected the needs as text, one 'name: hosts' a line")
    needs: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        where = f"line {number} {quote(line.strip())}"
        found = _need(line)
        if found is None:
            raise AddressError(f"{where}: expected 'name: hosts'")
        name, hosts = found
        try:
            count = read_int(hosts, what="number of hosts", error=AddressError)
        except AddressError:
            ascii_only = "" if hosts.isascii() else " (write it with the digits 0-9)"
            raise AddressError(
                f"{where}: {quote(hosts)} is not a whole number of hosts{ascii_only}"
            ) from None
        if name in needs:
            raise AddressError(f"line {number}: {quote(name)} is listed twice")
        needs[name] = count
    if not needs:
        raise AddressError("no needs yet: write one 'name: hosts' per line")
    return needs


class SubnetCalculator(widgets.VBox):
    """Type an address (updates on every keystroke), move the prefix, split into subnets.

    A valid keystroke updates every view at once; an invalid one shows its error after the
    pause (:data:`netcourse.widgets.common.PAUSE`), and the views then go back to the last
    valid input the learner stopped on, greyed out and named as such (never a fragment typed
    on the way, such as ``10.0.0.2`` of ``10.0.0.25``). The split slider follows the prefix:
    it shows the split chosen (by the learner or ``split_prefix``; /24 at first) whenever that
    is at least the prefix, else the prefix + 2 (at most /32 or /128), and never keeps a value
    it was only pushed to. Taught in notebooks/03-cidr-and-subnets.ipynb.
    """

    def __init__(
        self,
        text: str = "10.0.2.3/16",
        split_prefix: int | None = None,
        provider: str | None = None,
    ) -> None:
        self.text = widgets.Text(
            value=text if isinstance(text, str) else "",
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
        self.stale = StaleNote()
        self.details = widgets.HTML(layout=widgets.Layout(margin="0 1em 0 0"))
        self.bits = widgets.HTML()
        self.subnets = widgets.HTML()
        self.provider = _provider_dropdown(provider)
        self.cloud = widgets.HTML()
        self.cloud_refused = ErrorBox()
        self.subnet: Subnet | None = None
        self.cloud_subnet: CloudSubnet | None = None
        self._syncing = False
        #: The split chosen: shown whenever the prefix allows it.
        self._split_target = 24 if split_prefix is None else split_prefix
        self._rendered: str | None = None  # the input the views show
        self._settled: str | None = None  # the last valid input that stood for the pause
        self._settling = None
        self._update = guard(
            self.errors,
            stale=self.stale,
            shown=self._shown,
            views=(self.bits, self.cloud, self.details, self.subnets),
            on_error=self._back_to_settled,
        )(self._compute)
        # The address, its prefix and its bits on top; below them the subnet's details beside
        # one tab for the split and one for the cloud, so the whole calculator fits a laptop
        # screen (the tabs wrap under the details where the screen is too narrow for both).
        self.tabs = widgets.Tab(
            [
                widgets.VBox([self.split_prefix, self.subnets]),
                widgets.VBox([self.provider, self.cloud_refused, self.cloud]),
            ],
            titles=SECTION_TITLES,
            selected_index=0 if provider is None else 1,
            layout=widgets.Layout(flex="1 1 28em", min_width="24em"),
        )
        super().__init__(
            [
                self.text,
                self.errors,
                self.stale,
                self.prefix,  # next to the address: Tab from it reaches the prefix
                self.bits,
                widgets.HBox(
                    [self.details, self.tabs],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
                ),
            ]
        )
        self.text.observe(lambda change: self._update(), names="value")
        self.prefix.observe(self._on_prefix, names="value")
        self.split_prefix.observe(self._on_split, names="value")
        self.provider.observe(lambda change: self._update(), names="value")
        self._update()
        self.errors.flush()  # what a new calculator is given was not typed: nothing to wait for
        self._settle()

    def _shown(self) -> str | None:
        if self._settled is None:
            return None
        return f"the last valid input, {self._settled.strip()}"

    def _compute(self) -> None:
        """Show the input typed now, or raise (the guard shows the error after the pause)."""
        if self._settling is not None:  # a keystroke came before the pause ended
            self._settling.cancel()
            self._settling = None
        self._render(self.text.value)
        self._settling = later(self._settle, self.errors.pause, self.errors.clock)

    def _settle(self) -> None:
        self._settling = None
        if self._rendered is not None and self.subnet is not None:
            self._settled = self._rendered

    def _back_to_settled(self) -> None:
        """The error shows: the views go back to the last valid input the learner stopped on,
        or, when there is none, show nothing (no fragment passes for a result)."""
        if self._settled is None:
            self.subnet, self.cloud_subnet, self._rendered = None, None, None
            for view in (self.bits, self.cloud, self.details, self.subnets):
                view.value = ""
            self.cloud_refused.clear()
        elif self._rendered != self._settled:
            self._render(self._settled)

    def _render(self, text: str) -> None:
        net = subnet(text)
        view = binary(text)
        top = 32 if net.version == 4 else 128
        wanted = self._split_target
        if not (isinstance(wanted, int) and net.prefixlen <= wanted <= top):
            wanted = min(top, net.prefixlen + 2)
        parts = split(net.network, wanted)
        self.subnet = net
        self._syncing = True
        try:
            self.prefix.max = top
            self.prefix.value = net.prefixlen
            self.split_prefix.min = 0  # widen first so that no bound ever crosses the other
            self.split_prefix.max = top
            self.split_prefix.min = net.prefixlen
            self.split_prefix.value = wanted
        finally:
            self._syncing = False
        self.bits.value = binary_html(view)
        self.details.value = subnet_html(net)
        self.subnets.value = parts._repr_html_()
        self._show_cloud(text)
        self._rendered = text

    def _show_cloud(self, text: str) -> None:
        """The cloud view: the provider's reserved addresses and usable count, or why not.

        A prefix the provider does not allow is said in the cloud view's own error line: the
        plain subnet views stay current, since the network itself is valid.
        """
        self.cloud_subnet = None
        self.cloud.value = ""
        self.cloud_refused.clear()
        if self.provider.value is None:
            return
        try:
            self.cloud_subnet = cloud_subnet(text, self.provider.value)
        except NetcourseError as exc:
            self.cloud_refused.show(exc)
            return
        self.cloud.value = self.cloud_subnet._repr_html_()

    def _on_split(self, change) -> None:
        if self._syncing:
            return
        self._split_target = change["new"]  # the learner's choice, kept while the prefix moves
        self._update()

    def _on_prefix(self, change) -> None:
        if self._syncing or self.subnet is None:
            return
        self.text.value = f"{self.subnet.address}/{change['new']}"

    def __repr__(self) -> str:
        return f"SubnetCalculator({self.text.value!r})"


class SubnetPlanner(widgets.VBox):
    """Needs in (one ``name: hosts`` per line), VLSM allocation table and address-space bar out.

    Bad input shows its error after the pause; the plan on show is then greyed out and named
    as the last valid plan (the figure beside it is that plan's).
    Taught in notebooks/03-cidr-and-subnets.ipynb.
    """

    def __init__(
        self,
        parent: str = "192.168.10.0/24",
        needs: dict[str, int] | None = None,
        provider: str | None = None,
    ):
        needs = needs if needs is not None else {"staff": 100, "guests": 50, "printers": 10}
        self.parent = widgets.Text(
            value=parent if isinstance(parent, str) else "",
            description="parent",
            continuous_update=False,
        )
        lines = needs.items() if isinstance(needs, dict) else ()
        self.needs = widgets.Textarea(
            value="\n".join(f"{name}: {hosts}" for name, hosts in lines),
            description="needs",
            continuous_update=False,
            layout=widgets.Layout(width="24em", height="8em"),
        )
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.table = widgets.HTML()
        self.figure = figure_image()
        self.provider = _provider_dropdown(provider)
        self.plan: Plan | None = None
        self._update = guard(self.errors, stale=self.stale, shown=self._shown, views=(self.table,))(
            self._compute
        )
        super().__init__(
            [
                self.parent,
                self.provider,
                self.needs,
                self.errors,
                self.stale,
                self.table,
                self.figure,
            ]
        )
        self.parent.observe(lambda change: self._update(), names="value")
        self.needs.observe(lambda change: self._update(), names="value")
        self.provider.observe(lambda change: self._update(), names="value")
        self._update()
        self.errors.flush()

    def _shown(self) -> str | None:
        return None if self.plan is None else f"the last valid plan, for {self.plan.parent}"

    def _compute(self) -> None:
        result = plan(self.parent.value, parse_needs(self.needs.value), self.provider.value)
        svg = figure_svg(address_space_figure(result))
        self.plan = result
        self.table.value = result._repr_html_()
        self.figure.value = svg

    def __repr__(self) -> str:
        return f"SubnetPlanner({self.parent.value!r})"
