"""Tunnels followed as Wireshark follows them, against tshark 4.0.

Captures built with scapy (tunnelcaptures.py) for 802.1ad and old-style QinQ, VXLAN (inside
QinQ, with an inner VLAN tag, over IPv6), GRE (IP, IPv6, transparent Ethernet bridging, over
IPv6), IP in IP, 6in4, 4in6, MPLS label stacks (also inside GRE), Geneve, PPPoE sessions and
ERSPAN types I, II and III. tshark is the oracle for the conversations of every layer
(``-z conv,eth/ip/ipv6/tcp/udp``: its taps run for each layer instance, outer and inner),
for the frames each filter keeps (``-Y``), and for every layer's fields and byte offsets
(``-T pdml``).
"""

from __future__ import annotations

import collections
import shutil
import subprocess

import pytest
from test_dissect_vs_tshark import PROTO, _compare_fields, _pdml_protos
from tunnelcaptures import NAMES, write_tunnel_captures

from netcourse.packets import conversations, matching, read_capture
from netcourse.packets.capture import _index
from netcourse.packets.fast import address, decode
from netcourse.packets.instances import instances

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

CAPTURES = (*NAMES, "all")
FILTERS = [
    "ip",
    "ipv6",
    "tcp",
    "udp",
    "icmp",
    "arp",
    "eth",
    "vlan",
    "not ip",
    "vlan.id == 200",
    "vlan.id == 301",
    "vlan.id == 220",
    "ip.addr == 192.0.2.11",
    "ip.addr == 198.18.0.1",
    "ip.src == 192.0.2.0/24",
    "ipv6.addr == fd00::1",
    "ipv6.addr == fd00:1::22",
    "udp.port == 4789",
    "udp.length > 60",  # a tunnel's outer UDP is longer than the inner one
    "udp.length >= 100",
    "udp.length < 40",
    "udp.port == 9999",
    "tcp.port == 8000",
    "tcp.flags.syn == 1",
    "ip.proto == 17",
    "ip.proto == 47",
    "ip.ttl == 64",
    "eth.addr == 02:00:00:00:01:01",
    "eth.src == 02:00:00:00:00:01",
    "ieee8021ad",
    "mpls",
    "pppoes",
    "gre",
    "erspan",
    "vxlan",
    "geneve",
    "icmp and vlan.id == 210",
]


@pytest.fixture(scope="module")
def tunnels(tmp_path_factory):
    return write_tunnel_captures(tmp_path_factory.mktemp("tunnels"))


def _tshark(path, *args) -> str:
    return subprocess.run(
        ["tshark", "-r", str(path), *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _tshark_conversations(path, kind) -> list[tuple]:
    rows = []
    # -n: addresses as numbers (a registered MAC prefix would be shown by its maker's name)
    for line in _tshark(path, "-n", "-q", "-z", f"conv,{kind}").splitlines():
        if "<->" in line:
            words = line.split()
            rows.append((*sorted((words[0], words[2])), int(words[9]), int(words[10])))
    return sorted(rows)


def _mac(value) -> str:
    return ":".join(f"{(int(value) >> (8 * i)) & 0xFF:02x}" for i in range(5, -1, -1))


def _our_conversations(path, kind) -> list[tuple]:
    """Conversations from every layer instance decode() found, added up like tshark's."""
    index = _index(path)
    found = instances(decode(index), kind)
    frames, size = collections.Counter(), collections.Counter()
    for i, row in enumerate(found.row):
        if kind == "eth":
            ends = (_mac(found.src_lo[i]), _mac(found.dst_lo[i]))
        else:
            version = int(found.version[i])
            ends = (
                address(version, found.src_hi[i], found.src_lo[i]),
                address(version, found.dst_hi[i], found.dst_lo[i]),
            )
            if kind in ("tcp", "udp"):
                ends = (f"{ends[0]}:{found.sport[i]}", f"{ends[1]}:{found.dport[i]}")
        key = tuple(sorted(ends))
        frames[key] += 1
        size[key] += int(index.origlen[row])
    return sorted((*key, frames[key], size[key]) for key in frames)


@pytest.mark.parametrize("kind", ["eth", "ip", "ipv6", "tcp", "udp"])
@pytest.mark.parametrize("name", CAPTURES)
def test_every_layer_has_its_conversations(tunnels, name, kind):
    theirs = _tshark_conversations(tunnels[name], kind)
    assert theirs or name != "all", f"tshark finds no {kind} conversation at all"
    assert _our_conversations(tunnels[name], kind) == theirs


@pytest.mark.parametrize("proto", ["tcp", "udp"])
@pytest.mark.parametrize("name", CAPTURES)
def test_conversations_table_follows_tunnels(tunnels, name, proto):
    """conversations() itself: the inner TCP/UDP flows and the tunnels' own UDP ones."""
    ours = sorted(
        (*sorted((f"{c.address_a}:{c.port_a}", f"{c.address_b}:{c.port_b}")), c.frames, c.bytes)
        for c in conversations(tunnels[name], proto)
    )
    assert ours == _tshark_conversations(tunnels[name], proto)


def _tshark_keeps(path, text) -> list[int]:
    return [int(n) for n in _tshark(path, "-Y", text, "-T", "fields", "-e", "frame.number").split()]


@pytest.mark.parametrize("text", FILTERS)
def test_filters_look_inside_tunnels(tunnels, text):
    path = tunnels["all"]
    assert matching(read_capture(path), text).tolist() == _tshark_keeps(path, text)


def test_tunnelled_echoes_are_icmp(tunnels):
    """The issue's symptom: none of the tunnelled echo requests matched ``icmp``."""
    cap = read_capture(tunnels["all"])
    echoes = set(_tshark_keeps(tunnels["all"], "icmp.type == 8"))
    assert len(echoes) >= 8
    assert echoes <= set(matching(cap, "icmp").tolist())


@pytest.mark.parametrize("name", NAMES)
def test_fields_match_wireshark(tunnels, name):
    assert _compare_fields(tunnels[name], name) > 0


@pytest.mark.parametrize("name", NAMES)
def test_layers_start_where_wireshark_protocols_do(tunnels, name):
    path = tunnels[name]
    cap = read_capture(path)
    known = set(PROTO.values())
    for number, protos in enumerate(_pdml_protos(path), start=1):
        d = cap.dissect(number)
        assert not d.malformed, (name, number, d.problems)
        ours = [(PROTO[la.name], la.offset) for la in d.layers if la.name in PROTO]
        theirs = [(p[0], p[1]) for p in protos if p[0] in known]
        assert ours == theirs, (name, number)


def test_inner_layers_tile_the_frame(tunnels):
    """Each layer starts where the one before it ends (ERSPAN type I has no header)."""
    cap = read_capture(tunnels["all"])
    for number in range(1, len(cap) + 1):
        d = cap.dissect(number)
        for before, after in zip(d.layers, d.layers[1:]):
            assert after.offset == before.end, (number, before, after)


def test_columns_point_at_the_innermost_headers(tunnels):
    """l3_offset/l4_offset: where Wireshark's innermost IP and TCP/UDP/ICMP trees start."""
    path = tunnels["all"]
    index = _index(path)
    cols = decode(index)
    checked = 0
    for i, protos in enumerate(_pdml_protos(path)):
        ips = [pos for name, pos, _ in protos if name in ("ip", "ipv6")]
        if cols.l3_offset[i] < 0:
            continue
        assert cols.l3_offset[i] - index.offsets[i] == ips[-1], i + 1
        after = [pos for name, pos, _ in protos if name in ("tcp", "udp", "icmp")]
        if after and cols.l4proto[i] in (1, 6, 17):
            assert cols.l4_offset[i] - index.offsets[i] == after[-1], i + 1
            checked += 1
    assert checked > 40
