"""The runner (netcourse.journey.runner) asks the earlier lessons' models for every decision
and keeps no copies of them; the reply path uses the state the request left."""

import ast
import pathlib

import netcourse.cidr
import netcourse.firewall.chains
import netcourse.switch
import netcourse.vpc.model
import netcourse.vpc.routing
from netcourse.journey import NatTable, scenario
from netcourse.journey.pdu import four_tuple

JOURNEY = pathlib.Path(__file__).resolve().parents[2] / "netcourse" / "journey"


def _spy(monkeypatch, owner, name, calls):
    original = getattr(owner, name)

    def spy(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)


def test_every_earlier_model_is_called(monkeypatch):
    calls: list[str] = []
    _spy(monkeypatch, netcourse.cidr, "route_decision", calls)
    _spy(monkeypatch, netcourse.cidr, "longest_prefix_match", calls)
    _spy(monkeypatch, netcourse.switch.Switch, "receive", calls)
    _spy(monkeypatch, netcourse.switch.Lan, "arp_table", calls)
    _spy(monkeypatch, netcourse.firewall.chains.Firewall, "evaluate", calls)
    _spy(monkeypatch, netcourse.vpc.model.Vpc, "reachability", calls)
    _spy(monkeypatch, netcourse.vpc.routing.RouteTable, "lookup", calls)
    assert scenario("healthy").run().delivered
    assert set(calls) == {
        "route_decision",
        "longest_prefix_match",
        "receive",
        "evaluate",
        "reachability",
        "lookup",
        "arp_table",
    }


def test_route_decision_decides(monkeypatch):
    original = netcourse.cidr.route_decision

    def always_direct(interface, destination, gateway=None):
        decision = original(interface, destination, gateway=gateway)
        return type(decision)(**{**decision.__dict__, "direct": True, "next_hop": destination})

    monkeypatch.setattr(netcourse.cidr, "route_decision", always_direct)
    journey = scenario("healthy").run()
    assert journey.failed_at.kind == "ARP"  # the journey followed the model, not its own idea


def test_vpc_model_decides(monkeypatch):
    original = netcourse.vpc.model.Vpc.reachability
    broken = netcourse.vpc.model.Vpc.example("sg-missing-port")

    def from_broken(self, src, dst, port=443, protocol="tcp"):
        return original(broken, src, dst, port=port, protocol=protocol)

    monkeypatch.setattr(netcourse.vpc.model.Vpc, "reachability", from_broken)
    assert scenario("healthy").run().failed_at.node == "security group"


def test_firewall_model_decides(monkeypatch):
    from netcourse.firewall.trace import Verdict

    def drop_all(self, packet, chain="INPUT", state=None, memory=None):
        return Verdict(
            action="DROP",
            chain=chain,
            rule_number=None,
            trace=(),
            state=state or "NEW",
            reject_with=None,
            packet=packet,
        )

    monkeypatch.setattr(netcourse.firewall.chains.Firewall, "evaluate", drop_all)
    assert scenario("healthy").run().failed_at.node == "instance"


def test_switch_model_decides(monkeypatch):
    original = netcourse.switch.Switch.receive

    def flood(self, in_port, frame, at=None):
        decision = original(self, in_port, frame, at=at)
        return type(decision)(**{**decision.__dict__, "action": "flood"})

    monkeypatch.setattr(netcourse.switch.Switch, "receive", flood)
    assert scenario("healthy").run().failed_at.device == "home switch"


def test_no_copies_of_earlier_decisions():
    """No address maths, prefix matching, rule matching or MAC learning written again here."""
    banned_imports = {"ipaddress"}
    banned_names = {"prefixlen", "subnet_of", "supernet_of", "matches", "netmask_bits_match"}
    for source in JOURNEY.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name for a in node.names} & banned_imports, source.name
            if isinstance(node, ast.ImportFrom):
                assert node.module not in banned_imports, source.name
            if isinstance(node, ast.Attribute):
                assert node.attr not in banned_names, f"{source.name}: .{node.attr}"
            if isinstance(node, ast.FunctionDef):
                assert "prefix" not in node.name and "lookup" not in node.name, node.name


def test_journey_nat_reverse_restores_the_laptop_4_tuple():
    journey = scenario("healthy").run()
    before, after = journey.at("home router")[1:3]
    sent = four_tuple(journey.events[1].pdu)
    assert four_tuple(after.pdu) != sent  # the 4-tuple on the internet is not the socket's
    assert four_tuple(before.pdu)[0] == scenario("healthy").router.wan_ip
    delivered = four_tuple(journey.events[-1].pdu)
    assert delivered == (sent[2], sent[3], sent[0], sent[1])
    # the reply's NAT step marks the very entry the request created
    nat_request, nat_reply = (
        journey.events[6],
        [e for e in journey.at("home router") if e.direction == "reply"][0],
    )
    assert nat_reply.table.matched == nat_request.table.matched is not None


def test_reply_is_recognised_by_stateful_devices():
    journey = scenario("healthy").run()
    reply = [e for e in journey.events if e.direction == "reply"]
    host = [e for e in reply if e.node == "instance" and "firewall" in e.kind][0]
    assert "ESTABLISHED" in host.table.note and host.decision.startswith("ACCEPT")
    conntrack = [e for e in reply if "connection tracking" in e.kind][0]
    assert conntrack.decision == "state ESTABLISHED"
    assert conntrack.table.matched is not None and "[UNREPLIED]" in conntrack.table.matched
    assert conntrack.step < host.step
    sg = [e for e in reply if e.node == "security group"][0]
    assert sg.ok and sg.table.match is None and "not consulted" in sg.table.note
    acl = [e for e in reply if e.node == "network ACL"][0]
    assert "1024-65535" in acl.table.note  # stateless: the ephemeral ports are checked again
    assert acl.table.matched[-1] == "allow"


def test_without_conntrack_rule_the_reply_is_dropped_by_output_policy():
    sc = scenario("healthy")
    ruleset = sc.server.iptables.replace(
        "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n", ""
    )
    journey = sc.replace(server_iptables=ruleset).run()
    assert journey.failed_at.direction == "reply" and journey.failed_at.node == "instance"


def test_reply_without_nat_entry_stops_at_the_home_router(monkeypatch):
    # as after a router reboot: the table no longer holds the request's mapping
    monkeypatch.setattr(NatTable, "inbound", lambda self, four_tuple, proto="tcp": None)
    journey = scenario("healthy").run()
    stop = journey.failed_at
    assert (stop.direction, stop.device, stop.kind) == ("reply", "home router", "NAT")
    assert stop.table.match is None and stop.decision == "no mapping: drop"
