"""The journey asks the earlier lessons' models for every decision; it has no copies of them."""

import ast
import pathlib

import netcourse.cidr
import netcourse.firewall.chains
import netcourse.switch
import netcourse.vpc.model
import netcourse.vpc.routing
from netcourse.journey import scenario

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
    assert set(calls) == {"route_decision", "longest_prefix_match", "receive", "evaluate",
                          "reachability", "lookup", "arp_table"}  # fmt: skip


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

    def drop_all(self, packet, chain="INPUT", state=None):
        return Verdict("DROP", chain, None, (), state or "NEW", None, packet)

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
