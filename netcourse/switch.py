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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from netcourse.errors import PacketError

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


def normalize_mac(mac: Any) -> str:
    """A MAC address in lower-case colon form, read with netaddr.

    >>> normalize_mac("02-00-5E-00-00-0A")
    '02:00:5e:00:00:0a'
    """
    import netaddr

    try:
        eui = netaddr.EUI(str(mac).strip())
    except (netaddr.AddrFormatError, TypeError, ValueError):
        raise PacketError(
            f"{mac!r}: not a MAC address; expected six hex pairs like '02:00:5e:00:00:0a'"
        ) from None
    if eui.version != 48:
        raise PacketError(f"{mac!r}: a 64-bit EUI; Ethernet MAC addresses have 48 bits")
    eui.dialect = netaddr.mac_unix_expanded
    return str(eui)


def is_group(mac: str) -> bool:
    """True for broadcast and multicast addresses (the I/G bit, lowest bit of the 1st byte).

    >>> is_group("ff:ff:ff:ff:ff:ff"), is_group("01:00:5e:00:00:fb"), is_group("02:00:00:00:00:01")
    (True, True, False)
    """
    return bool(int(normalize_mac(mac)[:2], 16) & 1)


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
        rows = (
            "".join(
                f"<tr><td>{e.vlan}</td><td><code>{escape(e.mac)}</code></td><td>{e.port}</td></tr>"
                for e in self.entries
            )
            or '<tr><td colspan="3"><i>empty</i></td></tr>'
        )
        return (
            '<table class="netcourse-fdb"><thead><tr><th>VLAN</th><th>MAC</th><th>port</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )


@dataclass(frozen=True)
class Decision:
    """What the switch did with one frame, and the table afterwards.

    ``out_ports`` lists where copies went; ``tagged`` the subset of those that are trunks (the
    copy there carries an 802.1Q tag with ``vlan``). ``learned`` is the new or moved entry.
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

    Frames enter with :meth:`send` (addresses) or :meth:`receive` (the bytes of a real
    frame). Each returns a frozen :class:`Decision`; :attr:`table` is the forwarding table.

    >>> sw = Switch(3)
    >>> sw.send(1, "02:00:00:00:00:01", BROADCAST).out_ports
    (2, 3)
    """

    def __init__(
        self, ports: int | Mapping[int, PortSpec] = 4, ageing_time: float = AGEING_TIME
    ) -> None:
        if isinstance(ports, int) and not isinstance(ports, bool):
            if not 1 <= ports <= 64:
                raise PacketError(f"{ports} ports: expected 1-64 ports")
            ports = {n: 1 for n in range(1, ports + 1)}
        if not isinstance(ports, Mapping) or not ports:
            raise PacketError(
                f"{ports!r}: expected a port count or a mapping port -> VLAN (or tuple of VLANs)"
            )
        self._ports: dict[int, tuple[int, ...]] = {}
        self._trunks: set[int] = set()
        for port, spec in sorted(ports.items()):
            if not isinstance(port, int) or port < 1:
                raise PacketError(f"port {port!r}: expected a port number 1 or more")
            if isinstance(spec, tuple):
                vlans = tuple(_vlan(v) for v in spec)
                if not vlans:
                    raise PacketError(f"port {port}: a trunk needs at least one VLAN")
                self._trunks.add(port)
            else:
                vlans = (_vlan(spec),)
            self._ports[port] = vlans
        self.ageing_time = float(ageing_time)
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

    def vlans(self) -> tuple[int, ...]:
        """Every VLAN some port carries: each one is its own broadcast domain."""
        return tuple(sorted({v for vlans in self._ports.values() for v in vlans}))

    def members(self, vlan: int) -> tuple[int, ...]:
        """The ports in ``vlan``'s broadcast domain.

        >>> Switch({1: 10, 2: 20, 3: 10, 4: (10, 20)}).members(10)
        (1, 3, 4)
        """
        return tuple(p for p, vlans in self._ports.items() if int(vlan) in vlans)

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
        now = self._clock + 1.0 if at is None else float(at)
        if now < self._clock:
            raise PacketError(f"at={at}: time cannot go back (the switch is at {self._clock} s)")
        self._clock = now
        self._expire(now)

        frame_vlan, problem = self._ingress_vlan(port, vlan)
        if problem:
            return self._decide(port, src, dst, frame_vlan, "drop", (), None, problem)
        if is_group(src):
            why = "a source MAC is never a group address: the frame is invalid"
            return self._decide(port, src, dst, frame_vlan, "drop", (), None, why)

        learned = self._learn(frame_vlan, src, port, now)
        others = tuple(p for p in self.members(frame_vlan) if p != port)
        if is_group(dst):
            kind = "broadcast" if dst == BROADCAST else "multicast"
            why = f"{kind}: every other port in VLAN {frame_vlan} gets a copy"
            return self._decide(port, src, dst, frame_vlan, "flood", others, learned, why)
        entry = self._fdb.get((frame_vlan, dst))
        if entry is None:
            why = f"{dst} not in the table for VLAN {frame_vlan} yet: flood, as for a broadcast"
            return self._decide(port, src, dst, frame_vlan, "flood", others, learned, why)
        if entry.port == port:
            why = f"{dst} lives behind port {port}, where the frame came from: filtered"
            return self._decide(port, src, dst, frame_vlan, "filter", (), learned, why)
        why = f"{dst} was learned on port {entry.port} in VLAN {frame_vlan}"
        return self._decide(port, src, dst, frame_vlan, "forward", (entry.port,), learned, why)

    def receive(self, in_port: int, frame: bytes, at: float | None = None) -> Decision:
        """Put the bytes of a real Ethernet frame into ``in_port`` (802.1Q tag honoured).

        >>> from scapy.layers.l2 import Dot1Q, Ether
        >>> tagged = Ether(src="02:00:5e:00:00:0a", dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100)
        >>> Switch({1: (100,), 2: 100}).receive(1, bytes(tagged)).out_ports
        (2,)
        """
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.layers.l2 import Dot1Q, Ether

        if not isinstance(frame, (bytes, bytearray, memoryview)):
            raise PacketError(f"expected the frame's bytes, got {type(frame).__name__}")
        data = bytes(frame)
        if len(data) < 14:
            raise PacketError(f"{len(data)} bytes: an Ethernet header alone needs 14")
        pkt = Ether(data)
        vlan = int(pkt[Dot1Q].vlan) if Dot1Q in pkt else None
        return self.send(in_port, pkt.src, pkt.dst, vlan=vlan, at=at)

    def replay(self, frames: Iterable[tuple[int, str, str]]) -> tuple[Decision, ...]:
        """Send several ``(in_port, src, dst)`` frames in order; the decisions, in order."""
        return tuple(self.send(*item) for item in frames)

    # --- internals -------------------------------------------------------------------------

    def _port(self, in_port: Any) -> int:
        if in_port not in self._ports:
            known = ", ".join(map(str, self._ports))
            raise PacketError(f"port {in_port!r}: this switch has ports {known}")
        return int(in_port)

    def _ingress_vlan(self, port: int, tag: int | None) -> tuple[int, str]:
        vlans = self._ports[port]
        if port in self._trunks:
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

    def _decide(self, port, src, dst, vlan, action, out, learned, reason) -> Decision:
        tagged = tuple(p for p in out if p in self._trunks)
        return Decision(
            port, src, dst, vlan or None, action, out, tagged, learned, reason, self.table
        )


def _vlan(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PacketError(f"VLAN {value!r}: expected a whole number 1-4094")
    try:
        number = int(value)
    except ValueError:
        raise PacketError(f"VLAN {value!r}: expected a whole number 1-4094") from None
    if not 1 <= number <= 4094:
        raise PacketError(f"VLAN {value!r}: VLAN ids are 1-4094 (0 and 4095 are reserved)")
    return number


# --- a host's ARP table, for comparison ----------------------------------------------------


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
        """The ARP table host ``host`` (its IPv4 address) builds from these frames."""
        import ipaddress
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.layers.l2 import ARP, Ether

        try:
            me = str(ipaddress.IPv4Address(str(host).strip()))
        except ValueError:
            raise PacketError(f"{host!r}: expected the host's IPv4 address") from None
        cache: dict[str, str] = {}
        for data in frames:
            pkt = Ether(bytes(data))
            if ARP not in pkt:
                continue
            arp = pkt[ARP]
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
        rows = (
            "".join(
                f"<tr><td>{escape(e.ip)}</td><td><code>{escape(e.mac)}</code></td></tr>"
                for e in self.entries
            )
            or '<tr><td colspan="2"><i>empty</i></td></tr>'
        )
        return (
            f'<table class="netcourse-arp"><caption>ARP table of {escape(self.host)}</caption>'
            f"<thead><tr><th>IP</th><th>MAC</th></tr></thead><tbody>{rows}</tbody></table>"
        )


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
        import ipaddress

        spec = dict(DEFAULT_HOSTS if hosts is None else hosts)
        if not spec:
            raise PacketError("a LAN needs at least one host")
        self.hosts: dict[str, Host] = {}
        for name, value in spec.items():
            try:
                mac, ip, port = value
            except (TypeError, ValueError):
                raise PacketError(
                    f"host {name!r}: expected (mac, ip, port), got {value!r}"
                ) from None
            try:
                ip = str(ipaddress.IPv4Address(str(ip).strip()))
            except ValueError:
                raise PacketError(f"host {name!r}: {ip!r} is not an IPv4 address") from None
            self.hosts[str(name)] = Host(str(name), normalize_mac(mac), ip, port)
        if ports is None:
            ports = {n: 1 for n in range(1, max(h.port for h in self.hosts.values()) + 1)}
        self.switch = Switch(ports)
        for host in self.hosts.values():
            self.switch._port(host.port)  # validates: every host sits on a real port
        self._seen: dict[str, list[bytes]] = {name: [] for name in self.hosts}
        self.steps: list[LanStep] = []

    def host(self, name: str) -> Host:
        """The host called ``name``."""
        if name not in self.hosts:
            raise PacketError(f"{name!r}: no such host; the hosts are {', '.join(self.hosts)}")
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
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.layers.l2 import Ether

        src = self.host(sender)
        dst = BROADCAST if receiver == "broadcast" else self.host(receiver).mac
        pkt = Ether(src=src.mac, dst=dst, type=0x88B5)  # 0x88b5: local experimental EtherType
        what = f"frame {sender} -> {receiver}"
        return self.send(sender, bytes(pkt) + b"\x00" * 46, what)

    def ping(self, sender: str, receiver: str) -> tuple[LanStep, ...]:
        """What ``ping receiver`` on host ``sender`` puts on the wire, step by step."""
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.layers.inet import ICMP, IP
        from scapy.layers.l2 import ARP, Ether

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
