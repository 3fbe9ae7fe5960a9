"""A host's route decision, longest prefix match, and IPv6 on the link (link-local, ND, RA).

Part of :mod:`netcourse.cidr` (import from there). Taught in notebooks/03-cidr-and-subnets.ipynb;
``route_decision`` and ``longest_prefix_match`` come back in the VPC and journey lessons.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from netcourse.cidr.addresses import _network, _text
from netcourse.errors import AddressError, quote
from netcourse.readers import read_int, read_interface, read_mac

__all__ = [
    "LINK_LOCAL_PREFIX",
    "Frame",
    "HostRoute",
    "link_local",
    "longest_prefix_match",
    "route_decision",
    "router_advertisement",
    "solicited_node",
]

#: Every IPv6 interface has an address in this prefix, valid on its own link only (RFC 4291
#: §2.5.6); a router's address here is what hosts use as their default gateway (RFC 4861).
LINK_LOCAL_PREFIX = "fe80::/10"


def link_local(mac: str) -> str:
    """The link-local address an interface makes from its MAC address (modified EUI-64).

    RFC 4291 appendix A: ff:fe goes between the MAC's halves and the universal/local bit (0x02
    of the first byte) flips; the result follows ``fe80::`` (RFC 4862 §5.3). Linux does this
    when an interface comes up (``addr_gen_mode`` eui64, its default).

    >>> link_local("02:00:5e:00:00:0a")
    'fe80::5eff:fe00:a'
    >>> from netcourse.cidr import subnet
    >>> subnet(link_local("52:54:00:12:34:56")).scope
    'link-local'
    """
    octets = bytes.fromhex(_mac(mac).replace(":", ""))
    iid = bytes([octets[0] ^ 0x02]) + octets[1:3] + b"\xff\xfe" + octets[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))


def solicited_node(address: str) -> str:
    """The solicited-node multicast group a Neighbor Solicitation for ``address`` goes to.

    IPv6 has no broadcast, so instead of ARP's "who has" to everyone, Neighbor Discovery asks
    the group ``ff02::1:ff`` + the address's last 24 bits (RFC 4291 §2.7.1, RFC 4861 §7.2.2).

    >>> solicited_node("fd00::2"), solicited_node("2001:db8::5eff:fe00:a")
    ('ff02::1:ff00:2', 'ff02::1:ff00:a')
    """
    ip = read_interface(_text(address)).ip
    if ip.version != 6:
        raise AddressError(
            f"{quote(address)}: solicited-node groups are IPv6; IPv4 asks with ARP instead"
        )
    group = int(ipaddress.IPv6Address("ff02::1:ff00:0")) | (int(ip) & 0xFFFFFF)
    return str(ipaddress.IPv6Address(group))


def router_advertisement(router_mac: str, prefix: str, lifetime: int = 1800) -> bytes:
    """The bytes of a Router Advertisement (RFC 4861 §4.2) a router sends to all nodes.

    From the router's link-local address to ``ff02::1``, hop limit 255, with the router's MAC
    and ``prefix`` (a /64, on-link and for address autoconfiguration). A host takes the
    source address as its default gateway. Built with scapy; dissect it with
    :func:`netcourse.packets.dissect`. Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> from netcourse.packets import dissect
    >>> ra = dissect(router_advertisement("02:00:5e:00:00:01", "2001:db8:1::/64"))
    >>> ra.summary
    'Ether / IPv6 / ICMPv6ND_RA / ICMPv6NDOptSrcLLAddr / ICMPv6NDOptPrefixInfo'
    >>> ra["IPv6"]["src"].value, ra["IPv6"]["dst"].value
    ('fe80::5eff:fe00:1', 'ff02::1')
    """
    mac = _mac(router_mac)
    net = _network(prefix)
    if net.version != 6 or net.prefixlen != 64:
        raise AddressError(
            f"{quote(prefix)}: a Router Advertisement's prefix for autoconfiguration is an "
            "IPv6 /64, such as '2001:db8:1::/64'"
        )
    seconds = read_int(lifetime, what="router lifetime", low=0, error=AddressError)
    if seconds > 9000:
        raise AddressError(f"lifetime {seconds}: a router lifetime is 0-9000 seconds")
    logging.getLogger("scapy").setLevel(logging.ERROR)  # before import: no warnings on stderr
    # scapy takes a second to load: only this function builds packets, the rest is arithmetic
    from scapy.layers.inet6 import (
        ICMPv6ND_RA,
        ICMPv6NDOptPrefixInfo,
        ICMPv6NDOptSrcLLAddr,
        IPv6,
    )
    from scapy.layers.l2 import Ether  # scapy too, for the same reason

    packet = (
        Ether(src=mac, dst="33:33:00:00:00:01")
        / IPv6(src=link_local(mac), dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(chlim=64, prf=0, routerlifetime=seconds)
        / ICMPv6NDOptSrcLLAddr(lladdr=mac)
        / ICMPv6NDOptPrefixInfo(prefix=str(net.network_address), prefixlen=64, L=1, A=1)
    )
    return bytes(packet)


@dataclass(frozen=True)
class HostRoute:
    """What a host does with a packet: deliver it directly, or hand it to its gateway.

    The host's own decision, made from its interface and gateway (what :func:`route_decision`
    returns); a VPC route table's lookup is :class:`netcourse.vpc.RouteDecision`.
    """

    interface: str
    network: str
    destination: str
    gateway: str | None
    direct: bool
    next_hop: str | None
    explanation: str

    def frame(self, src_mac: str, macs: Mapping[str, str]) -> Frame:
        """The Ethernet and IP addresses of the frame the host sends, given known MACs.

        ``macs`` maps IP addresses to MAC addresses (what ARP would answer).

        >>> decision = route_decision("10.0.1.7/24", "10.0.2.13", gateway="10.0.1.1")
        >>> decision.frame("02:00:00:00:01:07", {"10.0.1.1": "02:00:00:00:01:01"})
        Frame(eth_src='02:00:00:00:01:07', eth_dst='02:00:00:00:01:01', ip_src='10.0.1.7', \
ip_dst='10.0.2.13')
        """
        if self.next_hop is None:
            raise AddressError(f"no route to {self.destination}: no frame is sent")
        if self.next_hop not in macs:
            raise AddressError(
                f"no MAC known for {self.next_hop}: ARP would ask 'who has {self.next_hop}?'"
            )
        return Frame(
            eth_src=_mac(src_mac),
            eth_dst=_mac(macs[self.next_hop]),
            ip_src=self.interface.split("/")[0],
            ip_dst=self.destination,
        )


@dataclass(frozen=True)
class Frame:
    """Addresses in a frame's headers: Ethernet and IP, each source and destination."""

    eth_src: str
    eth_dst: str
    ip_src: str
    ip_dst: str


def _mac(text: str) -> str:
    return read_mac(text, error=AddressError)


def route_decision(interface: str, destination: str, gateway: str | None = None) -> HostRoute:
    """Decide, as the host with ``interface`` (address/prefix) would, where a packet goes next.

    Same subnet: resolve the destination's own MAC (ARP, or neighbour discovery in IPv6) and
    send it the frame. Otherwise: resolve the gateway's MAC and send the frame there, with the
    destination IP unchanged. Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> inside = route_decision("10.0.1.7/24", "10.0.1.13", gateway="10.0.1.1")
    >>> inside.direct, inside.next_hop
    (True, '10.0.1.13')
    >>> outside = route_decision("10.0.1.7/24", "10.0.2.9", gateway="10.0.1.1")
    >>> outside.direct, outside.next_hop
    (False, '10.0.1.1')

    In IPv6 the gateway is usually the router's link-local address, learned from its Router
    Advertisements (RFC 4861 §6.3.4):

    >>> route_decision("2001:db8:1::7/64", "2001:db8:9::1", gateway="fe80::5eff:fe00:1").next_hop
    'fe80::5eff:fe00:1'
    """
    iface = read_interface(_text(interface))
    dest = read_interface(_text(destination)).ip
    net = iface.network
    resolve = "ARP" if net.version == 4 else "neighbour discovery"
    gw = None
    if gateway is not None:
        gw = read_interface(_text(gateway)).ip
        on_link = gw.version == 6 == net.version and gw in _network(LINK_LOCAL_PREFIX)
        if gw.version != net.version or not (gw in net or on_link):
            link = " (or, in IPv6, a link-local fe80:: address)" if net.version == 6 else ""
            raise AddressError(
                f"gateway {gw} is not inside {net}, the interface's network: a host can only "
                f"reach a gateway on its own subnet{link}"
            )
    if dest.version != net.version:
        raise AddressError(
            f"{dest} is IPv{dest.version} but the interface {iface} is IPv{net.version}"
        )
    base = dict(interface=str(iface), network=str(net), destination=str(dest))
    gateway_text = None if gw is None else str(gw)
    if dest in net:
        return HostRoute(
            **base,
            gateway=gateway_text,
            direct=True,
            next_hop=str(dest),
            explanation=(
                f"{dest} is inside {net}, the interface's own network, so the host uses "
                f"{resolve} to find {dest}'s MAC address and sends the frame straight to it; "
                "no router is involved."
            ),
        )
    if gw is None:
        return HostRoute(
            **base,
            gateway=None,
            direct=False,
            next_hop=None,
            explanation=(
                f"{dest} is outside {net} and no gateway is configured, so the host has no "
                "route: the send fails with 'network is unreachable'."
            ),
        )
    return HostRoute(
        **base,
        gateway=gateway_text,
        direct=False,
        next_hop=str(gw),
        explanation=(
            f"{dest} is outside {net}, so the host uses {resolve} to find the gateway {gw}'s "
            f"MAC address and sends it the frame; the packet's destination IP stays {dest} "
            "(only the frame's destination MAC is the gateway's; nothing is NATed)."
        ),
    )


def longest_prefix_match(
    routes: Mapping[str, object] | Iterable[tuple[str, object]], destination: str
) -> tuple[str, object] | None:
    """The most specific route containing ``destination``, as ``(route, target)``, or None.

    ``routes`` is a mapping or pairs ``(cidr, target)``; the route is returned as written.
    Among equally specific routes the first wins. Taught in notebooks/03-cidr-and-subnets.ipynb;
    used again by the VPC and journey lessons.

    >>> table = {"0.0.0.0/0": "igw", "10.0.0.0/16": "local", "10.0.2.0/24": "vpn"}
    >>> longest_prefix_match(table, "10.0.2.9"), longest_prefix_match(table, "10.0.9.9")
    (('10.0.2.0/24', 'vpn'), ('10.0.0.0/16', 'local'))
    >>> longest_prefix_match({"10.0.0.0/8": "a"}, "192.0.2.1") is None
    True
    """
    pairs = routes.items() if isinstance(routes, Mapping) else routes
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise AddressError(
            f"{quote(routes)}: expected routes as a dict or (cidr, target) pairs, such as "
            "{'0.0.0.0/0': 'igw'}"
        )
    dest = read_interface(_text(destination)).ip
    best: tuple[str, object] | None = None
    best_len = -1
    for number, pair in enumerate(pairs, 1):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise AddressError(f"route {number} {quote(pair)}: expected a pair (cidr, target)")
        cidr, target = pair
        net = _network(cidr)
        if net.version == dest.version and net.prefixlen > best_len and dest in net:
            best, best_len = (cidr, target), net.prefixlen
    return best
