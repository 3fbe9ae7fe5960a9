"""A learning Ethernet switch with VLANs, and a host's ARP table to compare it with.

Taught in notebooks/02-osi-layers-and-packets.ipynb. A switch reads only layer 2: it learns
which port each *source* MAC address lives behind, forwards a frame whose destination it has
learned out of that one port, and floods everything else (broadcasts, multicasts, unknown
destinations) out of every other port in the frame's VLAN. Its forwarding table maps
(VLAN, MAC) to a port; it holds no IP address at all. A host's ARP table is a different
thing on a different device: it maps IP addresses to MAC addresses.

>>> sw = Switch({1: 10, 2: 10, 3: 10, 4: 20})
>>> sw.send(1, "02:00:00:00:00:01", "02:00:00:00:00:02").action
'flood'
>>> sw.send(2, "02:00:00:00:00:02", "02:00:00:00:00:01").out_ports
(1,)
>>> [(e.vlan, e.mac, e.port) for e in sw.table.entries]
[(10, '02:00:00:00:00:01', 1), (10, '02:00:00:00:00:02', 2)]
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netcourse.errors import PacketError, quote
from netcourse.html import Cell, Markup, table
from netcourse.readers import read_address, read_int, read_mac

__all__ = [
    "BROADCAST",
    "ACTIONS",
    "Entry",
    "ForwardingTable",
    "Decision",
    "Switch",
    "ArpEntry",
    "ArpTable",
    "Host",
    "LanStep",
    "Lan",
    "DEFAULT_HOSTS",
    "normalize_mac",
    "is_group",
]

#: The broadcast MAC address: every host on the VLAN receives it.
BROADCAST = "ff:ff:ff:ff:ff:ff"

#: What a switch can do with a frame, and why.
ACTIONS = {
    "forward": "destination learned: out of the one port it lives behind",
    "flood": "broadcast, multicast or unknown destination: out of every other port in the VLAN",
    "filter": "destination lives behind the port the frame came in on: nothing to send",
    "drop": "the frame cannot enter this port's VLAN (wrong tag, or a bad source address)",
}

#: Default seconds a learned entry lives without traffic from that source (Linux bridge: 300).
AGEING_TIME = 300.0
#: The most ports a switch here has.
MAX_PORTS = 64


def normalize_mac(mac: Any) -> str:
    """A MAC address in lower-case colon form (the course's one MAC reader).

    >>> normalize_mac("02-00-5E-00-00-0A")
    '02:00:5e:00:00:0a'
    >>> normalize_mac("12345")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.PacketError: '12345': not a MAC address; expected six hex pairs like ...
    """
    return read_mac(mac, error=PacketError)


def _seconds(value: Any, what: str) -> float:
    """A time in seconds: a finite number, 0 or more (NaN would stop ageing for good)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PacketError(f"{what}={quote(value)}: expected a number of seconds, 0 or more")
    seconds = float(value) if abs(value) < 1e300 else math.inf  # a huge int overflows a float
    if not math.isfinite(seconds) or seconds < 0:
        raise PacketError(f"{what}={quote(value)}: expected a finite number of seconds, 0 or more")
    return seconds


def is_group(mac: str) -> bool:
    """True for broadcast and multicast addresses (the I/G bit, lowest bit of the 1st byte).

    >>> is_group("ff:ff:ff:ff:ff:ff"), is_group("01:00:5e:00:00:fb"), is_group("02:00:00:00:00:01")
    (True, True, False)
    """
    return bool(int(normalize_mac(mac)[:2], 16) & 1)


def _code(text: str) -> Markup:
    return Markup("<code>{}</code>").format(text)


def _empty_row(columns: int) -> tuple[Cell]:
    """The one row of an empty table."""
    return (Cell(Markup("<i>empty</i>"), colspan=columns),)


@dataclass(frozen=True)
class Entry:
    """One learned forwarding-table entry: in this VLAN, this MAC is behind this port."""

    vlan: int
    mac: str
    port: int
    seen: float


@dataclass(frozen=True)
class ForwardingTable:
    """A snapshot of the switch's forwarding (MAC address) table: (VLAN, MAC) -> port."""

    entries: tuple[Entry, ...]

    def port_of(self, mac: str, vlan: int | None = None) -> int | None:
        """The port ``mac`` was learned on (in ``vlan``, if given), or None."""
        mac = normalize_mac(mac)
        for entry in self.entries:
            if entry.mac == mac and (vlan is None or entry.vlan == vlan):
                return entry.port
        return None

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        if not self.entries:
            return "forwarding table: empty"
        lines = [f"{'VLAN':<6}{'MAC':<19}port"]
        lines += [f"{e.vlan:<6}{e.mac:<19}{e.port}" for e in self.entries]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [(e.vlan, _code(e.mac), e.port) for e in self.entries] or [_empty_row(3)]
        return table(rows, header=("VLAN", "MAC", "port"), cls="netcourse-fdb")


@dataclass(frozen=True)
class Decision:
    """What the switch did with one frame, and the table afterwards.

    ``out_ports`` lists where copies went; ``tagged`` the subset of those that are trunks where
    ``vlan`` is not the native VLAN (the copy there carries an 802.1Q tag with ``vlan``; on a
    trunk whose native VLAN it is, it goes untagged). ``learned`` is the new or moved entry.
    """

    in_port: int
    src: str
    dst: str
    vlan: int | None
    action: str
    out_ports: tuple[int, ...]
    tagged: tuple[int, ...]
    learned: Entry | None
    reason: str
    table: ForwardingTable = field(repr=False)

    def __repr__(self) -> str:
        where = ", ".join(map(str, self.out_ports)) or "none"
        learned = (
            f"; learned {self.learned.mac} on port {self.learned.port}" if self.learned else ""
        )
        return (
            f"port {self.in_port}: {self.src} -> {self.dst} (VLAN {self.vlan}): "
            f"{self.action} to port(s) {where}{learned}"
        )


PortSpec = int | tuple[int, ...]


class Switch:
    """A learning switch; ``ports`` maps a port number to its access VLAN, or to a tuple of
    VLANs for an 802.1Q trunk port. ``Switch(4)`` is four ports, all in VLAN 1.

    ``native`` maps a trunk port to its native VLAN, one of the VLANs it carries: frames of
    that VLAN cross the trunk *untagged* (both switches must agree on it), and an untagged
    frame arriving there belongs to it. A trunk without one drops untagged frames.

    Frames enter with :meth:`send` (addresses) or :meth:`receive` (the bytes of a real
    frame). Each returns a frozen :class:`Decision`; :attr:`table` is the forwarding table.

    >>> sw = Switch(3)
    >>> sw.send(1, "02:00:00:00:00:01", BROADCAST).out_ports
    (2, 3)
    """

    def __init__(
        self,
        ports: int | Mapping[int, PortSpec] = 4,
        ageing_time: float = AGEING_TIME,
        native: Mapping[int, int] | None = None,
    ) -> None:
        if isinstance(ports, int) and not isinstance(ports, bool):
            if not 1 <= ports <= MAX_PORTS:
                raise PacketError(f"{quote(ports)} ports: expected 1-{MAX_PORTS} ports")
            ports = {n: 1 for n in range(1, ports + 1)}
        if not isinstance(ports, Mapping) or not ports:
            raise PacketError(
                f"{quote(ports)}: expected a port count or a mapping port -> VLAN "
                "(or a tuple of VLANs for a trunk)"
            )
        if len(ports) > MAX_PORTS:
            raise PacketError(f"{len(ports)} ports: a switch here has at most {MAX_PORTS}")
        self._ports: dict[int, tuple[int, ...]] = {}
        self._trunks: set[int] = set()
        for port in ports:
            if isinstance(port, bool) or not isinstance(port, int) or port < 1:
                raise PacketError(f"port {quote(port)}: expected a port number 1 or more")
        for port, spec in sorted(ports.items()):
            if isinstance(spec, tuple | list):
                vlans = tuple(_vlan(v) for v in spec)
                if not vlans:
                    raise PacketError(f"port {port}: a trunk needs at least one VLAN")
                self._trunks.add(port)
            else:
                vlans = (_vlan(spec),)
            self._ports[port] = vlans
        self._native = self._natives(native)
        self.ageing_time = _seconds(ageing_time, "ageing_time")
        self._fdb: dict[tuple[int, str], Entry] = {}
        self._clock = 0.0

    # --- configuration ---------------------------------------------------------------------

    @property
    def ports(self) -> dict[int, tuple[int, ...]]:
        """Port number -> the VLAN(s) it carries."""
        return dict(self._ports)

    @property
    def trunks(self) -> tuple[int, ...]:
        """The trunk (802.1Q tagged) ports."""
        return tuple(sorted(self._trunks))

    @property
    def native(self) -> dict[int, int]:
        """Trunk port -> its native VLAN, whose frames cross that trunk untagged."""
        return dict(self._native)

    def _natives(self, native: Any) -> dict[int, int]:
        if native is None:
            return {}
        if not isinstance(native, Mapping):
            raise PacketError(f"native={quote(native)}: expected a mapping trunk port -> VLAN")
        out = {}
        for port, vlan in native.items():
            if port not in self._trunks:
                raise PacketError(
                    f"native VLAN for port {quote(port)}: only a trunk port has one; "
                    f"trunks here: {', '.join(map(str, sorted(self._trunks))) or 'none'}"
                )
            number = _vlan(vlan)
            if number not in self._ports[port]:
                raise PacketError(
                    f"native VLAN {number} on port {port}: the trunk carries VLANs "
                    f"{', '.join(map(str, self._ports[port]))}, so it must be one of them"
                )
            out[port] = number
        return out

    def vlans(self) -> tuple[int, ...]:
        """Every VLAN some port carries: each one is its own broadcast domain."""
        return tuple(sorted({v for vlans in self._ports.values() for v in vlans}))

    def members(self, vlan: int) -> tuple[int, ...]:
        """The ports in ``vlan``'s broadcast domain.

        >>> Switch({1: 10, 2: 20, 3: 10, 4: (10, 20)}).members(10)
        (1, 3, 4)
        """
        wanted = _vlan(vlan)
        return tuple(p for p, vlans in self._ports.items() if wanted in vlans)

    @property
    def table(self) -> ForwardingTable:
        """The forwarding table now, sorted by VLAN, then MAC."""
        self._expire(self._clock)
        return ForwardingTable(tuple(sorted(self._fdb.values(), key=lambda e: (e.vlan, e.mac))))

    def clear(self) -> None:
        """Forget every learned address (as after a reboot)."""
        self._fdb.clear()
        self._clock = 0.0

    def __repr__(self) -> str:
        ports = ", ".join(
            f"{p}: {'trunk ' + '/'.join(map(str, v)) if p in self._trunks else f'VLAN {v[0]}'}"
            + (f" native {self._native[p]}" if p in self._native else "")
            for p, v in self._ports.items()
        )
        return f"Switch({ports}; {len(self._fdb)} learned)"

    # --- frames ----------------------------------------------------------------------------

    def send(
        self,
        in_port: int,
        src: str,
        dst: str,
        vlan: int | None = None,
        at: float | None = None,
    ) -> Decision:
        """Put a frame from ``src`` to ``dst`` into ``in_port``; ``vlan`` is its 802.1Q tag.

        ``at`` is the time in seconds (default: one second after the previous frame); entries
        not refreshed for ``ageing_time`` seconds are forgotten.
        """
        port = self._port(in_port)
        src, dst = normalize_mac(src), normalize_mac(dst)
        now = self._clock + 1.0 if at is None else _seconds(at, "at")
        if now < self._clock:
            raise PacketError(f"at={at}: time cannot go back (the switch is at {self._clock} s)")
        self._clock = now
        self._expire(now)

        frame_vlan, problem = self._ingress_vlan(port, vlan)
        if problem:
            return self._decide(
                port, src, dst, frame_vlan, action="drop", out=(), learned=None, reason=problem
            )
        if is_group(src):
            why = "a source MAC is never a group address: the frame is invalid"
            return self._decide(
                port, src, dst, frame_vlan, action="drop", out=(), learned=None, reason=why
            )

        learned = self._learn(frame_vlan, src, port, now)
        others = tuple(p for p in self.members(frame_vlan) if p != port)
        if is_group(dst):
            kind = "broadcast" if dst == BROADCAST else "multicast"
            why = f"{kind}: every other port in VLAN {frame_vlan} gets a copy"
            return self._decide(
                port, src, dst, frame_vlan, action="flood", out=others, learned=learned, reason=why
            )
        entry = self._fdb.get((frame_vlan, dst))
        if entry is None:
            why = f"{dst} not in the table for VLAN {frame_vlan} yet: flood, as for a broadcast"
            return self._decide(
                port, src, dst, frame_vlan, action="flood", out=others, learned=learned, reason=why
            )
        if entry.port == port:
            why = f"{dst} lives behind port {port}, where the frame came from: filtered"
            return self._decide(
                port, src, dst, frame_vlan, action="filter", out=(), learned=learned, reason=why
            )
        why = f"{dst} was learned on port {entry.port} in VLAN {frame_vlan}"
        return self._decide(
            port,
            src,
            dst,
            frame_vlan,
            action="forward",
            out=(entry.port,),
            learned=learned,
            reason=why,
        )

    def receive(self, in_port: int, frame: bytes, at: float | None = None) -> Decision:
        """Put the bytes of a real Ethernet frame into ``in_port`` (802.1Q tag honoured).

        >>> from scapy.layers.l2 import Dot1Q, Ether
        >>> tagged = Ether(src="02:00:5e:00:00:0a", dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100)
        >>> Switch({1: (100,), 2: 100}).receive(1, bytes(tagged)).out_ports
        (2,)
        """
        Ether, Dot1Q = _scapy_l2()[:2]
        if not isinstance(frame, bytes | bytearray | memoryview):
            raise PacketError(f"expected the frame's bytes, got {type(frame).__name__}")
        data = bytes(frame)
        if len(data) < 14:
            raise PacketError(f"{len(data)} bytes: an Ethernet header alone needs 14")
        pkt = Ether(data)
        vlan = int(pkt[Dot1Q].vlan) if Dot1Q in pkt else None
        return self.send(in_port, pkt.src, pkt.dst, vlan=vlan, at=at)

    def replay(self, frames: Iterable[tuple[int, str, str]]) -> tuple[Decision, ...]:
        """Send several ``(in_port, src, dst)`` frames in order; the decisions, in order."""
        if isinstance(frames, str | bytes) or not isinstance(frames, Iterable):
            raise PacketError(f"{quote(frames)}: expected a list of (in_port, src, dst) frames")
        decisions = []
        for number, item in enumerate(frames, 1):
            if not isinstance(item, tuple | list) or len(item) != 3:
                raise PacketError(f"frame {number} {quote(item)}: expected (in_port, src, dst)")
            decisions.append(self.send(*item))
        return tuple(decisions)

    # --- internals -------------------------------------------------------------------------

    def _port(self, in_port: Any) -> int:
        known = ", ".join(map(str, self._ports))
        try:
            port = read_int(in_port, what="port number", low=1, error=PacketError)
        except PacketError as exc:
            raise PacketError(f"{exc}; this switch has ports {known}") from None
        if port not in self._ports:
            raise PacketError(f"port {quote(in_port)}: this switch has ports {known}")
        return port

    def _ingress_vlan(self, port: int, tag: int | None) -> tuple[int, str]:
        vlans = self._ports[port]
        if port in self._trunks:
            if tag is None and port in self._native:
                return self._native[port], ""  # untagged on a trunk: the native VLAN's frame
            if tag is None:
                return 0, f"untagged frame on trunk port {port} (no native VLAN set): dropped"
            tag = _vlan(tag)
            if tag not in vlans:
                return tag, f"VLAN {tag} is not allowed on trunk port {port}: dropped"
            return tag, ""
        if tag is not None and _vlan(tag) != vlans[0]:
            return _vlan(tag), f"tagged VLAN {tag} on access port {port} (VLAN {vlans[0]}): dropped"
        return vlans[0], ""

    def _learn(self, vlan: int, mac: str, port: int, now: float) -> Entry | None:
        old = self._fdb.get((vlan, mac))
        entry = Entry(vlan, mac, port, now)
        self._fdb[(vlan, mac)] = entry
        return entry if old is None or old.port != port else None

    def _expire(self, now: float) -> None:
        for key, entry in list(self._fdb.items()):
            if now - entry.seen > self.ageing_time:
                del self._fdb[key]

    def _decide(
        self,
        port: int,
        src: str,
        dst: str,
        vlan: int,
        *,
        action: str,
        out: tuple[int, ...],
        learned: Entry | None,
        reason: str,
    ) -> Decision:
        return Decision(
            in_port=port,
            src=src,
            dst=dst,
            vlan=vlan or None,
            action=action,
            out_ports=out,
            tagged=tuple(p for p in out if p in self._trunks and self._native.get(p) != vlan),
            learned=learned,
            reason=reason,
            table=self.table,
        )


def _vlan(value: Any) -> int:
    try:
        number = read_int(value, what="VLAN id", error=PacketError)
    except PacketError:
        raise PacketError(
            f"VLAN {quote(value)}: expected a whole number 1-4094 (digits 0-9)"
        ) from None
    if not 1 <= number <= 4094:
        raise PacketError(f"VLAN {quote(value)}: VLAN ids are 1-4094 (0 and 4095 are reserved)")
    return number


def _scapy_l2():
    """scapy's Ether, Dot1Q and ARP, imported on first use (scapy is heavy), quietly."""
    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.l2 import ARP, Dot1Q, Ether  # scapy is heavy: loaded on first use

    return Ether, Dot1Q, ARP


# --- a host's ARP table, for comparison ----------------------------------------------------


def _ipv4(value: Any, what: str) -> ipaddress.IPv4Address:
    """An IPv4 address, or PacketError naming ``what`` was given instead."""
    try:
        address = read_address(value, error=PacketError)
    except PacketError as exc:
        raise PacketError(f"{what}: not an IPv4 address: {exc}") from None
    if address.version != 4:
        raise PacketError(f"{what}: {address} is not an IPv4 address (ARP is IPv4's)")
    return address


def _host_port(value: Any) -> int:
    return read_int(value, what="switch port", low=1, high=4096, error=PacketError)


def _part(name: Any, read, value: Any):
    """One part of a LAN host's spec, read by ``read``; errors name the host."""
    try:
        return read(value)
    except PacketError as exc:
        raise PacketError(f"host {quote(name)}: {exc}") from None


@dataclass(frozen=True)
class ArpEntry:
    """One ARP-cache entry on a host: this IP address is at this MAC address."""

    ip: str
    mac: str


@dataclass(frozen=True)
class ArpTable:
    """A host's ARP cache, IP -> MAC, as filled by the ARP replies (and requests) it sees.

    Build it from real frames with :meth:`from_frames`: a host learns the sender of every ARP
    request addressed to it and of every ARP reply it receives (RFC 826).

    >>> from scapy.layers.l2 import ARP, Ether
    >>> reply = Ether(src="02:00:5e:00:00:0b", dst="02:00:5e:00:00:0a") / ARP(
    ...     op=2, psrc="198.18.0.2", hwsrc="02:00:5e:00:00:0b", pdst="198.18.0.1")
    >>> ArpTable.from_frames([bytes(reply)], "198.18.0.1").mac_of("198.18.0.2")
    '02:00:5e:00:00:0b'
    """

    host: str
    entries: tuple[ArpEntry, ...]

    def mac_of(self, ip: str) -> str | None:
        """The MAC address cached for ``ip``, or None (the host would have to ask)."""
        for entry in self.entries:
            if entry.ip == ip:
                return entry.mac
        return None

    @classmethod
    def from_frames(cls, frames: Iterable[bytes], host: str) -> ArpTable:
        """The ARP table host ``host`` (its IPv4 address) builds from these frames.

        Only Ethernet/IPv4 ARP counts (hardware type 1, protocol 0x0800, 6- and 4-byte
        addresses), as in RFC 826; any other bytes are skipped, as a host's kernel skips them.
        """
        Ether, _, ARP = _scapy_l2()
        me = str(_ipv4(host, "host"))
        if isinstance(frames, str | bytes) or not isinstance(frames, Iterable):
            raise PacketError(f"{quote(frames)}: expected a list of frames (bytes)")
        cache: dict[str, str] = {}
        for number, data in enumerate(frames, 1):
            if not isinstance(data, bytes | bytearray | memoryview):
                raise PacketError(f"frame {number}: expected bytes, got {type(data).__name__}")
            pkt = Ether(bytes(data))
            if ARP not in pkt:
                continue
            arp = pkt[ARP]
            if (arp.hwtype, arp.ptype, arp.hwlen, arp.plen) != (1, 0x0800, 6, 4):
                continue
            if arp.op == 2 and arp.pdst == me:  # a reply to us
                cache[arp.psrc] = normalize_mac(arp.hwsrc)
            elif arp.op == 1 and arp.pdst == me and arp.psrc != me:  # asked about us
                cache[arp.psrc] = normalize_mac(arp.hwsrc)
        ordered = sorted(cache.items(), key=lambda item: ipaddress.IPv4Address(item[0]))
        return cls(me, tuple(ArpEntry(ip, mac) for ip, mac in ordered))

    def __repr__(self) -> str:
        if not self.entries:
            return f"ARP table of {self.host}: empty"
        lines = [f"ARP table of {self.host}", f"{'IP':<17}MAC"]
        lines += [f"{e.ip:<17}{e.mac}" for e in self.entries]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [(e.ip, _code(e.mac)) for e in self.entries] or [_empty_row(2)]
        caption = f"ARP table of {self.host}"
        return table(rows, header=("IP", "MAC"), caption=caption, cls="netcourse-arp")


# --- a small LAN: hosts with ARP tables behind one switch ----------------------------------


@dataclass(frozen=True)
class Host:
    """A host on the LAN: name, MAC and IPv4 address, and the switch port it is plugged into."""

    name: str
    mac: str
    ip: str
    port: int


@dataclass(frozen=True)
class LanStep:
    """One real frame on the LAN: what it is, the switch's decision, and who received it."""

    what: str
    frame: bytes
    decision: Decision
    delivered_to: tuple[str, ...]

    def __repr__(self) -> str:
        who = ", ".join(self.delivered_to) or "nobody"
        return f"{self.what}: {self.decision.action} -> {who}"


#: The default LAN: four hosts on a four-port switch (the MACs follow the shipped captures).
DEFAULT_HOSTS = {
    "A": ("02:00:5e:00:00:0a", "198.18.0.1", 1),
    "B": ("02:00:5e:00:00:0b", "198.18.0.2", 2),
    "C": ("02:00:5e:00:00:0c", "198.18.0.3", 3),
    "D": ("02:00:5e:00:00:0d", "198.18.0.4", 4),
}


class Lan:
    """Hosts behind one :class:`Switch`, exchanging real frames built with scapy.

    :meth:`ping` does what a host does: ARP for the destination's MAC if its ARP table lacks
    it (a broadcast), then send the ICMP echo request, and the destination answers. Each frame
    goes through the switch, so the switch's forwarding table (MAC -> port) and each host's ARP
    table (IP -> MAC) fill side by side.

    >>> lan = Lan()
    >>> [step.what for step in lan.ping("A", "B")]
    ['ARP request', 'ARP reply', 'ICMP echo request', 'ICMP echo reply']
    >>> lan.arp_table("A").mac_of("198.18.0.2"), lan.switch.table.port_of("02:00:5e:00:00:0b")
    ('02:00:5e:00:00:0b', 2)
    """

    def __init__(
        self,
        hosts: Mapping[str, tuple[str, str, int]] | None = None,
        ports: int | Mapping[int, PortSpec] | None = None,
    ) -> None:
        if hosts is not None and not isinstance(hosts, Mapping):
            raise PacketError(f"{quote(hosts)}: expected hosts as name -> (mac, ip, port)")
        spec = dict(DEFAULT_HOSTS if hosts is None else hosts)
        if not spec:
            raise PacketError("a LAN needs at least one host")
        self.hosts: dict[str, Host] = {}
        for name, value in spec.items():
            if not isinstance(value, tuple | list) or len(value) != 3:
                raise PacketError(
                    f"host {quote(name)}: expected (mac, ip, port), got {quote(value)}"
                )
            mac, ip, port = value
            self.hosts[str(name)] = Host(
                str(name),
                _part(name, normalize_mac, mac),
                _part(name, lambda v: str(_ipv4(v, "ip")), ip),
                _part(name, _host_port, port),
            )
        if ports is None:
            ports = {n: 1 for n in range(1, max(h.port for h in self.hosts.values()) + 1)}
        self.switch = Switch(ports)
        for host in self.hosts.values():  # every host sits on a real port
            _part(host.name, self.switch._port, host.port)
        self._seen: dict[str, list[bytes]] = {name: [] for name in self.hosts}
        self.steps: list[LanStep] = []

    def host(self, name: str) -> Host:
        """The host called ``name``."""
        if not isinstance(name, str) or name not in self.hosts:
            raise PacketError(f"{quote(name)}: no such host; the hosts are {', '.join(self.hosts)}")
        return self.hosts[name]

    def arp_table(self, name: str) -> ArpTable:
        """Host ``name``'s ARP table, from the ARP frames it has received."""
        return ArpTable.from_frames(self._seen[self.host(name).name], self.host(name).ip)

    def reset(self) -> None:
        """Empty the switch's table, every ARP table and the history."""
        self.switch.clear()
        self._seen = {name: [] for name in self.hosts}
        self.steps = []

    def send(self, sender: str, frame: bytes, what: str) -> LanStep:
        """Put the bytes of a frame from host ``sender`` through the switch; who receives it."""
        src = self.host(sender)
        decision = self.switch.receive(src.port, frame)
        dst = decision.dst
        got = []
        for host in self.hosts.values():
            if host.name == sender or host.port not in decision.out_ports:
                continue
            if dst == host.mac or is_group(dst):  # the NIC keeps frames meant for it
                got.append(host.name)
                self._seen[host.name].append(bytes(frame))
        step = LanStep(what, bytes(frame), decision, tuple(got))
        self.steps.append(step)
        return step

    def frame(self, sender: str, receiver: str) -> LanStep:
        """Send one plain Ethernet frame from ``sender`` to ``receiver`` (or "broadcast")."""
        Ether = _scapy_l2()[0]
        src = self.host(sender)
        dst = BROADCAST if receiver == "broadcast" else self.host(receiver).mac
        pkt = Ether(src=src.mac, dst=dst, type=0x88B5)  # 0x88b5: local experimental EtherType
        what = f"frame {sender} -> {receiver}"
        return self.send(sender, bytes(pkt) + b"\x00" * 46, what)

    def ping(self, sender: str, receiver: str) -> tuple[LanStep, ...]:
        """What ``ping receiver`` on host ``sender`` puts on the wire, step by step."""
        Ether, _, ARP = _scapy_l2()
        from scapy.layers.inet import ICMP, IP  # scapy is heavy: loaded on first use

        src, dst = self.host(sender), self.host(receiver)
        if src is dst:
            raise PacketError(f"{sender!r} pinging itself never reaches the switch")
        steps: list[LanStep] = []
        mac = self.arp_table(sender).mac_of(dst.ip)
        if mac is None:
            request = Ether(src=src.mac, dst=BROADCAST) / ARP(
                op=1, hwsrc=src.mac, psrc=src.ip, hwdst="00:00:00:00:00:00", pdst=dst.ip
            )
            steps.append(self.send(sender, bytes(request), "ARP request"))
            if receiver not in steps[-1].delivered_to:
                return tuple(steps)  # nobody answers: the target is in another broadcast domain
            reply = Ether(src=dst.mac, dst=src.mac) / ARP(
                op=2, hwsrc=dst.mac, psrc=dst.ip, hwdst=src.mac, pdst=src.ip
            )
            steps.append(self.send(receiver, bytes(reply), "ARP reply"))
            mac = self.arp_table(sender).mac_of(dst.ip)
            if mac is None:
                return tuple(steps)
        echo = Ether(src=src.mac, dst=mac) / IP(src=src.ip, dst=dst.ip) / ICMP(type=8, id=1, seq=1)
        steps.append(self.send(sender, bytes(echo), "ICMP echo request"))
        if receiver in steps[-1].delivered_to:
            back = self.arp_table(receiver).mac_of(src.ip) or src.mac
            answer = Ether(src=dst.mac, dst=back) / IP(src=dst.ip, dst=src.ip)
            answer = answer / ICMP(type=0, id=1, seq=1)
            steps.append(self.send(receiver, bytes(answer), "ICMP echo reply"))
        return tuple(steps)
