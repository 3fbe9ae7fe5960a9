"""The cloud side of the journey: the VPC (lesson 05) and the server's own iptables (lesson 04).

Every decision here comes from the earlier models: :meth:`netcourse.vpc.Vpc.reachability`
follows the connection through the internet gateway, its gateway route table if it has one
(else the VPC's local routing, :meth:`netcourse.vpc.Vpc.ingress_routing`), the subnet's network
ACL, the security group and, for the reply, the network ACL again and the subnet's route
table; each of its hops becomes
one event, with the component's table from the same model and the deciding row marked.
:class:`netcourse.firewall.Firewall` decides the instance's INPUT and OUTPUT chains, with
its connection tracking recognising the reply. This module builds the packet's bytes and
records the events.

Taught in notebooks/06-packet-journey.ipynb.
"""

from __future__ import annotations

from netcourse import firewall, vpc
from netcourse.errors import JourneyError, NetcourseError
from netcourse.journey import pdu
from netcourse.journey.events import Table, device_reads
from netcourse.vpc.resources import protocol_name

#: ``request`` and ``reply`` are the runner's hooks for the cloud side, not public.
__all__ = ["model", "public_ip", "KINDS", "DECIDERS"]

#: How each kind of hop of lesson 05's Path is shown: (event kind, figure node, OSI layer).
KINDS = {
    "internet-gateway": ("internet gateway", "internet gateway", 3),
    "network-acl": ("network ACL (stateless)", "network ACL", 4),
    "route-table": ("route table", "route table", 3),
    "security-group": ("security group (stateful)", "security group", 4),
    "instance": ("instance", "internet gateway", 3),
    "vpc": ("VPC", "internet gateway", 3),
}

#: Who decides at each kind of hop of lesson 05's path (its model: Vpc.reachability), in words.
DECIDERS = {
    "internet-gateway": "the internet gateway's address map",
    "network-acl": "the network ACL's rules",
    "route-table": "the subnet's route table",
    "security-group": "the security group's rules",
    "instance": "the VPC's instance data",
    "vpc": "the VPC's gateways",
}


def model(scenario):
    """The lesson 05 :class:`~netcourse.vpc.Vpc` of a scenario's VPC data.

    >>> from netcourse.journey import scenario
    >>> model(scenario("healthy")).instance("web").private_ip
    '10.0.1.10'
    """
    try:
        return vpc.Vpc.from_aws(scenario.vpc)
    except NetcourseError as exc:
        raise JourneyError(f"the scenario's VPC data cannot be read: {exc}") from exc


def public_ip(scenario) -> str:
    """The public IPv4 address of the scenario's server instance (what the laptop connects to).

    >>> from netcourse.journey import scenario
    >>> public_ip(scenario("healthy")) == model(scenario("healthy")).instance("web").public_ip
    True
    """
    inst = model(scenario).instance(scenario.server.instance)
    if not inst.public_ip:
        raise JourneyError(
            f"{scenario.server.instance!r} has no public IP: give the scenario a target= address "
            "for the laptop to connect to"
        )
    return inst.public_ip


# --- tables from the lesson 05 model -----------------------------------------------------------


def _acl_table(vpc, hop) -> Table:
    acl = vpc.network_acls.get(hop.component) or next(
        a for a in (vpc.nacl_for_subnet(s) for s in vpc.subnets) if a.acl_id == hop.component
    )
    entries = acl.rules(hop.direction)
    rows = tuple(
        (e.label, "all" if e.protocol == -1 else _proto(e.protocol), e.port_text, e.cidr, e.action)
        for e in entries
    )
    chosen = getattr(hop.detail, "entry", None)
    match = next((i for i, e in enumerate(entries) if e == chosen), None)
    if chosen is None:  # no entry matched: the '*' rule decided
        rows = rows + (("*", "all", "all", "0.0.0.0/0", "deny"),)
        match = len(rows) - 1
    way = "source" if hop.direction == "inbound" else "destination"
    return Table(
        f"network ACL {acl.acl_id} ({hop.direction})",
        ("rule", "proto", "ports", way, "action"),
        rows,
        match,
        f"ports checked: {_ports(hop.ports)}; rules in number order, first match decides",
    )


def _sg_table(vpc, hop, direction: str, stateful_reply: bool = False) -> Table:
    groups = vpc.security_groups_for(_eni(vpc, hop))
    rows, rules = [], []
    for group in groups:
        for rule in group.rules(direction):
            peers = ", ".join(rule.cidrs + rule.group_ids)
            rows.append(
                (group.group_id, _proto(rule.protocol), rule.port_text, peers, rule.description)
            )
            rules.append(rule)
    chosen = None if stateful_reply else getattr(hop.detail, "rule", None)
    match = next((i for i, r in enumerate(rules) if r == chosen), None) if chosen else None
    if not stateful_reply and not hop.allowed:  # no rule allowed it: the implicit deny decided
        rows.append(("(none)", "all", "all", "anywhere", "no rule allows it: denied"))
        match = len(rows) - 1
    note = (
        "not consulted: the reply belongs to a connection the security group already allowed"
        if stateful_reply
        else "all rules considered; allow rules only"
    )
    way = "source" if direction == "inbound" else "destination"
    columns = ("group", "proto", "ports", way, "description")
    return Table(f"security group rules ({direction})", columns, tuple(rows), match, note)


def _route_table(vpc, hop) -> Table:
    rtb = vpc.route_tables.get(hop.component)
    routes = rtb.routes if rtb is not None else ()
    rows = tuple((r.destination, r.target, r.state) for r in routes)
    chosen = getattr(hop.detail, "route", None)
    match = next((i for i, r in enumerate(routes) if r == chosen), None)
    title = f"route table {hop.component}"
    if rtb is not None and rtb.gateway_ids:
        title = f"gateway route table {hop.component} (edge: {', '.join(rtb.gateway_ids)})"
    return Table(
        title,
        ("destination", "target", "state"),
        rows,
        match,
        "longest prefix match",
    )


def _igw_table(vpc, private: str | None) -> Table:
    rows, match = [], None
    for eni in vpc.interfaces.values():
        if eni.public_ip:
            if eni.private_ip == private:
                match = len(rows)
            rows.append((eni.public_ip, eni.private_ip, eni.instance_id or eni.eni_id))
    return Table(
        "internet gateway address map (public ↔ private)",
        ("public IPv4", "private IPv4", "instance"),
        tuple(rows),
        match,
    )


def _eni(vpc, hop):
    addr = hop.dst if hop.direction == "inbound" else hop.src
    return vpc.endpoint(addr).interface


def _proto(number: int) -> str:
    return protocol_name(number)


def _ports(ports) -> str:
    if not ports:
        return "all"
    low, high = ports
    return str(low) if low == high else f"{low}-{high}"


# --- the request ---------------------------------------------------------------------------------


def _path(runner):
    """Ask lesson 05's model about the connection from the home router's public address."""
    sc, vpc = runner.sc, runner.st.vpc
    src = pdu.four_tuple(runner.st.frame)[0]
    try:
        vpc.endpoint(runner.target)
        dst = runner.target  # an address some interface has
    except NetcourseError:
        dst = sc.server.instance  # the address belongs to nobody now: ask about the instance
    if vpc.endpoint(dst).outside:
        dst = sc.server.instance
    return vpc.reachability(src, dst, port=sc.server.port, protocol="tcp")


def _hop_event(runner, hop) -> bool:
    """Record one hop of lesson 05's path as an event; False when it stopped the packet."""
    vpc = runner.st.vpc
    kind, node, layer = KINDS.get(hop.kind, (hop.kind, "internet gateway", 3))
    reads: tuple[str, ...] = ()
    rewrites: tuple[str, ...] = ()
    why = hop.reason
    if hop.kind == "internet-gateway":
        translation = hop.detail
        if translation is not None and translation.field == "destination":
            runner.st.frame = pdu.rewrite(
                runner.st.frame,
                dst=translation.after,
                src_mac=pdu.LINK_MACS["vpc router"],
                dst_mac=runner.sc.server.mac,
            )
            reads = ("IP.dst",)
            rewrites = ("IP.dst", "Ether.src", "Ether.dst", "IP.chksum", "TCP.chksum")
            table = _igw_table(vpc, translation.after)
        elif translation is not None:
            runner.st.frame = pdu.rewrite(
                runner.st.frame,
                src=translation.after,
                src_mac=pdu.LINK_MACS["aws edge"],
                dst_mac=pdu.LINK_MACS["transit router"],
            )
            reads = ("IP.src",)
            rewrites = ("IP.src", "Ether.src", "Ether.dst", "IP.chksum", "TCP.chksum")
            table = _igw_table(vpc, translation.before)
        else:
            table = _igw_table(vpc, None)
        decision = (
            f"rewrite {translation.field} {translation.before} → {translation.after}"
            if translation is not None and hop.allowed
            else "drop"
        )
    elif hop.kind == "network-acl":
        table = _acl_table(vpc, hop)
        decision = f"{'allow' if hop.allowed else 'DENY'} ({hop.rule})"
        reads = ("IP.src", "TCP.dport") if hop.direction == "inbound" else ("IP.dst", "TCP.dport")
    elif hop.kind == "security-group" and runner.st.segment != "SYN":
        # a later packet of a connection the group allowed: tracked, the rules are not read
        table = _sg_table(vpc, hop, hop.direction, stateful_reply=True)
        decision = "allow (tracked connection)"
        reads = device_reads("firewall (stateful packet filter)")
        why = (
            "Security groups are stateful: the SYN of this connection was allowed in, so its "
            "later packets are allowed as part of the tracked connection, without reading the "
            "rules again."
        )
    elif hop.kind == "security-group":
        table = _sg_table(vpc, hop, hop.direction)
        decision = f"{'allow' if hop.allowed else 'DENY'} ({hop.rule})"
        reads = device_reads("firewall (stateful packet filter)")
    elif hop.kind == "route-table":
        table = _route_table(vpc, hop)
        decision = f"{'route' if hop.allowed else 'NO ROUTE'}: {hop.rule}"
        reads = ("IP.dst",)
    else:  # the instance or the VPC itself stopped it (no public address, no gateway)
        table = _igw_table(vpc, None)
        decision = f"drop: {hop.code or 'blocked'}"
        reads = ("IP.dst",)
    runner.add(
        zone="vpc",
        device=hop.component,
        kind=kind,
        layer=layer,
        table=table,
        decision=decision,
        why=why,
        ok=hop.allowed,
        reads=reads,
        rewrites=rewrites,
        decided_by=DECIDERS.get(hop.kind, "the VPC"),
        node=node,
    )
    return hop.allowed


def _ingress_route(runner, igw_id: str) -> bool:
    """How the VPC routes the packet the internet gateway let in.

    With a gateway route table (an edge association on the internet gateway) the path's next
    hop is that table, recorded from lesson 05's path; without one the VPC's local routing
    delivers the packet to the instance's subnet, recorded here. The subnet's own route table
    routes only traffic leaving the subnet (the reply).
    """
    vpc = runner.st.vpc
    routing = vpc.ingress_routing(igw_id)
    if routing.gateway_ids:
        return True  # lesson 05's path holds the gateway route table's hop
    dst = pdu.four_tuple(runner.st.frame)[2]
    decision = routing.lookup(dst)
    match = next((i for i, r in enumerate(routing.routes) if r == decision.route), None)
    table = Table(
        f"VPC local routing (no gateway route table on {igw_id})",
        ("destination", "target", "state"),
        tuple((r.destination, r.target, r.state) for r in routing.routes),
        match,
        "longest prefix match",
    )
    subnet_id = vpc.endpoint(dst).interface.subnet_id if decision.forwarded else "the VPC"
    runner.add(
        zone="vpc",
        device="VPC router",
        kind="route table",
        layer=3,
        table=table,
        decision=f"route: {decision.route.describe()}" if decision.forwarded else "NO ROUTE",
        why=f"No route table is associated with {igw_id} (no gateway route table), so traffic "
        f"entering through it follows the VPC's local route: {dst} matches "
        + (decision.route.destination if decision.forwarded else "nothing")
        + f". The VPC is a routed network: the VPC router, not a switch, delivers the packet "
        f"to {dst} in {subnet_id}. (A gateway route table would decide here instead, e.g. to "
        "send it to an inspection appliance first.)",
        ok=decision.forwarded,
        reads=("IP.dst",),
        decided_by="the VPC's local routing",
        node="route table",
    )
    return decision.forwarded


def request(runner) -> None:
    """The VPC's hops for the request, the instance's INPUT chain, and the server's socket."""
    runner.st.vpc = model(runner.sc)
    path = _path(runner)
    runner.st.path = path
    for hop in path.hops:
        if hop.leg != "request":
            continue
        if not _hop_event(runner, hop):
            return
        if hop.kind == "internet-gateway" and not _ingress_route(runner, hop.component):
            return
    _host_input(runner)
    if runner.st.stopped is None:
        _accept(runner)


def _fw_packet(frame: bytes, flags: str):
    src, sport, dst, dport = pdu.four_tuple(frame)
    return firewall.Packet("tcp", src=src, dst=dst, sport=sport, dport=dport, flags=flags)


def _chain_table(verdict, chain: str, title: str) -> Table:
    rows, match = [], None
    for step in verdict.trace:
        if step.chain != chain and step.number is not None:
            continue
        number = "policy" if step.number is None else str(step.number)
        rows.append((step.chain, number, step.rule, "yes" if step.matched else "no"))
        if (step.chain, step.number) == (verdict.chain, verdict.rule_number):
            match = len(rows) - 1
    return Table(
        title,
        ("chain", "#", "rule", "matches"),
        tuple(rows),
        match,
        f"conntrack state of this packet: {verdict.state}",
    )


def _firewall():
    """Lesson 04's Firewall class."""
    return firewall.Firewall


def _flags(frame: bytes) -> str:
    return str(pdu.parse(frame)["TCP"].flags)


def _host_input(runner) -> None:
    sc = runner.sc
    if runner.st.firewall is None:
        runner.st.firewall = _firewall().from_iptables(sc.server.iptables)
    fw = runner.st.firewall
    runner.st.fw_packets.append((_fw_packet(runner.st.frame, _flags(runner.st.frame)), "INPUT"))
    verdict = fw.replay(runner.st.fw_packets).verdicts[-1]
    ok = verdict.action == "ACCEPT"
    first = runner.st.segment == "SYN"
    runner.add(
        zone="vpc",
        device=f"{sc.server.instance} iptables",
        kind="host firewall (stateful)",
        layer=4,
        table=_chain_table(verdict, "INPUT", f"iptables INPUT chain ({sc.server.instance})"),
        decision=f"{verdict.action} by {verdict.decided_by}",
        why=f"The instance's own firewall checks the packet in its INPUT chain after the security "
        f"group let it in: {verdict.decided_by} decides {verdict.action} for a packet in "
        f"conntrack state {verdict.state}"
        + (
            "; the SYN creates the connection's conntrack entry."
            if first
            else ", the connection the SYN opened."
        ),
        ok=ok,
        reads=device_reads("firewall (stateful packet filter)"),
        decided_by=f"the {sc.server.instance} server's iptables INPUT chain",
        node="instance",
    )


def _listening_table(runner, match: int | None) -> Table:
    sc = runner.sc
    four = pdu.four_tuple(runner.st.frame)
    state = "SYN-RECV" if runner.st.segment in ("SYN", "SYN-ACK") else "ESTABLISHED"
    inbound = runner.st.direction == "request"
    local, remote = (four[2:], four[:2]) if inbound else (four[:2], four[2:])
    rows = (
        ("tcp", f"0.0.0.0:{sc.server.port}", "*:*", "LISTEN"),
        ("tcp", f"{local[0]}:{local[1]}", f"{remote[0]}:{remote[1]}", state),
        ("tcp", "0.0.0.0:22", "*:*", "LISTEN"),
    )
    return Table(
        f"socket table ({sc.server.instance})", ("proto", "local", "remote", "state"), rows, match
    )


def _accept(runner) -> None:
    sc = runner.sc
    four = pdu.four_tuple(runner.st.frame)
    if runner.st.segment == "SYN":
        runner.add(
            zone="vpc",
            device=f"{sc.server.instance} server",
            kind="TCP (transport)",
            layer=4,
            table=_listening_table(runner, 0),
            decision=f"SYN to the listening socket {four[2]}:{four[3]}: answer SYN-ACK",
            why=f"The socket listening on port {sc.server.port} takes the SYN: the kernel keeps "
            f"a half-open connection (SYN-RECV) whose remote end is the router's public "
            f"{four[0]}:{four[1]}, never the laptop's private address, and answers with a "
            "SYN-ACK.",
            reads=("IP.src", "TCP.sport", "TCP.dport", "TCP.flags"),
            decided_by=f"the {sc.server.instance} server's socket table (lesson 01)",
            node="instance",
        )
        return
    runner.add(
        zone="vpc",
        device=f"{sc.server.instance} server",
        kind="server socket (application)",
        layer=7,
        table=_listening_table(runner, 1),
        decision=f"deliver to the server socket {four[2]}:{four[3]}",
        why=f"The connection accept() returned after the handshake reads the request; its "
        f"4-tuple has the router's public {four[0]}:{four[1]} as the remote end, never the "
        "laptop's private address.",
        reads=("IP.src", "TCP.sport", "TCP.dport", "Raw.load"),
        decided_by=f"the {sc.server.instance} server's socket table (lesson 01)",
        node="instance",
    )


# --- the reply -----------------------------------------------------------------------------------


def reply(runner) -> None:
    """The server's answer: its OUTPUT chain and conntrack, then the VPC's reply hops."""
    sc = runner.sc
    src, sport, dst, dport = pdu.four_tuple(runner.st.frame)
    syn_ack = runner.st.segment == "SYN-ACK"
    received = pdu.parse(runner.st.frame)["TCP"]
    payload = b"" if syn_ack else pdu.tls_record(sc.server.response)
    runner.st.frame = pdu.tcp_frame(
        src_mac=sc.server.mac,
        dst_mac=pdu.LINK_MACS["vpc router"],
        src=dst,
        dst=src,
        sport=dport,
        dport=sport,
        flags="SA" if syn_ack else "PA",
        seq=pdu.SERVER_ISN if syn_ack else pdu.SERVER_ISN + 1,
        ack=int(received.seq) + (1 if syn_ack else len(bytes(received.payload))),
        payload=payload,
        ip_id=4242 if syn_ack else 4243,
    )
    if syn_ack:
        runner.add(
            zone="vpc",
            device=f"{sc.server.instance} server",
            kind="TCP (transport)",
            layer=4,
            table=_listening_table(runner, 1),
            decision="send SYN-ACK",
            why=f"The server's kernel answers the SYN for the listening socket: SYN and ACK set, "
            f"its own initial sequence number ({pdu.SERVER_ISN}) and ack {int(received.seq) + 1}"
            ", the SYN's sequence number + 1; the 4-tuple is the SYN's mirrored, addressed to "
            "the router's public address and port.",
            reads=("TCP.seq", "TCP.ack", "TCP.flags", "TCP.sport", "TCP.dport"),
            decided_by=f"the {sc.server.instance} server's socket table (lesson 01)",
            node="instance",
        )
    else:
        first = sc.server.response.split(b"\r\n")[0].decode()
        runner.add(
            zone="vpc",
            device=f"{sc.server.instance} server",
            kind="server socket (application)",
            layer=7,
            table=_listening_table(runner, 1),
            decision=f"write {first!r} (in TLS) to the socket",
            why="The server answers on the accepted socket: the response's 4-tuple is the "
            "request's mirrored, addressed to the router's public address and port.",
            reads=("Raw.load", "TCP.sport", "TCP.dport"),
            decided_by="the application",
            node="instance",
        )
    _host_output(runner)
    if runner.st.stopped is not None:
        return
    path = runner.st.path
    request_sg = next((h for h in path.hops if h.kind == "security-group"), None)
    if request_sg is not None:
        vpc = runner.st.vpc
        runner.add(
            zone="vpc",
            device=request_sg.component,
            kind=KINDS["security-group"][0],
            layer=4,
            table=_sg_table(vpc, request_sg, "outbound", stateful_reply=True),
            decision="allow (reply of an allowed connection)",
            why="Security groups are stateful: the SYN was allowed in, so the connection's replies "
            "are allowed out without looking at the outbound rules.",
            reads=("IP.dst", "TCP.dport"),
            decided_by="the security group's connection tracking",
            node="security group",
        )
    for hop in path.hops:
        if hop.leg != "response":
            continue
        if not _hop_event(runner, hop):
            return


def _host_output(runner) -> None:
    sc = runner.sc
    fw = runner.st.firewall
    before = fw.replay(runner.st.fw_packets).table  # what conntrack knows when the reply leaves
    runner.st.fw_packets.append((_fw_packet(runner.st.frame, _flags(runner.st.frame)), "OUTPUT"))
    verdict = fw.replay(runner.st.fw_packets).verdicts[-1]
    src, sport, dst, dport = pdu.four_tuple(runner.st.frame)
    rows = tuple(
        (
            e.proto,
            f"{e.src}:{e.sport}",
            f"{e.dst}:{e.dport}",
            e.tcp_state or "",
            "" if e.seen_reply else "[UNREPLIED]",
        )
        for e in before
    )
    match = next(
        (
            i
            for i, e in enumerate(before)
            if (e.src, e.sport, e.dst, e.dport) == (dst, dport, src, sport)
        ),
        None,
    )
    runner.add(
        zone="vpc",
        device=f"{sc.server.instance} conntrack",
        kind="connection tracking (state)",
        layer=4,
        table=Table(
            f"conntrack table ({sc.server.instance})",
            ("proto", "original source", "original destination", "TCP state", "flag"),
            rows,
            match,
            "the reply is the original direction mirrored",
        ),
        decision=f"state {verdict.state}",
        why=f"The kernel's connection tracking finds the entry the SYN created, with source "
        f"and destination swapped, so it classifies the reply as {verdict.state} before any "
        "rule is read.",
        ok=True,
        reads=("IP.src", "IP.dst", "TCP.sport", "TCP.dport"),
        decided_by=f"the {sc.server.instance} server's conntrack table",
        node="instance",
    )
    table = _chain_table(verdict, "OUTPUT", f"iptables OUTPUT chain ({sc.server.instance})")
    runner.add(
        zone="vpc",
        device=f"{sc.server.instance} iptables",
        kind="host firewall (stateful)",
        layer=4,
        table=table,
        decision=f"{verdict.action} by {verdict.decided_by}",
        why=f"The OUTPUT chain drops by default, but conntrack recognises the reply of the "
        f"connection it saw come in (state {verdict.state}), and {verdict.decided_by} "
        "accepts it.",
        ok=verdict.action == "ACCEPT",
        reads=device_reads("firewall (stateful packet filter)"),
        decided_by=f"the {sc.server.instance} server's iptables OUTPUT chain",
        node="instance",
    )
