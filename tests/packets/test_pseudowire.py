"""Ethernet pseudowires behind MPLS, against tshark 4.0.

Past the bottom of an MPLS label stack Wireshark guesses the payload by its first nibble: 4
and 6 are IP, 1 a PW associated channel, and 0 an Ethernet pseudowire, which its
``pw_eth_heuristic`` reads without a control word when both would-be MAC addresses start
with a prefix its ``manuf`` file registers, else with one (netcourse/packets/oui.py holds
that registry). tshark is the oracle for which frames have a control word (``-Y pwethcw``)
over hundreds of random address pairs, and for the captures of
tunnelcaptures.pseudowire_frames: conversations of every layer, filters, tcp.stream, and
every layer's fields and offsets (``-T pdml``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from tcp_scenarios import tshark_streams
from test_dissect_vs_tshark import PROTO, _compare_fields, _pdml_protos
from test_tunnels import _our_conversations, _tshark_conversations, _tshark_keeps
from tunnelcaptures import IP, MPLS, TCP, pseudowire_frames

from netcourse.packets import conversations, matching, read_capture
from netcourse.packets.oui import manuf_prefixes, prefixes
from netcourse.packets.synthetic import write_capture
from netcourse.packets.tcpstream import tcp_segments

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

MANUF = Path("/usr/share/wireshark/manuf")
CLEAN = 6  # the first frames, with no 802.3 frame misread: compared field by field
FILTERS = [
    "pwethcw",
    "mpls",
    "eth",
    "ip",
    "ipv6",
    "tcp",
    "udp",
    "vlan",
    "vlan.id == 30",
    "eth.addr == 00:1b:21:00:01:01",
    "eth.src == 00:00:0c:00:01:02",
    "eth.addr == 02:00:00:00:01:01",
    "ip.addr == 192.0.2.101",
    "ipv6.addr == fd00:1::101",
    "tcp.port == 8000",
    "tcp.flags.syn == 1",
    "not ip",
]


def _write(path, frames):
    data = [bytes(f) for f in frames]
    return write_capture(path, data, [i * 0.001 for i in range(len(data))])


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudowire")
    frames = pseudowire_frames()
    return {
        "all": _write(folder / "all.pcap", frames),
        "clean": _write(folder / "clean.pcap", frames[:CLEAN]),
    }


@pytest.mark.skipif(not MANUF.exists(), reason="Wireshark's manuf file is not installed")
def test_registry_is_wiresharks():
    assert prefixes().tolist() == manuf_prefixes(MANUF)


def test_control_word_guess_matches_tshark_on_random_addresses(tmp_path):
    """400 payloads starting with a 0 nibble, each 6-byte word's prefix registered or not
    (the registered ones drawn from those with a 0 nibble, the others from the rest)."""
    rng = np.random.default_rng(7)
    known = prefixes()
    low = known[known < 0x100000]
    unknown = np.setdiff1d(np.arange(0x100000, dtype=np.int64), low)
    frames = []
    for _ in range(400):
        words = []
        for _side in range(2):
            pool = low if rng.random() < 0.6 else unknown
            words.append(int(rng.choice(pool)).to_bytes(3, "big") + rng.bytes(3))
        payload = b"".join(words) + b"\x08\x00"
        inner = IP(src="192.0.2.1", dst="192.0.2.2") / TCP(sport=41000, dport=8000)
        frames.append(_eth_mpls() / MPLS(label=300, s=1, ttl=64) / payload / inner)
    path = _write(tmp_path / "random.pcap", frames)
    cap = read_capture(path)
    with_word = _tshark_keeps(path, "pwethcw")
    assert 50 < len(with_word) < 350
    assert matching(cap, "pwethcw").tolist() == with_word
    assert matching(cap, "tcp").tolist() == _tshark_keeps(path, "tcp")
    # dissect() makes the same guess
    ours = [n for n in range(1, len(cap) + 1) if "EoMCW" in cap.dissect(n)]
    assert ours == with_word


def _eth_mpls():
    from tunnelcaptures import _eth

    return _eth(type=0x8847)


@pytest.mark.parametrize("kind", ["eth", "ip", "ipv6", "tcp", "udp"])
def test_every_layer_has_its_conversations(captures, kind):
    theirs = _tshark_conversations(captures["all"], kind)
    assert theirs
    assert _our_conversations(captures["all"], kind) == theirs


def test_conversations_table(captures):
    path = captures["all"]
    ours = sorted(
        (*sorted((f"{c.address_a}:{c.port_a}", f"{c.address_b}:{c.port_b}")), c.frames, c.bytes)
        for c in conversations(path, "tcp")
    )
    # the third TCP exchange sits behind a control word taken for addresses: data
    assert ours == _tshark_conversations(path, "tcp") and len(ours) == 2


@pytest.mark.parametrize("text", FILTERS)
def test_filters(captures, text):
    path = captures["all"]
    assert matching(read_capture(path), text).tolist() == _tshark_keeps(path, text)


def test_streams(captures):
    path = captures["all"]
    segs = tcp_segments(path)
    assert list(zip(segs.frame.tolist(), segs.stream.tolist())) == tshark_streams(path)
    assert segs.streams == 2


def test_fields_match_wireshark(captures):
    assert _compare_fields(captures["clean"], "pseudowire") > 40


def test_layers_start_where_wireshark_protocols_do(captures):
    """Every frame, the misread ones included (a 4 or 6 nibble taken for IP, an address
    taken for a control word): the same protocols at the same offsets."""
    path = captures["all"]
    cap = read_capture(path)
    known = set(PROTO.values())
    pdml = _pdml_protos(path)
    assert len(pdml) == len(cap)
    for number, protos in enumerate(pdml, start=1):
        d = cap.dissect(number)
        ours = [(PROTO[la.name], la.offset) for la in d.layers if la.name in PROTO]
        assert ours == [(p[0], p[1]) for p in protos if p[0] in known], number
