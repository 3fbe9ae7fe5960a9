"""The learning switch and the ARP table, on made-up frames and on the shipped real captures."""

from __future__ import annotations

import html
import logging
import shutil
import subprocess
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.data import path
from netcourse.errors import PacketError
from netcourse.switch import BROADCAST, ArpTable, Switch, is_group, normalize_mac

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402

A, B, C, D = (f"02:00:00:00:00:0{n}" for n in "abcd")


def capture(name: str) -> list[bytes]:
    """The frames of a shipped capture, read with scapy (independent of netcourse.packets)."""
    found = sorted(path("captures").glob(f"{name}.pcap*"))
    assert found, f"no shipped capture {name}"
    return [bytes(pkt) for pkt in rdpcap(str(found[0]))]


def tshark_fields(name: str, *fields: str) -> list[list[str]]:
    found = sorted(path("captures").glob(f"{name}.pcap*"))[0]
    args = ["tshark", "-r", str(found), "-T", "fields"]
    for fld in fields:
        args += ["-e", fld]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def test_learn_flood_then_forward():
    sw = Switch(4)
    first = sw.send(1, A, B)
    assert first.action == "flood" and first.out_ports == (2, 3, 4)
    assert first.learned is not None and first.learned.port == 1
    reply = sw.send(2, B, A)
    assert reply.action == "forward" and reply.out_ports == (1,)
    again = sw.send(1, A, B)
    assert again.action == "forward" and again.out_ports == (2,) and again.learned is None
    assert sw.table.port_of(A) == 1 and sw.table.port_of(B) == 2 and len(sw.table) == 2


def test_broadcast_floods_even_when_known_and_group_sources_drop():
    sw = Switch(3)
    sw.send(2, B, A)
    out = sw.send(1, A, BROADCAST)
    assert out.action == "flood" and out.out_ports == (2, 3) and "broadcast" in out.reason
    multi = sw.send(1, A, "01:00:5e:00:00:fb")
    assert multi.action == "flood" and "multicast" in multi.reason
    bad = sw.send(3, BROADCAST, A)
    assert bad.action == "drop" and sw.table.port_of(BROADCAST) is None


def test_filter_when_destination_is_behind_the_incoming_port():
    sw = Switch(2)
    sw.send(1, A, BROADCAST)
    sw.send(1, C, BROADCAST)  # a hub behind port 1 holds both A and C
    out = sw.send(1, C, A)
    assert out.action == "filter" and out.out_ports == ()


def test_vlans_are_separate_broadcast_domains():
    sw = Switch({1: 10, 2: 10, 3: 20, 4: 20})
    assert sw.vlans() == (10, 20) and sw.members(20) == (3, 4)
    out = sw.send(1, A, BROADCAST)
    assert out.out_ports == (2,) and out.vlan == 10
    sw.send(3, B, BROADCAST)
    # B is learned in VLAN 20 only, so a frame to B in VLAN 10 still floods VLAN 10 only
    cross = sw.send(1, A, B)
    assert cross.action == "flood" and cross.out_ports == (2,)
    assert {(e.vlan, e.mac) for e in sw.table.entries} == {(10, A), (20, B)}


def test_same_mac_in_two_vlans_gets_two_entries():
    sw = Switch({1: 10, 2: 20, 3: (10, 20)})
    sw.send(3, A, BROADCAST, vlan=10)
    sw.send(3, A, BROADCAST, vlan=20)
    assert [(e.vlan, e.port) for e in sw.table.entries] == [(10, 3), (20, 3)]


def test_trunk_tags_and_drops():
    sw = Switch({1: 10, 2: 20, 3: (10, 20)})
    assert sw.trunks == (3,)
    out = sw.send(1, A, BROADCAST)
    assert out.out_ports == (3,) and out.tagged == (3,)
    assert sw.send(3, B, BROADCAST).action == "drop"  # untagged on a trunk
    assert "not allowed" in sw.send(3, B, BROADCAST, vlan=30).reason
    assert sw.send(2, B, BROADCAST, vlan=10).action == "drop"  # wrong tag on an access port
    assert sw.send(2, B, BROADCAST, vlan=20).action == "flood"  # matching tag is accepted


def test_station_move_and_ageing():
    sw = Switch(3, ageing_time=10)
    sw.send(1, A, BROADCAST, at=0)
    moved = sw.send(2, A, BROADCAST, at=1)
    assert moved.learned is not None and sw.table.port_of(A) == 2
    assert sw.send(3, B, A, at=5).action == "forward"
    later = sw.send(3, B, A, at=20)  # A silent for 19 s > 10 s: forgotten, so flood again
    assert later.action == "flood"
    with pytest.raises(PacketError, match="time cannot go back"):
        sw.send(1, A, B, at=3)


def test_bad_input_names_the_bad_part():
    sw = Switch({1: 10, 2: 10})
    with pytest.raises(PacketError, match="'02:00:zz:00:00:01': not a MAC address"):
        sw.send(1, "02:00:zz:00:00:01", B)
    with pytest.raises(PacketError, match="port 9: this switch has ports 1, 2"):
        sw.send(9, A, B)
    with pytest.raises(PacketError, match="VLAN 5000"):
        Switch({1: 5000})
    with pytest.raises(PacketError, match="expected 1-64 ports"):
        Switch(0)
    with pytest.raises(PacketError, match="14"):
        sw.receive(1, b"\x00" * 5)
    assert normalize_mac("02-00-00-00-00-0A") == "02:00:00:00:00:0a"
    assert is_group(BROADCAST) and not is_group(A)


def test_decision_repr_reads_like_a_sentence():
    sw = Switch(2)
    text = repr(sw.send(1, A, B))
    assert text.startswith(f"port 1: {A} -> {B} (VLAN 1): flood to port(s) 2")
    assert "learned" in text and "empty" in repr(Switch(2).table)
    assert "<table" in sw.table._repr_html_()


def test_real_vlan_capture_goes_into_its_vlan():
    frames = capture("vlan")
    wanted = tshark_fields("vlan", "vlan.id") if shutil.which("tshark") else None
    tags = [int(Dot1Q in Ether(f) and Ether(f)[Dot1Q].vlan) for f in frames]
    if wanted:
        assert tags == [int(row[0]) for row in wanted]
    vlan = tags[0]
    sw = Switch({1: (vlan,), 2: (vlan,), 3: vlan + 1 if vlan < 4094 else 1})
    first = sw.receive(1, frames[0])  # the ARP request: broadcast
    assert first.action == "flood" and first.vlan == vlan and first.out_ports == (2,)
    second = sw.receive(2, frames[1])  # the ARP reply comes back from port 2
    assert second.action == "forward" and second.out_ports == (1,) and second.tagged == (1,)


def test_arp_table_from_the_real_arp_capture():
    frames = capture("arp-icmp")
    pkts = [Ether(f) for f in frames]
    request, reply = (p for p in pkts if ARP in p)
    asker, answerer = request[ARP].psrc, request[ARP].pdst
    table = ArpTable.from_frames(frames, asker)
    assert table.mac_of(answerer) == normalize_mac(reply[ARP].hwsrc)
    other = ArpTable.from_frames(frames, answerer)  # the request taught the answerer too
    assert other.mac_of(asker) == normalize_mac(request[ARP].hwsrc)
    if shutil.which("tshark"):
        rows = tshark_fields("arp-icmp", "arp.opcode", "arp.src.proto_ipv4", "arp.src.hw_mac")
        replies = [r for r in rows if r[0] == "2"]
        assert [(e.ip, e.mac) for e in table.entries] == [(replies[0][1], replies[0][2])]
    # the switch table in the same exchange holds MACs and ports, never an IP address
    sw = Switch(2)
    sw.receive(1, frames[0])
    sw.receive(2, frames[1])
    assert {e.mac for e in sw.table.entries} == {table.mac_of(answerer), other.mac_of(asker)}
    with pytest.raises(PacketError, match="IPv4"):
        ArpTable.from_frames(frames, "not-an-ip")


frames_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4),
        st.sampled_from([A, B, C, D]),
        st.sampled_from([A, B, C, D, BROADCAST]),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(frames_strategy)
def test_switch_invariants(frames):
    sw = Switch({1: 10, 2: 10, 3: 20, 4: 10})
    for in_port, src, dst in frames:
        vlan = sw.ports[in_port][0]
        known = sw.table.port_of(dst, vlan) if dst != src else None
        out = sw.send(in_port, src, dst)
        assert in_port not in out.out_ports
        assert set(out.out_ports) <= set(sw.members(vlan))
        assert sw.table.port_of(src, vlan) == in_port
        if dst == BROADCAST or (known is None and dst != src):
            assert out.action == "flood"
            assert set(out.out_ports) == set(sw.members(vlan)) - {in_port}
        elif dst != src:
            assert out.action in ("forward", "filter")
            assert out.out_ports == (() if known == in_port else (known,))


# --- the LAN: forwarding table and ARP tables side by side ----------------------------------


def test_ping_fills_both_tables_and_they_hold_different_things():
    from netcourse.switch import DEFAULT_HOSTS, Lan

    lan = Lan()
    steps = lan.ping("A", "B")
    assert [s.what for s in steps] == [
        "ARP request",
        "ARP reply",
        "ICMP echo request",
        "ICMP echo reply",
    ]
    assert steps[0].decision.action == "flood" and set(steps[0].delivered_to) == {"B", "C", "D"}
    assert [s.decision.action for s in steps[1:]] == ["forward"] * 3
    a_mac, a_ip, a_port = DEFAULT_HOSTS["A"]
    b_mac, b_ip, b_port = DEFAULT_HOSTS["B"]
    assert lan.arp_table("A").mac_of(b_ip) == b_mac and lan.arp_table("B").mac_of(a_ip) == a_mac
    assert lan.arp_table("C").entries == ()  # C saw the broadcast, but it was not for C
    table = lan.switch.table
    assert table.port_of(a_mac) == a_port and table.port_of(b_mac) == b_port
    assert not any("." in e.mac for e in table.entries)  # MACs and ports, never an IP
    again = lan.ping("A", "B")  # the ARP cache answers now: no broadcast
    assert [s.what for s in again] == ["ICMP echo request", "ICMP echo reply"]
    lan.reset()
    assert len(lan.switch.table) == 0 and lan.arp_table("A").entries == () and not lan.steps


def test_ping_across_vlans_gets_no_answer():
    from netcourse.switch import Lan

    lan = Lan(ports={1: 10, 2: 10, 3: 20, 4: 20})
    steps = lan.ping("A", "C")
    assert [s.what for s in steps] == ["ARP request"]
    assert steps[0].delivered_to == ("B",)  # VLAN 10 only: C never hears the question
    assert lan.frame("C", "broadcast").delivered_to == ("D",)
    with pytest.raises(PacketError, match="no such host"):
        lan.ping("A", "Z")
    with pytest.raises(PacketError, match="itself"):
        lan.ping("A", "A")
    with pytest.raises(PacketError, match="not an IPv4 address"):
        Lan({"A": ("02:00:00:00:00:01", "300.1.1.1", 1)})


def test_lan_frames_are_real_frames_tshark_reads(tmp_path):
    from scapy.utils import wrpcap

    from netcourse.switch import Lan

    lan = Lan()
    steps = lan.ping("B", "D")
    if not shutil.which("tshark"):
        pytest.skip("tshark is not installed (CI installs it)")
    pcap = tmp_path / "lan.pcap"
    wrpcap(str(pcap), [Ether(s.frame) for s in steps])
    out = subprocess.run(
        ["tshark", "-r", str(pcap), "-T", "fields", "-e", "arp.opcode", "-e", "icmp.type"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["1", "2", "8", "0"]


# --- the switch stepper widget, headless ---------------------------------------------------


def test_stepper_shows_flooding_stop():
    from netcourse.widgets.layers import SwitchStepper

    stepper = SwitchStepper()
    stepper.kind.value = "frame"
    stepper.sender.value, stepper.receiver.value = "A", "B"
    stepper.send_button.click()
    assert stepper.lan.steps[-1].decision.action == "flood"
    assert "flood" in stepper.history.value and stepper.errors.value == ""
    stepper.sender.value, stepper.receiver.value = "B", "A"
    stepper.send_button.click()
    stepper.sender.value, stepper.receiver.value = "A", "B"
    stepper.send_button.click()
    assert [s.decision.action for s in stepper.lan.steps] == ["flood", "forward", "forward"]
    assert "forward" in stepper.history.value and "02:00:5e:00:00:0b" in stepper.tables.value
    assert repr(stepper) == "SwitchStepper(4 ports, hosts A B C D, 3 frames sent, 2 MACs learned)"
    stepper.reset_button.click()
    assert len(stepper.lan.switch.table) == 0 and "no frame sent yet" in stepper.history.value


def test_stepper_errors_inline_and_keeps_working():
    from netcourse.widgets.layers import SwitchStepper

    stepper = SwitchStepper(ports={1: 10, 2: 10, 3: 20, 4: 20})
    stepper.kind.value = "ping"
    stepper.sender.value, stepper.receiver.value = "A", "broadcast"
    stepper.send_button.click()
    assert "PacketError" in stepper.errors.value and "broadcast" in stepper.errors.value
    stepper.receiver.value = "A"
    stepper.send_button.click()
    assert "itself" in stepper.errors.value
    stepper.receiver.value = "C"  # another VLAN: the ARP request stays in VLAN 10
    stepper.send_button.click()
    assert stepper.errors.value == "" and [s.what for s in stepper.lan.steps] == ["ARP request"]
    assert "VLAN 20" in stepper.picture.value and "received by B" in stepper.history.value
    picture = stepper.picture.value
    for bad, fragment in [
        (("A", "B", "teleport"), "'frame' or 'ping'"),  # step() shows it inline, never raises
        (("A", ["B"], "frame"), "no such host"),
        ((None, "B", "ping"), "no such host"),
    ]:
        assert stepper.step(*bad) == ()
        assert fragment in html.unescape(stepper.errors.value)
        assert "still showing the last send (ARP request)" in stepper.stale.value
        assert stepper.picture.value == picture and len(stepper.lan.steps) == 1
    stepper.kind.value = "frame"
    stepper.send_button.click()
    assert stepper.errors.value == "" and stepper.stale.value == ""
    assert len(stepper.lan.steps) == 2


# --- differential test against the Linux bridge, in a network namespace ----------------------

_KERNEL_SENDER = r"""
import json, socket, sys, time
job = json.load(sys.stdin)
socks = {}
for port, name in job["ifaces"].items():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((name, 0))
    s.setblocking(False)
    socks[int(port)] = s

def drain(s):
    seen = []
    while True:
        try:
            data, addr = s.recvfrom(4096)
        except BlockingIOError:
            return seen
        if addr[2] != socket.PACKET_OUTGOING:
            seen.append(data)

result = []
for port, frame in job["steps"]:
    for s in socks.values():
        drain(s)
    data = bytes.fromhex(frame)
    socks[port].send(data)
    time.sleep(0.03)
    result.append(sorted(p for p, s in socks.items() if p != port and data in drain(s)))
print(json.dumps(result))
"""


def _run(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=True, **kwargs)


@pytest.mark.root
def test_switch_agrees_with_the_linux_bridge():
    import json
    import os
    import random
    import sys

    if os.geteuid() != 0 or not (shutil.which("ip") and shutil.which("bridge")):
        pytest.skip("needs root and iproute2 (ip, bridge) to build a bridge in a namespace")
    vlans = {1: 10, 2: 10, 3: 20, 4: 10}
    macs = [A, B, C, D]
    rng = random.Random(2)
    frames = [(1, A, BROADCAST), (2, B, A), (1, A, B), (3, C, A), (4, D, C), (2, A, D)]
    frames += [(3, "01:00:5e:00:00:01", A)]  # a group source address: dropped
    for _ in range(40):
        frames.append((rng.randint(1, 4), rng.choice(macs), rng.choice([*macs, BROADCAST])))

    ns = f"nc02-br-{os.getpid()}"
    _run("ip", "netns", "add", ns)
    try:
        _run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        _run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        # one Linux bridge per VLAN: each is its own broadcast domain, which is what access
        # ports in different VLANs of one switch are (and needs no VLAN-filtering support)
        for vlan in sorted(set(vlans.values())):
            _run("ip", "-n", ns, "link", "add", f"br{vlan}", "type", "bridge", "stp_state", "0")
            _run("ip", "-n", ns, "link", "set", f"br{vlan}", "up")
        for port, vlan in vlans.items():
            _run(
                "ip",
                "-n",
                ns,
                "link",
                "add",
                f"h{port}",
                "type",
                "veth",
                "peer",
                "name",
                f"b{port}",
            )
            _run("ip", "-n", ns, "link", "set", f"b{port}", "master", f"br{vlan}")
            for name in (f"h{port}", f"b{port}"):
                _run("ip", "-n", ns, "link", "set", name, "up")
        steps = []
        for port, src, dst in frames:
            pkt = Ether(src=src, dst=dst, type=0x88B5) / (b"netcourse" + b"\x00" * 37)
            steps.append((port, bytes(pkt).hex()))
        job = {"ifaces": {p: f"h{p}" for p in vlans}, "steps": steps}
        out = _run(
            "ip", "netns", "exec", ns, sys.executable, "-c", _KERNEL_SENDER, input=json.dumps(job)
        ).stdout
        kernel = json.loads(out)
        fdb = {
            vlan: json.loads(
                _run("bridge", "-n", ns, "-j", "fdb", "show", "br", f"br{vlan}").stdout
            )
            for vlan in sorted(set(vlans.values()))
        }
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)

    sizes = {len(seen) for seen in kernel}
    assert {0, 1, 2} <= sizes  # the kernel filtered or dropped, forwarded and flooded
    sw = Switch(vlans)
    for (port, src, dst), seen in zip(frames, kernel, strict=True):
        decision = sw.send(port, src, dst)
        assert list(decision.out_ports) == seen, (port, src, dst, decision)
    learned = {
        (vlan, e["mac"], int(e["ifname"][1:]))
        for vlan, entries in fdb.items()
        for e in entries
        if e.get("ifname", "").startswith("b")
        and "permanent" not in e.get("state", "")
        and "self" not in e.get("flags", [])
    }
    assert learned == {(e.vlan, e.mac, e.port) for e in sw.table.entries}
    assert len(learned) >= 4


# --- any input: a switch, a decision or a PacketError, quickly -------------------------------

FUZZ = settings(max_examples=120, deadline=None)


def bounded(call, *args, **kwargs):
    """``call(*args, **kwargs)`` within a second of this thread's CPU time (not wall time, which a
    busy machine stretches): its result, or None for a PacketError."""
    started = time.thread_time()
    try:
        return call(*args, **kwargs)
    except PacketError:
        return None
    finally:
        assert time.thread_time() - started < 1.0, f"{call.__name__} took too long"


odd_values = st.one_of(
    st.integers(-3, 5000),
    st.text(alphabet="0123456789１²x-. ", max_size=4),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(0, 5), max_size=3),
)
port_specs = st.one_of(
    st.integers(-2, 70),
    st.dictionaries(
        st.one_of(st.integers(-1, 70), st.text(max_size=2), st.booleans()),
        st.one_of(odd_values, st.tuples(st.integers(0, 4096))),
        max_size=5,
    ),
    st.text(max_size=3),
    st.none(),
)


@FUZZ
@given(port_specs, st.one_of(st.floats(allow_nan=True), st.integers(-5, 10**400), st.text()))
def test_switch_of_any_configuration_is_valid_or_a_packet_error(ports, ageing):
    sw = bounded(Switch, ports, ageing_time=ageing)
    if sw is None:
        return
    assert 0 <= sw.ageing_time < float("inf")
    assert 1 <= len(sw.ports) <= 64
    for port, vlans in sw.ports.items():
        assert type(port) is int and port >= 1
        assert vlans and all(1 <= v <= 4094 for v in vlans)


mac_texts = st.one_of(
    st.sampled_from([A, B, C, D, BROADCAST, "01:00:5e:00:00:fb", "02-00-00-00-00-0A"]),
    st.text(alphabet="0123456789abcdefx:-.", max_size=18),
    st.builds(lambda cut: A[:cut], st.integers(0, 17)),
    st.integers(),
)


@FUZZ
@given(st.lists(st.tuples(odd_values, mac_texts, mac_texts, odd_values, odd_values), max_size=12))
def test_send_of_any_frame_is_a_decision_or_a_packet_error(frames):
    sw = Switch({1: 10, 2: 10, 3: (10, 20), 4: 20}, ageing_time=30)
    for in_port, src, dst, vlan, at in frames:
        before = sw._clock
        decision = bounded(sw.send, in_port, src, dst, vlan=vlan, at=at)
        if decision is None:
            continue
        assert decision.in_port == int(str(in_port).strip())  # digit text "01" reads as port 1
        assert decision.action in ("forward", "flood", "filter", "drop")
        assert decision.in_port not in decision.out_ports
        assert sw._clock >= before and sw._clock == sw._clock  # never NaN, never back
        if decision.action != "drop":
            assert set(decision.out_ports) <= set(sw.members(decision.vlan))


REAL_FRAMES = [frame for name in ("vlan", "arp-icmp", "http") for frame in capture(name)]


def header_of(data: bytes) -> tuple[str, str, int | None]:
    """(src, dst, VLAN id or None) read from the bytes by hand (IEEE 802.3 and 802.1Q)."""
    mac = lambda raw: ":".join(f"{byte:02x}" for byte in raw)  # noqa: E731
    vlan = None
    if len(data) >= 18 and data[12:14] == b"\x81\x00":
        vlan = int.from_bytes(data[14:16], "big") & 0x0FFF
    return mac(data[6:12]), mac(data[0:6]), vlan


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=80),
        st.builds(lambda f, cut: f[:cut], st.sampled_from(REAL_FRAMES), st.integers(0, 80)),
        st.builds(
            lambda f, at, b: f[: at % len(f)] + bytes([b]) + f[at % len(f) + 1 :],
            st.sampled_from(REAL_FRAMES),
            st.integers(0, 100),
            st.integers(0, 255),
        ),
    ),
    st.integers(1, 3),
)
def test_receive_of_any_bytes_reads_the_header_as_the_standard_says(data, port):
    sw = Switch({1: (10, 20), 2: (10, 20), 3: 10})
    decision = bounded(sw.receive, port, data)
    if decision is None:
        assert len(data) < 14 or header_of(data)[2] in (0, 4095) or port < 3
        return
    src, dst, vlan = header_of(data)
    assert (decision.src, decision.dst) == (src, dst)
    if port < 3:  # a trunk: the tag decides, and untagged frames are dropped
        assert decision.vlan == vlan or decision.action == "drop"
    arp = bounded(ArpTable.from_frames, [data], "198.18.0.1")
    assert arp is not None and all(e.ip.count(".") == 3 for e in arp.entries)


@FUZZ
@given(
    st.dictionaries(
        st.text(max_size=3),
        st.one_of(
            st.tuples(mac_texts, st.text(alphabet="0123456789.:/x", max_size=12), odd_values),
            odd_values,
        ),
        max_size=4,
    )
)
def test_lan_of_any_hosts_is_valid_or_a_packet_error(hosts):
    from netcourse.switch import Lan

    lan = bounded(Lan, hosts)
    if lan is None:
        return
    for host in lan.hosts.values():
        assert host.mac == normalize_mac(host.mac) and host.ip.count(".") == 3
        assert host.port in lan.switch.ports


def test_times_and_macs_are_read_strictly():
    with pytest.raises(PacketError, match="'12345': not a MAC address"):
        normalize_mac("12345")  # netaddr once read this as 00:00:00:01:23:45
    for bad in (float("nan"), float("inf"), -1, "10", True):
        with pytest.raises(PacketError, match="ageing_time="):
            Switch(2, ageing_time=bad)
        with pytest.raises(PacketError, match="at="):
            Switch(2).send(1, A, B, at=bad)
    sw = Switch(2, ageing_time=10)
    sw.send(1, A, B, at=0)
    with pytest.raises(PacketError):
        sw.send(2, B, A, at=float("nan"))  # NaN once froze the clock: nothing ever aged out
    assert sw.send(2, B, A, at=100).action == "flood"  # A aged out after 10 s
    for bad in ("１０", "x", 1.5, [0], ()):
        with pytest.raises(PacketError, match="VLAN"):
            Switch({1: bad})
    with pytest.raises(PacketError, match="this switch has ports 1, 2"):
        sw.send([1], A, B)
    with pytest.raises(PacketError, match="port 'a'"):
        Switch({1: 10, "a": 10})
    with pytest.raises(PacketError, match="frame 1"):
        sw.replay([(1, A)])
    with pytest.raises(PacketError, match="VLAN"):
        sw.members("ten")


# --- the native VLAN of an 802.1Q trunk -------------------------------------------------


def test_native_vlan_crosses_the_trunk_untagged():
    sw = Switch({1: (10, 20), 2: 10, 3: 20, 4: (10, 20)}, native={1: 10})
    assert sw.native == {1: 10} and "1: trunk 10/20 native 10" in repr(sw)
    out_10 = sw.send(2, B, BROADCAST)  # VLAN 10: untagged on trunk 1 (native), tagged on 4
    assert (out_10.vlan, out_10.out_ports, out_10.tagged) == (10, (1, 4), (4,))
    out_20 = sw.send(3, C, BROADCAST)  # VLAN 20 is not native anywhere: tagged on both
    assert (out_20.vlan, out_20.out_ports, out_20.tagged) == (20, (1, 4), (1, 4))
    untagged = sw.send(1, A, BROADCAST)  # an untagged frame on trunk 1 belongs to VLAN 10
    assert (untagged.action, untagged.vlan, untagged.out_ports) == ("flood", 10, (2, 4))
    tagged_native = sw.send(1, D, BROADCAST, vlan=10)  # a tagged frame of the native VLAN too
    assert (tagged_native.action, tagged_native.vlan) == ("flood", 10)
    assert sw.send(4, A, BROADCAST).action == "drop"  # trunk 4 has no native VLAN


def test_a_real_untagged_frame_on_a_trunk_joins_the_native_vlan():
    untagged = rdpcap(str(path("captures/arp-icmp.pcap")))[0]
    assert Dot1Q not in untagged
    sw = Switch({1: (100, 200), 2: 100, 3: 200}, native={1: 200})
    decision = sw.receive(1, bytes(untagged))
    assert (decision.vlan, decision.out_ports, decision.tagged) == (200, (3,), ())


def test_native_vlan_must_be_a_trunks_own():
    with pytest.raises(PacketError, match="only a trunk port has one; trunks here: 3"):
        Switch({1: 10, 2: 20, 3: (10, 20)}, native={1: 10})
    with pytest.raises(
        PacketError, match="native VLAN 30 on port 3: the trunk carries VLANs 10, 20"
    ):
        Switch({1: 10, 2: 20, 3: (10, 20)}, native={3: 30})
    with pytest.raises(PacketError, match="expected a mapping trunk port -> VLAN"):
        Switch({3: (10, 20)}, native=10)
    with pytest.raises(PacketError, match="VLAN"):
        Switch({3: (10, 20)}, native={3: "ten"})
