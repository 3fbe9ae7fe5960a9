"""The course's colours, declared once for plots and widgets alike (pure data, no matplotlib).

The categorical colours are Okabe & Ito's colour-blind-safe palette; each meaning (a verdict,
an OSI layer, a switch action) takes one of them here, so a figure and a widget never disagree.

>>> len(PALETTE), PALETTE["blue"], VERDICT_COLOURS["DROP"] == PALETTE["vermillion"]
(8, '#0072B2', True)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "PALETTE",
    "CYCLE",
    "NEUTRALS",
    "TINTS",
    "ERROR_COLOUR",
    "VERDICT_COLOURS",
    "LAYER_COLOURS",
    "SWITCH_ACTION_COLOURS",
    "WIRESHARK_COLOURS",
    "ColouringRule",
    "PACKET_COLOURING_RULES",
]

#: Okabe & Ito (2008), readable under every common form of colour blindness.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: The order to use for categorical series.
CYCLE: list[str] = [
    PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")
]
#: Greys, from text to backgrounds.
NEUTRALS: dict[str, str] = {
    "text": "#333333",
    "dark": "#444444",
    "label": "#555555",
    "muted": "#777777",
    "faint": "#999999",
    "rule": "#BBBBBB",
    "grid": "#DDDDDD",
    "background": "#f2f2f2",
}
#: Light backgrounds for table rows and cells, one per palette colour that needs one.
TINTS: dict[str, str] = {
    "green": "#d6f0e6",
    "vermillion": "#fde0d0",
    "blue": "#DCEBF7",
}
#: The colour of an inline error message in a widget (a red that reads on white).
ERROR_COLOUR = "#b00020"

#: One colour per verdict, for firewall decisions and reachability alike.
VERDICT_COLOURS: dict[str, str] = {
    "ACCEPT": PALETTE["green"],
    "DROP": PALETTE["vermillion"],
    "REJECT": PALETTE["orange"],
}
#: One colour per OSI layer (5-7 share one: the application's bytes).
LAYER_COLOURS: dict[int, str] = {
    1: PALETTE["black"],
    2: PALETTE["blue"],
    3: PALETTE["orange"],
    4: PALETTE["green"],
    5: PALETTE["vermillion"],
    6: PALETTE["vermillion"],
    7: PALETTE["vermillion"],
}
#: What a switch does with a frame.
SWITCH_ACTION_COLOURS: dict[str, str] = {
    "forward": PALETTE["green"],
    "flood": PALETTE["orange"],
    "filter": NEUTRALS["faint"],
    "drop": PALETTE["vermillion"],
}

#: The colours of Wireshark's default colouring rules (its ``colorfilters`` file, 16-bit RGB
#: triples divided by 257), named for what they look like.
WIRESHARK_COLOURS: dict[str, str] = {
    "ink": "#12272E",  #: the text of most rules, and the background of "Bad TCP"
    "bad-tcp-text": "#F78787",  #: Bad TCP: red text on the dark background
    "icmp-error-text": "#B7F774",  #: ICMP errors: green text on the dark background
    "rst-background": "#A40000",  #: TCP RST and TTL low: dark red ...
    "rst-text": "#FFFC9C",  #: ... with light yellow text (TCP RST)
    "ttl-text": "#ECF0EB",  #: ... with near-white text (TTL low)
    "arp": "#FAF0D7",
    "icmp": "#FCE0FF",
    "http": "#E4FFC7",
    "syn-fin": "#A0A0A0",
    "tcp": "#E7E6FF",
    "udp": "#DAEEFF",
    "broadcast": "#FFFFFF",
    "broadcast-text": "#BABDB6",
}


@dataclass(frozen=True)
class ColouringRule:
    """One of Wireshark's colouring rules: packets its display filter keeps take its colours."""

    name: str  #: the rule's name in Wireshark's View > Coloring Rules
    filter: str  #: the display filter, in the words netcourse's filters understand
    foreground: str
    background: str


#: Wireshark 4.0's default colouring rules that apply to what netcourse dissects, in
#: Wireshark's order (the first rule that matches colours the row). Spelled for our filters
#: where Wireshark's use syntax we do not read: ``icmp.type in {3..5, 11}`` as a list,
#: ``tcp.flags & 0x02`` as ``tcp.flags.syn == 1``, ``eth[0] & 1`` as the broadcast address;
#: the TTL rule leaves out its multicast, PIM, OSPF, VRRP and CARP exceptions.
PACKET_COLOURING_RULES: tuple[ColouringRule, ...] = (
    ColouringRule(
        "Bad TCP",
        "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive "
        "&& !tcp.analysis.keep_alive_ack",
        WIRESHARK_COLOURS["bad-tcp-text"],
        WIRESHARK_COLOURS["ink"],
    ),
    ColouringRule(
        "ICMP errors",
        "icmp.type in {3, 4, 5, 11} || icmpv6.type in {1, 2, 3, 4}",
        WIRESHARK_COLOURS["icmp-error-text"],
        WIRESHARK_COLOURS["ink"],
    ),
    ColouringRule("ARP", "arp", WIRESHARK_COLOURS["ink"], WIRESHARK_COLOURS["arp"]),
    ColouringRule("ICMP", "icmp || icmpv6", WIRESHARK_COLOURS["ink"], WIRESHARK_COLOURS["icmp"]),
    ColouringRule(
        "TCP RST",
        "tcp.flags.reset eq 1",
        WIRESHARK_COLOURS["rst-text"],
        WIRESHARK_COLOURS["rst-background"],
    ),
    ColouringRule(
        "TTL low or unexpected",
        "ip.ttl < 5 && !(ip.dst == 224.0.0.0/4)",
        WIRESHARK_COLOURS["ttl-text"],
        WIRESHARK_COLOURS["rst-background"],
    ),
    ColouringRule(
        "HTTP", "http || tcp.port == 80", WIRESHARK_COLOURS["ink"], WIRESHARK_COLOURS["http"]
    ),
    ColouringRule(
        "TCP SYN/FIN",
        "tcp.flags.syn == 1 || tcp.flags.fin == 1",
        WIRESHARK_COLOURS["ink"],
        WIRESHARK_COLOURS["syn-fin"],
    ),
    ColouringRule("TCP", "tcp", WIRESHARK_COLOURS["ink"], WIRESHARK_COLOURS["tcp"]),
    ColouringRule("UDP", "udp", WIRESHARK_COLOURS["ink"], WIRESHARK_COLOURS["udp"]),
    ColouringRule(
        "Broadcast",
        "eth.dst == ff:ff:ff:ff:ff:ff",
        WIRESHARK_COLOURS["broadcast-text"],
        WIRESHARK_COLOURS["broadcast"],
    ),
)
