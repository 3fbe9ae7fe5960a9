"""NAT as netfilter does it: DNAT, SNAT, MASQUERADE and REDIRECT bind a connection's first
packet to new addresses and ports; later packets and replies are rewritten from the binding.

The choice of address and port follows net/netfilter/nf_nat_core.c: an address range is
picked by the kernel's hash of the addresses (``jhash2``), a port is kept unless it is out of
the range or another connection already answers on it (a clash). On a clash the kernel picks
a random free port, and with ``--random`` or ``--random-fully`` a random port always; this
model picks the first free one from the bottom of the range then (for a DNAT port range that
is what the kernel does too), so the port it shows for those is one the kernel may pick.
Taught in notebooks/04-firewalls.ipynb.

>>> from netcourse.firewall.conntrack import ConnTrack
>>> pkt = Packet("tcp", src="192.168.1.20", dst="203.0.113.9", sport=51000, dport=443)
>>> to = NatRange(lo=int(ipaddress.IPv4Address("198.51.100.7")))
>>> bind(pkt, to, manip="src", conntrack=ConnTrack()).describe()
'tcp 198.51.100.7:51000 -> 203.0.113.9:443 [S]'
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass

from netcourse.errors import RuleError, quote
from netcourse.firewall.conntrack import ConnTrack
from netcourse.firewall.packet import Packet, is_icmp_error
from netcourse.firewall.targets import split_nat_to
from netcourse.protocols import service_port

__all__ = ["NatRange", "nat_range", "bind", "translate", "jhash2", "pick_address"]

_MASK = 0xFFFFFFFF
#: The loopback address REDIRECT sends a machine's own packets to (nf_nat_redirect.c).
_LOOPBACK = {4: int(ipaddress.IPv4Address("127.0.0.1")), 6: int(ipaddress.IPv6Address("::1"))}


@dataclass(frozen=True)
class NatRange:
    """Where a NAT target maps a packet: an address range (None: keep the address) and a
    port range (None: keep the port unless it clashes); ``random`` as ``--random``."""

    lo: int | None = None
    hi: int | None = None
    port_lo: int | None = None
    port_hi: int | None = None
    random: bool = False
    persistent: bool = False

    def __post_init__(self) -> None:
        if self.lo is not None and self.hi is None:
            object.__setattr__(self, "hi", self.lo)
        if self.port_lo is not None and self.port_hi is None:
            object.__setattr__(self, "port_hi", self.port_lo)


def _rol(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def jhash2(words: list[int], initval: int) -> int:
    """Bob Jenkins' lookup3 hash of 32-bit words, as the kernel's ``jhash2()`` computes it.

    >>> jhash2([0, 0, 0, 0], 0) == jhash2([0, 0, 0, 0], 0), jhash2([1], 0) != jhash2([2], 0)
    (True, True)
    """
    a = b = c = (0xDEADBEEF + (len(words) << 2) + initval) & _MASK
    k = list(words)
    while len(k) > 3:
        a, b, c = (a + k[0]) & _MASK, (b + k[1]) & _MASK, (c + k[2]) & _MASK
        a = (a - c) & _MASK ^ _rol(c, 4)
        c = (c + b) & _MASK
        b = (b - a) & _MASK ^ _rol(a, 6)
        a = (a + c) & _MASK
        c = (c - b) & _MASK ^ _rol(b, 8)
        b = (b + a) & _MASK
        a = (a - c) & _MASK ^ _rol(c, 16)
        c = (c + b) & _MASK
        b = (b - a) & _MASK ^ _rol(a, 19)
        a = (a + c) & _MASK
        c = (c - b) & _MASK ^ _rol(b, 4)
        b = (b + a) & _MASK
        k = k[3:]
    if not k:
        return c
    if len(k) == 3:
        c = (c + k[2]) & _MASK
    if len(k) >= 2:
        b = (b + k[1]) & _MASK
    a = (a + k[0]) & _MASK
    c = (c ^ b) - _rol(b, 14) & _MASK
    a = (a ^ c) - _rol(c, 11) & _MASK
    b = (b ^ a) - _rol(a, 25) & _MASK
    c = (c ^ b) - _rol(b, 16) & _MASK
    a = (a ^ c) - _rol(c, 4) & _MASK
    b = (b ^ a) - _rol(a, 14) & _MASK
    c = (c ^ b) - _rol(b, 24) & _MASK
    return c


def _words(address: int, version: int, order: str) -> list[int]:
    """An address as the kernel's u32 words: ``order`` "little" as they sit in memory (the
    network bytes read on x86), "big" as ntohl() gives them."""
    size = 16 if version == 6 else 4
    raw = address.to_bytes(size, "big")
    return [int.from_bytes(raw[i : i + 4], order) for i in range(0, size, 4)]


def pick_address(pkt: Packet, lo: int, hi: int, *, manip: str, persistent: bool = False) -> int:
    """The address of ``lo``-``hi`` the kernel gives this packet (find_best_ips_proto()).

    The kernel hashes the source address (as four u32 words, IPv4's padded with zeros) with
    the destination's last word, then picks each word in turn: within the range's words while
    the words so far equal the range's top, over the whole word after that; the hash is
    mixed with each destination word (the new one when the destination is what changes).
    Once a word falls below the range's top word, the later words are drawn from their whole
    span, so an IPv6 range that crosses a word's end can yield an address outside it: the
    kernel does so too (measured in tests/firewall/test_kernel_router6.py).

    >>> p = Packet("udp", src="198.18.0.1", dst="198.18.1.1")
    >>> pick_address(p, 7, 7, manip="dst")
    7
    """
    if lo == hi:
        return lo
    version = pkt.version
    src = _words(pkt.src_int, version, "little")
    dst = _words(pkt.dst_int, version, "little")
    j = jhash2(src + [0] * (4 - len(src)), 0 if persistent else dst[-1])
    low, high = _words(lo, version, "big"), _words(hi, version, "big")
    chosen: list[int] = []
    full = False
    for i in range(len(low)):
        start, dist = (0, _MASK) if full else (low[i], (high[i] - low[i] + 1) & _MASK)
        word = (start + ((j * dist) >> 32)) & _MASK
        chosen.append(word)
        full = full or word != high[i]
        if manip == "dst":  # the tuple's destination word is the new one by now
            dst[i] = int.from_bytes(word.to_bytes(4, "big"), "little")
        if not persistent:
            j ^= dst[i]
    return int.from_bytes(b"".join(w.to_bytes(4, "big") for w in chosen), "big")


def _port_number(text: str) -> int:
    """A port of a NAT option: a number or a service name iptables resolves."""
    port = service_port(text, "tcp")
    return int(text) if port is None else port


def _addresses(value: str, version: int) -> tuple[int | None, int | None, int | None, int | None]:
    addresses, ports = split_nat_to(value, version)
    lo = hi = plo = phi = None
    if addresses:
        ends = [int(ipaddress.ip_address(a)) for a in addresses.split("-")]
        lo, hi = ends[0], ends[-1]
    if ports:
        ends = [_port_number(p) for p in ports.split("-")]
        plo, phi = ends[0], ends[-1]
    return lo, hi, plo, phi


def _scope(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address's scope as ipv6_addr_scope() sorts them (link-local or not)."""
    return "link" if address.is_link_local else ("host" if address.is_loopback else "global")


def nat_range(
    rule,
    pkt: Packet,
    *,
    interfaces: tuple[tuple[str, tuple[ipaddress.IPv4Interface, ...]], ...],
    hook: str,
) -> NatRange | None:
    """The range a NAT rule maps ``pkt`` to at ``hook``; None when MASQUERADE or REDIRECT
    finds no address on the interface (the kernel drops the packet then).

    MASQUERADE takes the out interface's address in the destination's subnet, else its first
    (primary) address; REDIRECT the in interface's first address (127.0.0.1 in OUTPUT); in
    IPv6 REDIRECT the first of the destination's scope (::1 in OUTPUT).
    """
    words = list(rule.target_options)
    flags = set(w for w in words if w in ("--random", "--random-fully", "--persistent"))
    values = dict(zip(words, words[1:]))
    random = bool(flags & {"--random", "--random-fully"})
    ports: tuple[int | None, int | None] = (None, None)
    if "--to-ports" in values:
        ends = [_port_number(p) for p in values["--to-ports"].split("-")]
        ports = (ends[0], ends[-1])
    if rule.target in ("DNAT", "SNAT"):
        option = "--to-destination" if rule.target == "DNAT" else "--to-source"
        lo, hi, plo, phi = _addresses(values[option], pkt.version)
        return NatRange(lo, hi, plo, phi, random=random, persistent="--persistent" in flags)
    names = dict(interfaces)
    if rule.target == "REDIRECT":
        if pkt.in_iface is None:
            loopback = _LOOPBACK[pkt.version]
            return NatRange(loopback, loopback, *ports, random=random)
        own = names.get(pkt.in_iface, ())
        if pkt.version == 6:  # nf_nat_redirect_ipv6(): the first of the destination's scope
            scope = _scope(ipaddress.ip_address(pkt.dst))
            own = tuple(a for a in own if _scope(a.ip) == scope)
        if not own:
            return None
        first = int(own[0].ip)
        return NatRange(first, first, *ports, random=random)
    if rule.target == "MASQUERADE":
        own = names.get(pkt.out_iface or "", ())
        if not own:
            return None
        dst = ipaddress.ip_address(pkt.dst)
        chosen = next(
            (a for a in own if dst in a.network and a.network.prefixlen < a.max_prefixlen),
            own[0],
        )
        return NatRange(int(chosen.ip), int(chosen.ip), *ports, random=random)
    raise RuleError(f"{quote(rule.target)} is not a NAT target")  # pragma: no cover


def _port_of(pkt: Packet, manip: str) -> int | None:
    """The port the manip may change: the source port (or ICMP id) or the destination port."""
    if pkt.is_icmp:  # ICMP in IPv4, ICMPv6 in IPv6: the echo id is the port
        return None if is_icmp_error(pkt.icmp_type, pkt.version) else pkt.icmp_id
    return pkt.sport if manip == "src" else pkt.dport


def _with(pkt: Packet, manip: str, address: int | None = None, port: int | None = None) -> Packet:
    changes: dict = {}
    if address is not None:
        kind = ipaddress.IPv6Address if pkt.version == 6 else ipaddress.IPv4Address
        changes["src" if manip == "src" else "dst"] = str(kind(address))
    if port is not None:
        if pkt.is_icmp:
            changes["icmp_id"] = port
        elif pkt.sport is not None:
            changes["sport" if manip == "src" else "dport"] = port
    return dataclasses.replace(pkt, **changes) if changes else pkt


def _in_range(pkt: Packet, to: NatRange, manip: str) -> bool:
    addr = pkt.src_int if manip == "src" else pkt.dst_int
    if to.lo is not None and not to.lo <= addr <= to.hi:
        return False
    port = _port_of(pkt, manip)
    return to.port_lo is None or port is None or to.port_lo <= port <= to.port_hi


def bind(pkt: Packet, to: NatRange, *, manip: str, conntrack: ConnTrack) -> Packet:
    """The first packet of a connection after a ``manip`` ("src" or "dst") binding to ``to``.

    As get_unique_tuple() does: a source already in the range is kept if no connection
    clashes; else a mapping the same source already has is reused; else an address is picked
    and the port kept unless it is out of range or clashes, when the first free port is taken.

    >>> from netcourse.firewall.conntrack import ConnTrack
    >>> pkt = Packet("tcp", src="198.18.0.1", dst="198.19.0.1", sport=40000, dport=80)
    >>> bind(pkt, NatRange(port_lo=8080), manip="dst", conntrack=ConnTrack()).dport
    8080
    """
    if manip == "src" and not to.random:
        if _in_range(pkt, to, manip):
            if not conntrack.taken(pkt):
                return pkt
        else:
            reused = _same_source(pkt, to, conntrack)
            if reused is not None:
                return reused
    chosen = pkt
    if to.lo is not None:
        address = pick_address(pkt, to.lo, to.hi, manip=manip, persistent=to.persistent)
        chosen = _with(pkt, manip, address)
    port = _port_of(chosen, manip)
    if not to.random:
        if to.port_lo is not None:
            if port is not None and to.port_lo <= port <= to.port_hi:
                if to.port_lo == to.port_hi or not conntrack.taken(chosen):
                    return chosen
        elif not conntrack.taken(chosen):
            return chosen
    return _free_port(chosen, to, manip, conntrack)


def _same_source(pkt: Packet, to: NatRange, conntrack: ConnTrack) -> Packet | None:
    """find_appropriate_src(): the mapping a connection from the same source already has."""
    for entry in conntrack.from_source(pkt):
        out = entry.translated or entry.pkt
        candidate = _with(pkt, "src", out.src_int, _port_of(out, "src"))
        if _in_range(candidate, to, "src") and not conntrack.taken(candidate):
            return candidate
    return None


def _free_port(pkt: Packet, to: NatRange, manip: str, conntrack: ConnTrack) -> Packet:
    """nf_nat_l4proto_unique_tuple(): a port of the range no connection answers on."""
    port = _port_of(pkt, manip)
    if port is None and not pkt.is_icmp:
        return pkt  # no ports (gre, esp ...): nothing to change
    if to.port_lo is not None:
        low, high = to.port_lo, to.port_hi
    elif pkt.is_icmp:
        low, high = 0, 65535
    elif manip == "dst":
        return pkt  # a destination's port is never changed unless a range is given
    elif port < 512:
        low, high = 1, 511
    elif port < 1024:
        low, high = 600, 1023
    else:
        low, high = 1024, 65535
    for candidate_port in range(low, high + 1):
        candidate = _with(pkt, manip, port=candidate_port)
        if not conntrack.taken(candidate):
            return candidate
    return _with(pkt, manip, port=low)  # every port taken: the kernel gives up (drops)


def translate(pkt: Packet, entry, direction: str, manip: str) -> Packet:
    """A later packet (or a reply) rewritten from its connection's binding at a ``manip``
    hook: the destination in PREROUTING and OUTPUT, the source in INPUT and POSTROUTING.

    An ICMP error about the connection has its quoted packet rewritten back too, as
    nf_nat_icmp_reply_translation() does: the other side of the quoted header, to what the
    error's receiver sent.
    """
    first = entry.pkt
    out = entry.translated or first
    if pkt.is_icmp and is_icmp_error(pkt.icmp_type, pkt.version):
        outer = _set(pkt, manip, _after(first, out, direction), ports=False)
        if pkt.inner is None:
            return outer
        other = "reply" if direction == "original" else "original"
        inner = _set(pkt.inner, "dst" if manip == "src" else "src", _before(first, out, other))
        return dataclasses.replace(outer, inner=inner)
    return _set(pkt, manip, _after(first, out, direction))


def _after(first: Packet, out: Packet, direction: str) -> tuple:
    """(src, sport, dst, dport) of a ``direction`` packet once NAT has rewritten it."""
    if direction == "original":
        return out.src_int, _port_of(out, "src"), out.dst_int, _port_of(out, "dst")
    return first.dst_int, _port_of(first, "dst"), first.src_int, _port_of(first, "src")


def _before(first: Packet, out: Packet, direction: str) -> tuple:
    """(src, sport, dst, dport) of a ``direction`` packet as its sender sent it."""
    if direction == "original":
        return first.src_int, _port_of(first, "src"), first.dst_int, _port_of(first, "dst")
    return out.dst_int, _port_of(out, "dst"), out.src_int, _port_of(out, "src")


def _set(pkt: Packet, manip: str, target: tuple, *, ports: bool = True) -> Packet:
    """``pkt`` with its ``manip`` side (address and port) taken from ``target``."""
    src, sport, dst, dport = target
    address, port = (src, sport) if manip == "src" else (dst, dport)
    return _with(pkt, manip, address, port if ports else None)
