"""Run a scenario: follow one connection through every device, one event per decision.

The connection opens as TCP does (lesson 01): the SYN crosses every device and creates the
state (the home router's NAT binding, the server's conntrack entry), the SYN-ACK comes back
through all of them, the laptop's ACK completes the handshake; then the HTTPS request and
its response cross the path again, finding that state. The segments are
:data:`netcourse.journey.events.SEGMENTS`.

Each device decides with the model of the lesson that teaches it: the laptop's route with
:func:`netcourse.cidr.route_decision`, the home switch with :class:`netcourse.switch.Switch`,
the routers' tables with :func:`netcourse.cidr.longest_prefix_match`, the VPC (internet
gateway, network ACL, route table, security group) with :class:`netcourse.vpc.Vpc`, and the
server's own iptables with :class:`netcourse.firewall.Firewall` and its conntrack. This module
only carries the packet between them, builds its bytes, and records what each one decided.
The home router's NAT is modelled in :mod:`netcourse.journey.home`.

Taught in notebooks/06-packet-journey.ipynb.

>>> from netcourse.journey.scenarios import scenario
>>> journey = run(scenario("healthy"))
>>> journey.delivered, journey.failed_at is None
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netcourse import cidr, switch
from netcourse.errors import AddressError, JourneyError, NetcourseError, quote
from netcourse.journey import home_switch, pdu, vpc_side
from netcourse.journey.events import SEGMENTS, Event, Journey, Table, device_reads
from netcourse.journey.fields import read_field, read_ipv4
from netcourse.journey.home import HomeHost, HomeRouter, NatEntry, NatTable, arp_answer, mask_bits

__all__ = ["run", "INTERNET_HOPS", "LAYERS"]

#: How many routers the internet part stands for (each decrements the TTL by one).
INTERNET_HOPS = 10

#: The OSI layer of each kind of step, declared once.
LAYERS = {
    "application": 7,
    "transport": 4,
    "network": 3,
    "arp": 2,
    "link": 2,
    #: NAT with port translation (NAPT, RFC 3022) rewrites addresses (3) and ports (4)
    "nat": (3, 4),
}

#: What a router changes in every packet it forwards.
_ROUTER_REWRITES = ("IP.ttl", "Ether.src", "Ether.dst", "IP.chksum")


@dataclass
class _State:
    """What the run carries from device to device."""

    frame: bytes = b""
    direction: str = "request"
    segment: str = "SYN"
    nat: NatTable = field(default_factory=NatTable)
    nat_entry: NatEntry | None = None
    lan: object = None
    vpc: object = None
    instance: object = None
    firewall: object = None
    fw_packets: list = field(default_factory=list)
    path: object = None
    events: list[Event] = field(default_factory=list)
    stopped: Event | None = None


class _Runner:
    def __init__(self, sc):
        self.sc = sc
        self.st = _State()
        self.laptop: HomeHost = sc.laptop
        self.router: HomeRouter = sc.router

    # --- recording ---------------------------------------------------------------------------

    def add(
        self,
        *,
        zone: str,
        device: str,
        kind: str,
        layer: int,
        table: Table | None,
        decision: str,
        why: str,
        ok: bool = True,
        reads: Iterable[str] = (),
        rewrites: Iterable[str] = (),
        decided_by: str = "",
        frame: bytes | None = None,
        node: str | None = None,
    ) -> Event:
        """Record one device's decision; a decision that is not ``ok`` stops the packet."""
        event = Event(
            step=len(self.st.events) + 1,
            direction=self.st.direction,
            zone=zone,
            device=device,
            kind=kind,
            layer=layer,
            pdu=self.st.frame if frame is None else frame,
            table=table,
            decision=decision,
            why=why,
            ok=ok,
            reads=tuple(reads),
            rewrites=tuple(rewrites),
            decided_by=decided_by,
            node=node or device,
            segment=self.st.segment,
        )
        self.st.events.append(event)
        if not ok:
            self.st.stopped = event
        return event

    # --- the request, on the home LAN ---------------------------------------------------------

    @property
    def target(self) -> str:
        return self.sc.target or self.server_public_ip()

    def server_public_ip(self) -> str:
        return vpc_side.public_ip(self.sc)

    def laptop_socket_table(self, state: str, match: int | None) -> Table:
        rows = (
            (
                "tcp",
                f"{self.laptop.ip}:{self.sc.client_port}",
                f"{self.target}:{self.sc.server.port}",
                state,
            ),
            ("udp", f"{self.laptop.ip}:5353", "*:*", "UNCONN"),
        )
        return Table("socket table (laptop)", ("proto", "local", "remote", "state"), rows, match)

    def segment_frame(self, flags: str, payload: bytes = b"", *, dst_mac: str) -> bytes:
        """The laptop's next segment of the connection, numbered after what was sent before."""
        sc = self.sc
        seq, ack = self.client_seq, (self.server_seq if "A" in flags else 0)
        self.client_seq += len(payload) + (1 if "S" in flags else 0)
        return pdu.tcp_frame(
            src_mac=self.laptop.mac,
            dst_mac=dst_mac,
            src=self.laptop.ip,
            dst=self.target,
            sport=sc.client_port,
            dport=sc.server.port,
            flags=flags,
            seq=seq,
            ack=ack,
            payload=payload,
            ip_id=self.next_ip_id(),
        )

    def next_ip_id(self) -> int:
        self.ip_id += 1
        return self.ip_id

    def app_connect(self) -> None:
        sc = self.sc
        # the next hop's MAC is not known until ARP has found it (step 4)
        self.st.frame = self.segment_frame("S", dst_mac=pdu.UNRESOLVED_MAC)
        self.add(
            zone="home",
            device="laptop",
            kind="browser (application)",
            layer=7,
            table=self.laptop_socket_table("SYN-SENT", 0),
            decision=f"connect() called to {self.target}:{sc.server.port}",
            why=f"The browser calls connect() on a new TCP socket to {self.target}:"
            f"{sc.server.port} (the address the DNS lookup gave). Before any of the request's "
            "bytes can go, the kernel opens the connection with TCP's three-way handshake; "
            "until it completes the socket is connecting (SYN-SENT), not yet connected.",
            reads=("IP.dst", "TCP.dport"),
            decided_by="the application",
        )

    def tcp_syn(self) -> None:
        four = pdu.four_tuple(self.st.frame)
        self.add(
            zone="home",
            device="laptop",
            kind="TCP (transport)",
            layer=4,
            table=self.laptop_socket_table("SYN-SENT", 0),
            decision=f"SYN {four[0]}:{four[1]} → {four[2]}:{four[3]}",
            why="TCP's first segment carries no data, only the SYN flag and the laptop's initial "
            f"sequence number ({pdu.CLIENT_ISN}); its ports come from the socket's 4-tuple: the "
            "source port is the laptop's ephemeral port, the destination the server's port.",
            reads=("TCP.sport", "TCP.dport", "TCP.seq", "TCP.flags"),
            decided_by="the laptop's socket (lesson 01)",
        )

    def laptop_established(self) -> None:
        four = pdu.four_tuple(self.st.frame)
        mine = (self.target, self.sc.server.port, self.laptop.ip, self.sc.client_port)
        ok = four == mine
        pkt = pdu.parse(self.st.frame)["TCP"]
        self.server_seq = int(pkt.seq) + 1
        self.add(
            zone="home",
            device="laptop",
            kind="TCP (transport)",
            layer=4,
            table=self.laptop_socket_table("ESTABLISHED" if ok else "SYN-SENT", 0 if ok else None),
            decision="SYN-ACK matches the socket: connect() returns" if ok else "no socket: RST",
            why=(
                f"The SYN-ACK's 4-tuple {four[0]}:{four[1]} → {four[2]}:{four[3]} mirrors the "
                f"connecting socket's and it acknowledges {int(pkt.ack)} (the SYN's sequence "
                "number + 1), so the socket is now ESTABLISHED and connect() returns: the NAT "
                "rewrite was undone exactly."
            )
            if ok
            else f"No socket has the 4-tuple {four}; the kernel answers with a reset.",
            ok=ok,
            reads=("IP.src", "TCP.sport", "IP.dst", "TCP.dport", "TCP.flags", "TCP.ack"),
            decided_by="the laptop's socket (lesson 01)",
        )

    def tcp_ack(self) -> None:
        self.st.frame = self.segment_frame("A", dst_mac=self.router.lan_mac)
        self.add(
            zone="home",
            device="laptop",
            kind="TCP (transport)",
            layer=4,
            table=self.laptop_socket_table("ESTABLISHED", 0),
            decision="ACK: the handshake is complete",
            why=f"The third segment acknowledges the server's SYN (ack {self.server_seq}). It "
            "crosses the same devices as the request that follows, and each of them finds the "
            "state the SYN created (the NAT binding, the conntrack entries); when it arrives "
            "the server's socket is ESTABLISHED too and accept() returns the connection.",
            reads=("TCP.seq", "TCP.ack", "TCP.flags"),
            decided_by="the laptop's socket (lesson 01)",
        )

    def app_request(self) -> None:
        sc = self.sc
        self.st.frame = self.segment_frame(
            "PA", pdu.tls_record(sc.server.request), dst_mac=self.router.lan_mac
        )
        first_line = sc.server.request.split(b"\r\n")[0].decode()
        self.add(
            zone="home",
            device="laptop",
            kind="browser (application)",
            layer=7,
            table=self.laptop_socket_table("ESTABLISHED", 0),
            decision=f"write {first_line!r} (in TLS) to the socket",
            why="The browser's HTTP request is encrypted by TLS into one application-data record "
            f"and written to the connected socket {self.laptop.ip}:{sc.client_port} → "
            f"{self.target}:{sc.server.port}; nobody on the path can read the request, and "
            "the kernel does everything below. (TLS's own handshake, its ClientHello first, "
            "comes before it on a real connection; the journey leaves it out, so the request "
            "is numbered as the first data after TCP's handshake.)",
            reads=("Raw.load",),
            decided_by="the application",
        )

    def tcp_request(self) -> None:
        four = pdu.four_tuple(self.st.frame)
        self.add(
            zone="home",
            device="laptop",
            kind="TCP (transport)",
            layer=4,
            table=self.laptop_socket_table("ESTABLISHED", 0),
            decision=f"segment {four[0]}:{four[1]} → {four[2]}:{four[3]}",
            why="TCP wraps the bytes in a segment of the connection the handshake opened, its "
            "sequence number counting the bytes sent so far; the route and the gateway's MAC "
            "are those the SYN found (the ARP table has it), so the frame goes straight out.",
            reads=("TCP.sport", "TCP.dport", "TCP.seq", "TCP.ack", "TCP.flags"),
            decided_by="the laptop's socket (lesson 01)",
        )

    def laptop_route(self) -> None:
        laptop = self.laptop
        try:
            decision = cidr.route_decision(laptop.interface, self.target, gateway=laptop.gateway)
        except AddressError as exc:  # the addresses are valid (checked first): a gateway off-link
            note = f"the default route via {laptop.gateway} cannot be installed"
            rows = ((laptop.interface, "connected (on-link)", "link"),)
            columns = ("destination", "next hop", "interface")
            table = Table("routing table (laptop)", columns, rows, None, note)
            self.add(
                zone="home",
                device="laptop",
                kind="IP (network)",
                layer=3,
                table=table,
                decision="no usable route",
                why=str(exc),
                ok=False,
                reads=("IP.dst",),
                decided_by="the laptop's routing table (lesson 03)",
            )
            return
        rows = [(decision.network, "connected (on-link)", "link")]
        if laptop.gateway:
            rows.append(("0.0.0.0/0", f"via {laptop.gateway}", "link"))
        if decision.direct:
            match = 0
        elif decision.next_hop is not None:
            match = 1
        else:
            match = None
        table = Table(
            "routing table (laptop)", ("destination", "next hop", "interface"), tuple(rows), match
        )
        ok = decision.next_hop is not None
        if decision.direct:
            verdict = f"on-link: ARP for {decision.next_hop} itself"
        elif ok:
            verdict = f"off-link: send to gateway {decision.next_hop}"
        else:
            verdict = "no route: network is unreachable"
        self.add(
            zone="home",
            device="laptop",
            kind="IP (network)",
            layer=3,
            table=table,
            decision=verdict,
            why=decision.explanation,
            ok=ok,
            reads=("IP.dst",),
            decided_by="the laptop's routing table (lesson 03)",
        )
        self.next_hop = decision.next_hop

    def home_lan(self):
        """Lesson 02's :class:`~netcourse.switch.Lan`: the hosts, the router's LAN side, the switch.

        The printer talked to the laptop earlier, so both already know each other.
        """
        sc = self.sc
        hosts = {
            sc.laptop.name: (sc.laptop.mac, sc.laptop.ip, sc.laptop.switch_port),
            sc.neighbour.name: (sc.neighbour.mac, sc.neighbour.ip, sc.neighbour.switch_port),
            "home router": (self.router.lan_mac, self.router.lan_ip, self.router.switch_port),
        }
        lan = switch.Lan(hosts, ports=max(port for _, _, port in hosts.values()))
        lan.ping(sc.neighbour.name, sc.laptop.name)
        return lan

    def arp_table(self, host: str, title: str, target: str) -> Table:
        """A host's ARP table (lesson 02's ArpTable), the row for ``target`` marked."""
        entries = self.st.lan.arp_table(host).entries
        rows = tuple((e.ip, e.mac) for e in entries)
        match = next((i for i, e in enumerate(entries) if e.ip == target), None)
        return Table(title, ("IP address", "MAC address"), rows, match)

    def laptop_arp(self) -> None:
        laptop, router = self.laptop, self.router
        hop = self.next_hop
        lan = self.st.lan = self.home_lan()
        request = pdu.arp_frame("who-has", laptop.mac, laptop.ip, hop)
        self.arp_request = lan.send(laptop.name, request, "ARP request")
        answer = arp_answer([self.sc.neighbour, laptop], router, hop)
        if answer is not None and answer[0] not in self.arp_request.delivered_to:
            answer = None  # the broadcast never reached it
        if answer is None:
            table = self.arp_table(laptop.name, "ARP table (laptop)", hop)
            table = Table(
                table.name,
                table.columns,
                table.rows + ((hop, "(incomplete)"),),
                None,
                "no reply to the request",
            )
            self.add(
                zone="home",
                device="laptop",
                kind="ARP",
                layer=2,
                table=table,
                decision=f"who has {hop}? no answer",
                why=f"The laptop believes {hop} is on its own LAN, so it broadcasts an ARP request "
                f"for it; but {hop} is not on this LAN and nobody (not even the router) answers "
                "for it, so the frame can never be addressed.",
                ok=False,
                reads=("ARP.pdst",),
                decided_by="the hosts on the LAN (ARP, lesson 02)",
                frame=request,
            )
            return
        name, mac = answer
        reply = pdu.arp_frame("is-at", mac, hop, laptop.ip, laptop.mac)
        lan.send(name, reply, "ARP reply")
        mac = lan.arp_table(laptop.name).mac_of(hop)
        self.add(
            zone="home",
            device="laptop",
            kind="ARP",
            layer=2,
            table=self.arp_table(laptop.name, "ARP table (laptop)", hop),
            decision=f"{hop} is-at {mac} ({name})",
            why=f"The next hop {hop} was not in the ARP table, so the laptop broadcast 'who has "
            f"{hop}?' and the {name} answered with its MAC; the frame's destination MAC is "
            "now the next hop's, while the IP destination stays the server's.",
            reads=("ARP.pdst",),
            rewrites=("Ether.dst",),
            decided_by="the laptop's ARP table (lesson 02)",
            frame=request,
        )
        self.st.frame = pdu.rewrite(self.st.frame, dst_mac=mac)

    def switch_request(self) -> None:
        home_switch.request(self)

    def router_request(self) -> None:
        router = self.router
        dst = pdu.four_tuple(self.st.frame)[2]
        routes = router.routes
        match = cidr.longest_prefix_match(routes, dst)
        if match is None:  # cannot happen with a default route, kept for custom routers
            self.add(
                zone="home",
                device="home router",
                kind="router",
                layer=3,
                table=Table("routing table (home router)", ("destination", "next hop"), routes),
                decision="no route: drop",
                why=f"No route in the home router contains {dst}.",
                ok=False,
                reads=("IP.dst",),
                decided_by="the home router's routing table",
            )
            return
        index = list(routes).index(match)
        ttl = pdu.parse(self.st.frame)["IP"].ttl
        self.st.frame = pdu.rewrite(
            self.st.frame, ttl=ttl - 1, src_mac=router.wan_mac, dst_mac=router.isp_mac
        )
        self.add(
            zone="home",
            device="home router",
            kind="router",
            layer=3,
            table=Table("routing table (home router)", ("destination", "next hop"), routes, index),
            decision=f"forward {match[1]}",
            why=f"The longest prefix containing {dst} is {match[0]}, so the router forwards the "
            f"packet out of its WAN side, decrementing the TTL to {ttl - 1} and writing new "
            "MAC addresses for the next link.",
            reads=device_reads("router"),
            rewrites=_ROUTER_REWRITES,
            decided_by="the home router's routing table",
        )

    def nat_out(self) -> None:
        router = self.router
        before = pdu.four_tuple(self.st.frame)
        first = self.st.nat_entry is None
        self.st.nat, entry = self.st.nat.outbound(before, router.wan_ip, router.nat_first_port)
        self.st.nat_entry = entry
        after = NatTable.translate_out(before, entry)
        self.st.frame = pdu.rewrite(self.st.frame, src=after[0], sport=after[1])
        if first:
            note = "entry created now, by the SYN"
            port = (
                "the port is kept: no other connection uses it"
                if after[1] == before[1]
                else f"the port moved: {before[1]} is taken or below the MASQUERADE range"
            )
            why = (
                f"{before[0]} is a private address the internet cannot answer, so the SYN, the "
                "connection's first packet, crosses the router's nat table (-A POSTROUTING -o "
                f"wan -p tcp -j MASQUERADE): the source becomes its public {after[0]}:{after[1]} "
                f"and conntrack records the binding ({port}), so the 4-tuple the server sees is "
                "not the one the laptop's socket has."
            )
            decided_by = "the home router's NAT table (its MASQUERADE rule)"
        else:
            note = "entry the SYN created: the nat rules are not read again"
            why = (
                "Only a connection's first packet crosses the nat table; this one belongs to the "
                "connection the SYN opened, so conntrack rewrites it with the same binding: "
                f"{before[0]}:{before[1]} → {after[0]}:{after[1]}."
            )
            decided_by = "the home router's NAT binding (conntrack)"
        self.add(
            zone="home",
            device="home router",
            kind="NAT",
            layer=LAYERS["nat"],
            table=self.st.nat.table(entry, note),
            decision=f"rewrite source {before[0]}:{before[1]} → {after[0]}:{after[1]}",
            why=why,
            reads=("IP.src", "TCP.sport"),
            rewrites=("IP.src", "TCP.sport", "IP.chksum", "TCP.chksum"),
            decided_by=decided_by,
        )

    def internet_routes(self) -> tuple[tuple[str, str], ...]:
        home = cidr.subnet(f"{self.router.wan_ip}/24").network
        cloud = cidr.subnet(f"{self.target}/24").network
        return (
            (home, "home ISP (AS64500)"),
            (cloud, "AWS region (AS16509)"),
            ("0.0.0.0/0", "transit provider"),
        )

    def internet(self) -> None:
        four = pdu.four_tuple(self.st.frame)
        dst = four[2]
        routes = self.internet_routes()
        match = cidr.longest_prefix_match(routes, dst)
        ttl = pdu.parse(self.st.frame)["IP"].ttl
        if self.st.direction == "request":  # the last router's link to AWS's border
            macs = dict(src_mac=pdu.LINK_MACS["transit router"], dst_mac=pdu.LINK_MACS["aws edge"])
        else:  # the ISP's router delivers to the home router's WAN side
            macs = dict(src_mac=self.router.isp_mac, dst_mac=self.router.wan_mac)
        self.st.frame = pdu.rewrite(self.st.frame, ttl=ttl - INTERNET_HOPS, **macs)
        self.add(
            zone="internet",
            device="internet",
            kind="routers",
            layer=3,
            table=Table(
                "BGP routes (internet)",
                ("prefix", "announced by"),
                routes,
                list(routes).index(match),
            ),
            decision=f"deliver to {match[1]}",
            why=f"Each router on the way forwards by the longest prefix containing {dst}, "
            f"{match[0]}, announced by {match[1]}; {INTERNET_HOPS} routers later the TTL is "
            f"{ttl - INTERNET_HOPS}. Only public addresses can be routed here.",
            reads=device_reads("router"),
            rewrites=_ROUTER_REWRITES,
            decided_by="the internet routers' BGP routes",
        )

    # --- the reply, back home --------------------------------------------------------------

    def nat_in(self) -> None:
        before = pdu.four_tuple(self.st.frame)
        entry = self.st.nat.inbound(before)
        if entry is None:
            self.add(
                zone="home",
                device="home router",
                kind="NAT",
                layer=LAYERS["nat"],
                table=self.st.nat.table(None),
                decision="no mapping: drop",
                why=f"No NAT entry has outside endpoint {before[2]}:{before[3]} and remote "
                f"{before[0]}:{before[1]}, so the router cannot know which inside host this is "
                "for and drops it.",
                ok=False,
                reads=("IP.dst", "TCP.dport"),
                decided_by="the home router's NAT table",
            )
            return
        after = NatTable.translate_in(before, entry)
        self.st.frame = pdu.rewrite(self.st.frame, dst=after[2], dport=after[3])
        self.add(
            zone="home",
            device="home router",
            kind="NAT",
            layer=LAYERS["nat"],
            table=self.st.nat.table(entry, "state kept since the SYN"),
            decision=f"rewrite destination {before[2]}:{before[3]} → {after[2]}:{after[3]}",
            why="The reply matches the NAT binding the SYN created (remote, outside address and "
            "port all equal), so the router undoes exactly that rewrite: stateful, it needs no "
            "rule for replies.",
            reads=("IP.src", "TCP.sport", "IP.dst", "TCP.dport"),
            rewrites=("IP.dst", "TCP.dport", "IP.chksum", "TCP.chksum"),
            decided_by="the home router's NAT binding (conntrack)",
        )

    def router_reply(self) -> None:
        router = self.router
        dst = pdu.four_tuple(self.st.frame)[2]
        match = cidr.longest_prefix_match(router.routes, dst)
        table = self.arp_table("home router", "ARP table (home router)", dst)
        table = Table(
            table.name, table.columns, table.rows, table.match, f"route {match[0]} ({match[1]})"
        )
        mac = self.st.lan.arp_table("home router").mac_of(dst)
        if mac is None:  # the router only knows hosts whose ARP frames reached it
            self.add(
                zone="home",
                device="home router",
                kind="router",
                layer=3,
                table=table,
                decision=f"who has {dst}? no answer",
                why=f"No host on the LAN answers for {dst}.",
                ok=False,
                reads=("IP.dst",),
                decided_by="the home router's ARP table",
            )
            return
        ttl = pdu.parse(self.st.frame)["IP"].ttl
        self.st.frame = pdu.rewrite(self.st.frame, ttl=ttl - 1, src_mac=router.lan_mac, dst_mac=mac)
        self.add(
            zone="home",
            device="home router",
            kind="router",
            layer=3,
            table=table,
            decision=f"deliver on the LAN to {mac}",
            why=f"{dst} is inside {match[0]}, the router's connected LAN, so it delivers the frame "
            f"directly: its ARP table, learned from the laptop's own ARP request, gives {mac}.",
            reads=device_reads("router"),
            rewrites=_ROUTER_REWRITES,
            decided_by="the home router's routing and ARP tables",
        )

    def switch_reply(self) -> None:
        home_switch.reply(self)

    def laptop_deliver(self) -> None:
        four = pdu.four_tuple(self.st.frame)
        mine = (self.target, self.sc.server.port, self.laptop.ip, self.sc.client_port)
        ok = four == mine
        self.add(
            zone="home",
            device="laptop",
            kind="TCP (transport)",
            layer=4,
            table=self.laptop_socket_table("ESTABLISHED", 0 if ok else None),
            decision="deliver to the browser's socket" if ok else "no socket: send RST",
            why=(
                f"The reply's 4-tuple {four[0]}:{four[1]} → {four[2]}:{four[3]} mirrors the "
                "socket's, so the kernel hands the bytes to the browser: the NAT rewrite was "
                "undone exactly."
            )
            if ok
            else f"No socket has the 4-tuple {four}; the kernel answers with a reset.",
            ok=ok,
            reads=("IP.src", "TCP.sport", "IP.dst", "TCP.dport", "Raw.load"),
            decided_by="the laptop's socket (lesson 01)",
        )

    # --- the whole run -------------------------------------------------------------------------

    def legs(self):
        """The steps of each segment, in order: the handshake, then the request and response."""
        cloud_in, cloud_out = (lambda: vpc_side.request(self)), (lambda: vpc_side.reply(self))
        home_in = (self.internet, self.nat_in, self.router_reply, self.switch_reply)
        out = (self.switch_request, self.router_request, self.nat_out, self.internet, cloud_in)
        return {
            "SYN": (
                self.app_connect,
                self.tcp_syn,
                self.laptop_route,
                self.laptop_arp,
                *out,
            ),
            "SYN-ACK": (cloud_out, *home_in, self.laptop_established),
            "ACK": (self.tcp_ack,),
            "HTTPS request": (self.app_request, self.tcp_request, *out),
            "HTTPS response": (cloud_out, *home_in, self.laptop_deliver),
        }

    def run(self) -> Journey:
        self.client_seq, self.server_seq, self.ip_id = pdu.CLIENT_ISN, 0, 6
        for segment, steps in self.legs().items():
            self.st.segment, self.st.direction = segment, SEGMENTS[segment]
            for step in steps:
                step()
                if self.st.stopped is not None:
                    break
            if self.st.stopped is not None:
                break
        events = tuple(self.st.events)
        delivered = self.st.stopped is None and events[-1].decision.startswith("deliver to the")
        return Journey(self.sc.name, events, delivered, self.st.stopped)


def run(scenario: Any) -> Journey:
    """Follow a scenario's connection through every device and record each decision: TCP's
    handshake (SYN, SYN-ACK, ACK), then the HTTPS request and its response."""
    if not all(hasattr(scenario, part) for part in ("laptop", "neighbour", "router", "server")):
        raise JourneyError(
            f"{quote(scenario)}: expected a Scenario, e.g. netcourse.journey.scenario('healthy')"
        )
    _check_addresses(scenario)
    try:
        return _Runner(scenario).run()
    except JourneyError:
        raise
    except NetcourseError as exc:  # e.g. an instance name the VPC data does not have
        raise JourneyError(f"scenario {quote(scenario.name)}: {exc}") from exc


def _check_addresses(scenario: Any) -> None:
    """Every address of the home network must be IPv4, named when it is not.

    A :class:`~netcourse.journey.Scenario` has read them already; this guards look-alikes.
    """
    checks = {
        "laptop_ip": scenario.laptop.ip,
        "laptop_gateway": scenario.laptop.gateway,
        "neighbour_ip": scenario.neighbour.ip,
        "router_lan_ip": scenario.router.lan_ip,
        "router_wan_ip": scenario.router.wan_ip,
        "target": getattr(scenario, "target", None),
    }
    for name, value in checks.items():
        if value is None and name in ("laptop_gateway", "target"):
            continue
        read_field(read_ipv4, value, name)
    read_field(mask_bits, scenario.laptop.netmask, "laptop_netmask")
