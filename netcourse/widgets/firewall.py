"""The firewall lab: edit a ruleset, build a packet, see the verdict and the rule that decided.

Only wiring: parsing, evaluation and conntrack are :mod:`netcourse.firewall`'s. Bad input
(a rule iptables would refuse, an address that is not one) shows inline; the lab keeps
working. Taught in notebooks/04-firewalls.ipynb.

>>> lab = FirewallLab("seed-rule")
>>> lab.verdict.action
'ACCEPT'
>>> lab.src.value = "192.168.2.20"
>>> lab.verdict.action, lab.verdict.rule_number
('ACCEPT', None)
>>> lab.rules.value = "-A INPUT -p tcp --dport 80 -j BOGUS"
>>> "BOGUS" in lab.errors.value
True

:class:`RulesetInspector` reads a whole machine's ``iptables-save`` (or ``ip6tables-save``)
output: its tables and chains as a graph, what it leaves open to new connections from
outside, lint's findings, and the path of any packet.

>>> box = RulesetInspector("ufw-server.rules")
>>> box.firewall.family, box.exposure.ports("tcp")[:3]
(4, ((22, 22), (80, 80), (443, 443)))
>>> box.text.value = "*filter\\n-A INPUT -j BOGUS\\nCOMMIT"
>>> "BOGUS" in box.errors.value, "netcourse-stale" in box.stale.value
(True, True)
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

from netcourse.data import path
from netcourse.errors import RuleError, quote
from netcourse.firewall import Exposure, Firewall, Packet, Verdict, chain_graph, exposure, lint
from netcourse.firewall.examples import EXAMPLES
from netcourse.firewall.trace import STATELESS_NOTE, conntrack_list, state_words, trace_table
from netcourse.html import Markup
from netcourse.plots.firewall_graph import chain_graph_figure
from netcourse.plots.style import figure_svg
from netcourse.protocols import icmp_names
from netcourse.style import NEUTRALS, VERDICT_COLOURS
from netcourse.widgets.common import STALE_STYLE, ErrorBox, StaleNote, guard, scroll_region

__all__ = ["FirewallLab", "RulesetInspector", "verdict_html", "shipped_rulesets"]

#: The ICMP types and codes the packet builder offers: iptables' names (``any`` is for rules).
_ICMP_CHOICES = [name for name, (kind, _) in icmp_names(4).items() if kind != 255]


def verdict_html(verdict: Verdict, fw: Firewall | None = None) -> str:
    """The verdict in colour, the trace with the deciding rule highlighted, and (given the
    firewall) the rules the packet never reached, greyed out.

    >>> fw = Firewall.from_iptables(["-A INPUT -p udp -j DROP", "-A INPUT -j ACCEPT"])
    >>> html = verdict_html(fw.evaluate(Packet("udp", src="192.0.2.1", dst="192.0.2.2")), fw)
    >>> "1 rule this packet never reached" in html
    True
    """
    extra = Markup(" (answers with {})").format(verdict.reject_with) if verdict.reject_with else ""
    state = state_words(verdict)
    head = Markup(
        "<div class='netcourse-verdict' style='font-size:1.2em'><b style='color:{}'>{}</b>{} by "
        "{} &middot; {}</div>"
    ).format(VERDICT_COLOURS[verdict.action], verdict.action, extra, verdict.decided_by, state)
    html = head + trace_table(verdict.trace, (verdict.chain, verdict.rule_number))
    if fw is not None:
        visited = {(step.chain, step.number) for step in verdict.trace}
        rest = [r for r in fw.ruleset.rules() if (r.chain, r.number) not in visited]
        if rest:
            items = Markup("").join(Markup("<li><code>{}</code></li>").format(r.text) for r in rest)
            html += Markup(
                "<details class='netcourse-not-reached' style='color:{}'><summary>{} rule{} this "
                "packet never reached</summary><ul>{}</ul></details>"
            ).format(NEUTRALS["muted"], len(rest), "s" if len(rest) > 1 else "", items)
    return str(html)


#: How tall the lab's trace and history grow before they scroll: the screen less the room the
#: controls, an error of two lines, its stale note and the verdict take, never under 12em.
LAB_TABLE_HEIGHT = "max(12em, calc(100vh - 32em))"


class FirewallLab(widgets.VBox):
    """Ruleset editor, packet builder, verdict with trace; presets load the lesson's cases.

    With *stateful* on, the packets sent so far (button "send") are remembered by conntrack,
    so a reply can be ESTABLISHED; "reply" turns the packet around (the answer to a packet
    INPUT took leaves by OUTPUT). An INPUT packet has no out interface and an OUTPUT packet
    no in interface, as in the kernel: that field is left empty and disabled.
    """

    def __init__(self, preset: str = "seed-rule") -> None:
        if preset not in EXAMPLES:
            preset = "seed-rule"
        self.preset = widgets.Dropdown(
            options=[(example.title, name) for name, example in EXAMPLES.items()],
            value=preset,
            description="preset",
            layout=widgets.Layout(width="46em"),  # room for the longest title
        )
        self.rules = widgets.Textarea(
            description="ruleset",
            placeholder="iptables-save output, or -A INPUT ... lines",
            layout=widgets.Layout(width="60em", height="8em"),  # it scrolls and can be resized
        )
        self.chain = widgets.Dropdown(
            options=["INPUT", "FORWARD", "OUTPUT"], description="chain", layout=_narrow()
        )
        self.proto = widgets.Dropdown(
            options=["tcp", "udp", "icmp"], description="protocol", layout=_narrow()
        )
        self.src = widgets.Text(description="source", layout=_narrow())
        self.dst = widgets.Text(description="destination", layout=_narrow())
        self.sport = widgets.BoundedIntText(
            value=40000, min=0, max=65535, description="sport", layout=_port_width()
        )
        self.dport = widgets.BoundedIntText(
            value=80, min=0, max=65535, description="dport", layout=_port_width()
        )
        self.flags = widgets.Text(
            value="S", description="TCP flags", placeholder="S, SA, A, PA, F, R", layout=_narrow()
        )
        self.icmp_type = _icmp_dropdown()
        self.in_iface = widgets.Text(value="eth0", description="in iface", layout=_narrow())
        self.out_iface = widgets.Text(value="eth1", description="out iface", layout=_narrow())
        self.stateful = widgets.Checkbox(
            value=False,
            description="stateful (conntrack)",
            indent=False,
            layout=widgets.Layout(width="16em"),
        )
        self.send = widgets.Button(description="send", tooltip="remember this packet")
        self.turn = widgets.Button(description="reply", tooltip="build the answer to it")
        self.forget = widgets.Button(description="forget connections")
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.result = widgets.HTML()
        self.table = widgets.HTML()
        self.history: list[tuple[Packet, str]] = []
        self.verdict: Verdict | None = None
        self._quiet = False
        #: Whether the packet on show is the one just sent (the last of the history): its
        #: verdict is then the one it got when sent, after the packets sent before it.
        self._just_sent = False
        self._iface_memory = {"in": "eth0", "out": "eth1"}  # a field emptied by the chain
        self._update = self._guarded(self._compute)
        self._load = self._guarded(self._load_preset)
        packet_row = widgets.HBox([self.proto, self.src, self.dst])
        ports_row = widgets.HBox([self.sport, self.dport, self.flags, self.icmp_type])
        iface_row = widgets.HBox([self.chain, self.in_iface, self.out_iface])
        state_row = widgets.HBox([self.stateful, self.send, self.turn, self.forget])
        super().__init__(
            [
                self.preset,
                self.rules,
                packet_row,
                ports_row,
                iface_row,
                state_row,
                self.errors,
                self.stale,
                self.result,
                # the history grows with each packet sent: it scrolls, the verdict stays in sight
                scroll_region(self.table, max_height=LAB_TABLE_HEIGHT),
            ]
        )
        for control in (
            self.rules,
            self.chain,
            self.proto,
            self.src,
            self.dst,
            self.sport,
            self.dport,
            self.flags,
            self.icmp_type,
            self.in_iface,
            self.out_iface,
            self.stateful,
        ):
            control.observe(self._changed, names="value")
        self.preset.observe(lambda change: self._load(), names="value")
        self.send.on_click(lambda _: self._guarded(self._send)())
        self.turn.on_click(lambda _: self._guarded(self._reply)())
        self.forget.on_click(lambda _: self._guarded(self._forget)())
        self._load()
        self.errors.flush()

    def __repr__(self) -> str:
        return f"FirewallLab(preset={self.preset.value!r})"

    # --- wiring: each control's callback is guarded once; inside, _compute raises freely ------

    def _guarded(self, callback):
        """``callback`` with the shared discipline: an error shows after the pause, and the
        verdict on show is then greyed out and named as the last one that could be judged."""
        return guard(self.errors, self.stale, self._stale_what, views=(self.result, self.table))(
            callback
        )

    def _stale_what(self) -> str | None:
        if self.verdict is None:
            return None
        return (
            f"the verdict for the last input that could be judged "
            f"({self.verdict.packet.describe()}); fix the error above to see this one"
        )

    def _changed(self, change) -> None:
        if not self._quiet:
            self._just_sent = False  # the packet on show is no longer the one sent
            self._update()

    def _load_preset(self) -> None:
        example = EXAMPLES[self.preset.value]
        self._quiet = True
        try:
            self.rules.value = example.ruleset
            self.chain.value = example.chain
            self._show_packet(example.packet)
            self.stateful.value = example.stateful
            self.history = [(pkt, example.chain) for pkt in example.history]
            self._just_sent = False
        finally:
            self._quiet = False
        self._compute()

    def _show_packet(self, pkt: Packet) -> None:
        self.proto.value = pkt.proto if pkt.proto in ("tcp", "udp", "icmp") else "tcp"
        self.src.value, self.dst.value = pkt.src, pkt.dst
        if pkt.sport is not None:
            self.sport.value, self.dport.value = pkt.sport, pkt.dport
        self.flags.value = pkt.flags
        if pkt.icmp_type is not None:
            names = [n for n, (kind, _) in icmp_names(4).items() if kind == pkt.icmp_type]
            self.icmp_type.value = names[0] if names else "echo-request"
        if pkt.in_iface is not None:
            self.in_iface.value = pkt.in_iface
        if pkt.out_iface is not None:
            self.out_iface.value = pkt.out_iface

    def _sync_ifaces(self) -> None:
        """Empty and disable the interface the chain's packets lack (INPUT: out, OUTPUT: in),
        and give it back its last value when the chain has it again."""
        self._quiet = True
        try:
            for side, field, missing in (
                ("in", self.in_iface, "OUTPUT"),
                ("out", self.out_iface, "INPUT"),
            ):
                if self.chain.value == missing:
                    if field.value.strip():
                        self._iface_memory[side] = field.value
                    field.value, field.disabled = "", True
                    field.placeholder = f"(none: an {missing} packet has no {side} interface)"
                else:
                    if field.disabled and not field.value.strip():
                        field.value = self._iface_memory[side]
                    field.disabled, field.placeholder = False, ""
        finally:
            self._quiet = False

    def packet(self) -> Packet:
        """The packet the controls describe: INPUT packets have no out interface, OUTPUT
        packets (this machine's own) no in interface."""
        chain = self.chain.value
        common = dict(
            src=self.src.value,
            dst=self.dst.value,
            in_iface=None if chain == "OUTPUT" else self.in_iface.value.strip() or "eth0",
            out_iface=None if chain == "INPUT" else self.out_iface.value.strip() or "eth1",
        )
        if self.proto.value == "icmp":
            return Packet("icmp", icmp_type=self.icmp_type.value, **common)
        ports = dict(sport=self.sport.value, dport=self.dport.value)
        if self.proto.value == "udp":
            return Packet("udp", **ports, **common)
        return Packet("tcp", flags=self.flags.value, **ports, **common)

    def _compute(self) -> None:
        tcp, icmp = self.proto.value == "tcp", self.proto.value == "icmp"
        self.flags.disabled = not tcp
        self.sport.disabled = self.dport.disabled = icmp
        self.icmp_type.disabled = not icmp
        self._sync_ifaces()
        fw = Firewall.from_iptables(self.rules.value)
        pkt = self.packet()
        if self.stateful.value:
            # the packet just sent is the last of the history: judged after those before it
            before = self.history[:-1] if self._just_sent else self.history
            replay = fw.replay([*before, (pkt, self.chain.value)])
            verdict = replay.verdicts[-1]
            table = _history_html(fw, before, replay, sent=self._just_sent)
        else:
            verdict = fw.evaluate(pkt, chain=self.chain.value)
            table = "<p>stateless view: the packet is judged alone, as the first of its flow.</p>"
        self.verdict = verdict
        self.result.value, self.table.value = verdict_html(verdict, fw), str(table)

    def _send(self) -> None:
        self.history.append((self.packet(), self.chain.value))
        self._just_sent = True
        self._quiet = True
        try:
            self.stateful.value = True  # sending only makes sense with memory
        finally:
            self._quiet = False
        self._compute()

    def _reply(self) -> None:
        answer = self.packet().reply()
        self._quiet = True
        try:
            # the answer to a packet this machine received, it sends itself, and back
            self.chain.value = {"INPUT": "OUTPUT", "OUTPUT": "INPUT"}.get(
                self.chain.value, self.chain.value
            )
            self._show_packet(answer)
            self._just_sent = False
        finally:
            self._quiet = False
        self._compute()

    def _forget(self) -> None:
        self.history = []
        self._just_sent = False
        self._compute()


def _history_html(fw: Firewall, before, replay, *, sent: bool) -> Markup:
    """The packets sent before the one on show, with what each got, and (when a rule reads
    it) the conntrack table they left; ``sent``: the packet on show is now remembered too."""
    stateful = fw.reads_conntrack
    items = Markup("").join(
        Markup("<li><code>{}</code> ({})</li>").format(
            p.describe(), f"{v.state}, {v.action}" if stateful else v.action
        )
        for (p, _), v in zip(before, replay.verdicts)
    )
    html = Markup("<p>sent before this packet:</p><ol>{}</ol>").format(
        items or Markup("<li>(nothing yet)</li>")
    )
    if sent:
        html += Markup("<p>this packet is sent now: the next packet is judged after it.</p>")
    if not stateful:
        return html + Markup("<p>{}.</p>").format(STATELESS_NOTE)
    table = fw.replay(before).table if before else ()
    return html + Markup("<p>conntrack table before this packet:</p>{}").format(
        conntrack_list(table)
    )


def _narrow() -> widgets.Layout:
    return widgets.Layout(width="19em")


def _port_width() -> widgets.Layout:
    """A port box: five digits need less room than an address (the ICMP menu beside it more)."""
    return widgets.Layout(width="15em")


def _icmp_dropdown() -> widgets.Dropdown:
    """The ICMP type menu, wide enough for its longest name (``destination-unreachable``)."""
    return widgets.Dropdown(
        options=_ICMP_CHOICES,
        value="echo-request",
        description="ICMP type",
        layout=widgets.Layout(width="24em"),
    )


#: How tall a tab of the ruleset inspector grows before its content scrolls inside it: the
#: screen's height less the room the controls above it take (never under 18em).
TAB_HEIGHT = "max(18em, calc(100vh - 20em))"
#: The trace under the packet's fields in its tab: the tab's height less theirs.
TRACE_HEIGHT = "max(12em, calc(100vh - 31em))"
#: The ruleset inspector's tabs.
INSPECTOR_TABS = ("chain graph", "chains", "open to NEW", "lint", "trace a packet")


# --- a whole machine's ruleset: graph, exposure, lint and a trace -----------------------------


def shipped_rulesets() -> list[str]:
    """The real rulesets shipped in netcourse/data/rulesets (``.rules``, ``.rules6``).

    >>> "ufw-server.rules" in shipped_rulesets()
    True
    """
    folder = path("rulesets")
    return sorted(f.name for f in folder.iterdir() if f.suffix in (".rules", ".rules6"))


def read_interface_text(text: str) -> dict[str, tuple[str, ...]] | None:
    """``eth0=198.18.0.2/24 fd00::2/64, eth1=203.0.113.2/24`` as a mapping (None when empty).

    >>> read_interface_text("eth0=198.18.0.2/24, wan=203.0.113.2/24 fd00::2/64")
    {'eth0': ('198.18.0.2/24',), 'wan': ('203.0.113.2/24', 'fd00::2/64')}
    """
    pieces = [piece.strip() for piece in text.split(",") if piece.strip()]
    if not pieces:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for piece in pieces:
        name, eq, addresses = piece.partition("=")
        name, addresses = name.strip(), tuple(addresses.split())
        if not eq or not name or not addresses:
            raise RuleError(
                f"interfaces: {quote(piece)}: expected name=address, such as "
                "'eth0=198.18.0.2/24', several separated by commas"
            )
        if name in out:
            raise RuleError(f"interfaces: {quote(name)} is given twice; give it once")
        out[name] = addresses
    return out


class RulesetInspector(widgets.VBox):
    """Paste ``sudo iptables-save`` (or ``sudo ip6tables-save``) output and see its tables and
    chains, what is open to new connections from outside, lint, and the trace of a packet.

    ``ruleset`` names a shipped ruleset (see :func:`shipped_rulesets`; ufw's server rules by
    default) or is the text itself (``""``: an empty box to paste into).
    The family is read from the text's ``# Generated by`` line. With interface addresses
    given, a packet is taken through every table (:meth:`Firewall.traverse`); without, it is
    judged by the filter chain chosen. Taught in notebooks/04-firewalls.ipynb.
    """

    def __init__(self, ruleset: str = "ufw-server.rules", *, interfaces: str = "") -> None:
        names = shipped_rulesets()
        self.shipped = widgets.Dropdown(
            options=[("(paste your own below)", ""), *((n, n) for n in names)],
            value=ruleset if ruleset in names else "",
            description="example",
            layout=widgets.Layout(width="26em"),
        )
        self.text = widgets.Textarea(
            value="" if ruleset in names else ruleset,
            description="ruleset",
            placeholder="paste the output of: sudo iptables-save   (or: sudo ip6tables-save)",
            continuous_update=False,
            layout=widgets.Layout(width="98%", height="6em"),  # it scrolls: the results below
        )
        self.interfaces = widgets.Text(
            value=interfaces,
            description="interfaces",
            placeholder="optional: eth0=198.18.0.2/24, eth1=203.0.113.2/24",
            continuous_update=False,
            layout=widgets.Layout(width="34em"),
        )
        self.errors, self.stale = ErrorBox(), StaleNote()
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()  # an <img>, so that a stale figure is greyed out too
        self.graph_table = widgets.HTML()
        self.open_table = widgets.HTML()
        self.open_errors = ErrorBox()
        self.lint_report = widgets.HTML()
        self.proto = widgets.Dropdown(options=["tcp", "udp", "icmp"], description="protocol")
        self.src = widgets.Text(value="203.0.113.5", description="source")
        self.dst = widgets.Text(value="198.18.0.2", description="destination")
        self.sport = widgets.BoundedIntText(value=40000, min=0, max=65535, description="sport")
        self.dport = widgets.BoundedIntText(value=22, min=0, max=65535, description="dport")
        self.flags = widgets.Text(value="S", description="TCP flags", placeholder="S, SA, A")
        self.icmp_type = _icmp_dropdown()
        self.in_iface = widgets.Text(value="eth0", description="in iface", placeholder="(sent)")
        self.out_iface = widgets.Text(value="eth1", description="out iface")
        self.chain = widgets.Dropdown(options=["INPUT", "FORWARD", "OUTPUT"], description="chain")
        fields = (self.proto, self.src, self.dst, self.sport, self.dport, self.flags)
        fields += (self.icmp_type, self.in_iface, self.out_iface, self.chain)
        ports = (self.sport, self.dport)
        for control in fields:
            if control is not self.icmp_type:
                control.layout = _port_width() if control in ports else _narrow()
        self.trace_errors, self.trace_stale = ErrorBox(), StaleNote()
        self.trace = widgets.HTML()
        self.firewall: Firewall | None = None
        self.exposure: Exposure | None = None
        self.result = None  # the last Traversal or Verdict shown
        self._iface_map: dict | None = None
        self._fresh: dict[str, str] = {}  # each view's last result, before any stale marking
        self._quiet = False
        self._load = guard(self.errors, self.stale, self._loaded_what)(self._compute)
        self._judge = guard(self.trace_errors, self.trace_stale, self._judged_what)(self._trace)
        trace_box = widgets.VBox(
            [
                widgets.HBox([self.proto, self.src, self.dst]),
                widgets.HBox([self.sport, self.dport, self.flags]),
                # the ICMP menu is the widest control: beside the chain, not the interfaces
                # (three of them overflow a 1280px screen with the file browser open)
                widgets.HBox([self.icmp_type, self.chain]),
                widgets.HBox([self.in_iface, self.out_iface]),
                scroll_region(
                    self.trace_errors, self.trace_stale, self.trace, max_height=TRACE_HEIGHT
                ),
            ]
        )
        # each tab at most the screen's height: a long table scrolls in its tab, header on top
        self.tabs = widgets.Tab(
            [
                scroll_region(self.figure, max_height=TAB_HEIGHT),
                scroll_region(self.graph_table, max_height=TAB_HEIGHT),
                scroll_region(self.open_errors, self.open_table, max_height=TAB_HEIGHT),
                scroll_region(self.lint_report, max_height=TAB_HEIGHT),
                trace_box,
            ],
            titles=INSPECTOR_TABS,
        )
        super().__init__(
            [
                widgets.HBox([self.shipped, self.interfaces], layout={"flex_flow": "row wrap"}),
                self.text,
                self.errors,
                self.stale,
                self.summary,
                self.tabs,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.shipped.observe(lambda change: self._pick(), names="value")
        for control in (self.text, self.interfaces):
            control.observe(self._changed, names="value")
        for control in fields:
            control.observe(lambda change: self._judge(), names="value")
        self._pick()
        self.errors.flush()
        self.trace_errors.flush()

    def __repr__(self) -> str:
        return f"RulesetInspector({self.shipped.value or '(pasted)'!r})"

    def _pick(self) -> None:
        if self.shipped.value:
            self._quiet = True
            try:
                self.text.value = path("rulesets", self.shipped.value).read_text()
            finally:
                self._quiet = False
        self._load()

    def _changed(self, change) -> None:
        if not self._quiet:
            self._load()

    def _loaded_what(self) -> str | None:
        if self.firewall is None:
            return None
        self._dim(self.summary, self.figure, self.graph_table, self.open_table, self.lint_report)
        return "the results for the last ruleset that loaded, greyed out"

    def _judged_what(self) -> str | None:
        if self.result is None:
            return None
        self._dim(self.trace)
        return "the trace of the last packet that could be judged, greyed out"

    def _show(self, view: widgets.HTML, html: str) -> None:
        """Show ``html`` in ``view`` as the current result (not stale)."""
        self._fresh[view.model_id] = html
        view.value = html
        view.remove_class("netcourse-stale-result")

    def _dim(self, *views: widgets.HTML) -> None:
        """Grey out results that no longer match the input (an error is on show)."""
        for view in views:
            fresh = Markup(self._fresh.get(view.model_id, ""))
            view.value = str(Markup('<div style="{}">{}</div>').format(STALE_STYLE, fresh))
            view.add_class("netcourse-stale-result")

    def _compute(self) -> None:
        text = self.text.value
        if not text.strip():  # nothing pasted yet: say what to paste, no error
            self.firewall, self.exposure, self.result = None, None, None
            for view in (self.figure, self.graph_table, self.open_table, self.lint_report):
                self._show(view, "")
            self._show(self.trace, "<p>load a ruleset above first.</p>")
            self._show(
                self.summary,
                "<div class='netcourse-summary'>Pick an example, or paste what "
                "<code>sudo iptables-save</code> (or <code>sudo ip6tables-save</code>) prints."
                "</div>",
            )
            return
        interfaces = read_interface_text(self.interfaces.value)
        fw = Firewall.from_iptables(text, interfaces=interfaces)
        graph = chain_graph(fw)
        try:
            opened = exposure(fw, interfaces=interfaces)
        except Exception as exc:  # one tab's failure must not hide the others
            opened = None
            self.open_errors.show(exc)
        else:
            self.open_errors.clear()
        report = lint(fw.ruleset)
        svg = figure_svg(chain_graph_figure(graph))
        self.firewall, self.exposure, self._iface_map = fw, opened, interfaces
        tool = "ip6tables" if fw.family == 6 else "iptables"
        sizes = {
            name: sum(len(chain.rules) for chain in fw.ruleset.tables[name].values())
            for name in graph.tables()
        }
        counts = ", ".join(
            f"{name} ({size} rule{'' if size == 1 else 's'})" for name, size in sizes.items()
        )
        summary = str(
            Markup(
                "<div class='netcourse-summary'>{}-save output (IPv{}): tables {}{}</div>"
            ).format(
                tool,
                fw.family,
                counts,
                "; outside interfaces: " + ", ".join(interfaces) if interfaces else "",
            )
        )
        svg = base64.b64encode(svg).decode("ascii")
        self._show(self.summary, summary)
        self._show(
            self.figure,
            str(
                Markup(
                    '<img class="netcourse-chain-graph" style="max-width:100%" alt="{}" '
                    'src="data:image/svg+xml;base64,{}">'
                ).format("the tables and chains as a graph", svg)
            ),
        )
        self._show(self.graph_table, graph.html(sticky_header=True))
        self._show(self.open_table, opened._repr_html_() if opened is not None else "")
        self._show(self.lint_report, report._repr_html_())
        icmp = "icmpv6" if fw.family == 6 else "icmp"
        if self.proto.options[-1] != icmp:
            self._quiet = True
            try:
                self.icmp_type.options = [
                    n for n, (k, _) in icmp_names(fw.family).items() if k != 255
                ]
                self.icmp_type.value = "echo-request"
                self.proto.options = ["tcp", "udp", icmp]
                if fw.family == 6:
                    self.src.value, self.dst.value = "fd00:1::5", "fd00::2"
                else:
                    self.src.value, self.dst.value = "203.0.113.5", "198.18.0.2"
            finally:
                self._quiet = False
        self._judge()

    def packet(self) -> Packet:
        """The packet the trace tab's fields describe (no in iface: the machine sends it)."""
        common = dict(
            src=self.src.value.strip(),
            dst=self.dst.value.strip(),
            in_iface=self.in_iface.value.strip() or None,
            out_iface=self.out_iface.value.strip() or None,
        )
        if self._iface_map is None:  # evaluate() judges one filter chain: names are only names
            chain = self.chain.value  # INPUT packets have no out interface, OUTPUT no in one
            common["in_iface"] = None if chain == "OUTPUT" else common["in_iface"] or "eth0"
            common["out_iface"] = None if chain == "INPUT" else common["out_iface"] or "eth1"
        if self.proto.value in ("icmp", "icmpv6"):
            return Packet(self.proto.value, icmp_type=self.icmp_type.value, **common)
        ports = dict(sport=self.sport.value, dport=self.dport.value)
        if self.proto.value == "udp":
            return Packet("udp", **ports, **common)
        return Packet("tcp", flags=self.flags.value.strip(), **ports, **common)

    def _trace(self) -> None:
        if self._quiet:
            return
        icmp = self.proto.value in ("icmp", "icmpv6")
        self.flags.disabled = self.proto.value != "tcp"
        self.sport.disabled = self.dport.disabled = icmp
        self.icmp_type.disabled = not icmp
        self.chain.disabled = self._iface_map is not None
        by_chain = self._iface_map is None  # one filter chain: its packets lack one interface
        self.in_iface.disabled = by_chain and self.chain.value == "OUTPUT"
        self.out_iface.disabled = by_chain and self.chain.value == "INPUT"
        if self.firewall is None:
            self._show(self.trace, "<p>load a ruleset above first.</p>")
            return
        pkt = self.packet()
        if self._iface_map is not None:
            result = self.firewall.traverse(pkt, interfaces=self._iface_map)
            html = result._repr_html_()
        else:
            result = self.firewall.evaluate(pkt, chain=self.chain.value)
            html = verdict_html(result, self.firewall)
        self.result = result
        self._show(self.trace, html)
