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
"""

from __future__ import annotations

import ipywidgets as widgets

from netcourse.firewall import Firewall, Packet, Verdict
from netcourse.firewall.examples import EXAMPLES
from netcourse.firewall.trace import conntrack_list, trace_table
from netcourse.html import Markup
from netcourse.protocols import icmp_names
from netcourse.style import NEUTRALS, VERDICT_COLOURS
from netcourse.widgets.common import ErrorBox, guard

__all__ = ["FirewallLab", "verdict_html"]

#: The ICMP types and codes the packet builder offers: iptables' names (``any`` is for rules).
_ICMP_CHOICES = [name for name, (kind, _) in icmp_names(4).items() if kind != 255]
#: How a result that no longer matches the input is shown, while an error is on show.
_STALE_STYLE = "opacity:0.45"


def verdict_html(verdict: Verdict, fw: Firewall | None = None) -> str:
    """The verdict in colour, the trace with the deciding rule highlighted, and (given the
    firewall) the rules the packet never reached, greyed out.

    >>> fw = Firewall.from_iptables(["-A INPUT -p udp -j DROP", "-A INPUT -j ACCEPT"])
    >>> html = verdict_html(fw.evaluate(Packet("udp", src="192.0.2.1", dst="192.0.2.2")), fw)
    >>> "1 rule this packet never reached" in html
    True
    """
    extra = Markup(" (answers with {})").format(verdict.reject_with) if verdict.reject_with else ""
    head = Markup(
        "<div class='netcourse-verdict' style='font-size:1.2em'><b style='color:{}'>{}</b>{} by "
        "{} &middot; conntrack state <b>{}</b></div>"
    ).format(
        VERDICT_COLOURS[verdict.action], verdict.action, extra, verdict.decided_by, verdict.state
    )
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


class FirewallLab(widgets.VBox):
    """Ruleset editor, packet builder, verdict with trace; presets load the lesson's cases.

    With *stateful* on, the packets sent so far (button "send") are remembered by conntrack,
    so a reply can be ESTABLISHED; "reply" turns the packet around.
    """

    def __init__(self, preset: str = "seed-rule") -> None:
        if preset not in EXAMPLES:
            preset = "seed-rule"
        self.preset = widgets.Dropdown(
            options=[(example.title, name) for name, example in EXAMPLES.items()],
            value=preset,
            description="preset",
            layout=widgets.Layout(width="34em"),
        )
        self.rules = widgets.Textarea(
            description="ruleset",
            placeholder="iptables-save output, or -A INPUT ... lines",
            layout=widgets.Layout(width="60em", height="11em"),
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
            value=40000, min=0, max=65535, description="sport", layout=_narrow()
        )
        self.dport = widgets.BoundedIntText(
            value=80, min=0, max=65535, description="dport", layout=_narrow()
        )
        self.flags = widgets.Text(
            value="S", description="TCP flags", placeholder="S, SA, A, PA, F, R", layout=_narrow()
        )
        self.icmp_type = widgets.Dropdown(
            options=_ICMP_CHOICES, value="echo-request", description="ICMP type", layout=_narrow()
        )
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
        self.stale = widgets.HTML()
        self.result = widgets.HTML()
        self.table = widgets.HTML()
        self.history: list[tuple[Packet, str]] = []
        self.verdict: Verdict | None = None
        self._quiet = False
        self._shown = ("", "")  # the last result and table shown, before any stale marking
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
                self.table,
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

    def __repr__(self) -> str:
        return f"FirewallLab(preset={self.preset.value!r})"

    # --- wiring: each control's callback is guarded once; inside, _compute raises freely ------

    def _guarded(self, callback):
        """``callback`` with errors shown inline; an error also marks the result on show stale."""
        shielded = guard(self.errors)(callback)

        def run(*args, **kwargs):
            result = shielded(*args, **kwargs)
            self._mark_stale(bool(self.errors.value))
            return result

        return run

    def _mark_stale(self, stale: bool) -> None:
        """Grey out the verdict on show and say so while the input cannot be judged."""
        if stale and self.verdict is not None:
            self.stale.value = str(
                Markup(
                    '<div class="netcourse-stale" style="color:{}"><i>still showing the verdict '
                    "for the last input that could be judged ({}); fix the error above to see "
                    "this one</i></div>"
                ).format(NEUTRALS["muted"], self.verdict.packet.describe())
            )
            dimmed = Markup('<div class="netcourse-stale-result" style="{}">{}</div>')
            self.result.value = str(dimmed.format(_STALE_STYLE, Markup(self._shown[0])))
            self.table.value = str(dimmed.format(_STALE_STYLE, Markup(self._shown[1])))
        else:
            self.stale.value = ""
            self.result.value, self.table.value = self._shown

    def _changed(self, change) -> None:
        if not self._quiet:
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
        self.in_iface.value, self.out_iface.value = pkt.in_iface, pkt.out_iface

    def packet(self) -> Packet:
        """The packet the controls describe."""
        common = dict(
            src=self.src.value,
            dst=self.dst.value,
            in_iface=self.in_iface.value.strip() or "eth0",
            out_iface=self.out_iface.value.strip() or "eth1",
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
        fw = Firewall.from_iptables(self.rules.value)
        pkt = self.packet()
        if self.stateful.value:
            replay = fw.replay([*self.history, (pkt, self.chain.value)])
            verdict = replay.verdicts[-1]
            sent = Markup("").join(
                Markup("<li><code>{}</code> ({}, {})</li>").format(p.describe(), v.state, v.action)
                for (p, _), v in zip(self.history, replay.verdicts)
            )
            before = fw.replay(self.history).table if self.history else ()
            table = Markup(
                "<p>sent before this packet:</p><ol>{}</ol>"
                "<p>conntrack table before this packet:</p>{}"
            ).format(sent or Markup("<li>(nothing yet)</li>"), conntrack_list(before))
        else:
            verdict = fw.evaluate(pkt, chain=self.chain.value)
            table = "<p>stateless view: the packet is judged alone, as the first of its flow.</p>"
        self.verdict = verdict
        self._shown = (verdict_html(verdict, fw), str(table))

    def _send(self) -> None:
        self.history.append((self.packet(), self.chain.value))
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
            self._show_packet(answer)
        finally:
            self._quiet = False
        self._compute()

    def _forget(self) -> None:
        self.history = []
        self._compute()


def _narrow() -> widgets.Layout:
    return widgets.Layout(width="19em")
