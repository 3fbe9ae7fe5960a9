"""Property tests of the tunnel and fragment decoding paths: tunnelled and fragmented frames
(tunnels in fragments, Ethernet pseudowires) cut, mutated and shuffled, and random fragment
series. dissect() keeps its layers inside the
frame or raises PacketError; the bulk decoder, conversations, filters and the capture's
dissections read what is there or raise CaptureError. Every call is bounded in time.
"""

from __future__ import annotations

import struct

from fragcaptures import fragment_frames, tunnel_fragment_frames
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import FUZZ, _bounded, _check
from tunnelcaptures import pseudowire_frames, tunnel_frames

from netcourse.errors import CaptureError, PacketError
from netcourse.packets import conversations, matching, read_capture
from netcourse.packets.synthetic import write_capture

FRAMES = [bytes(f) for frames in tunnel_frames().values() for f in frames] + [
    bytes(f) for f in (*fragment_frames(), *tunnel_fragment_frames(), *pseudowire_frames())
]
FILTERS = ["ip", "udp", "tcp", "icmp", "vlan.id == 200", "ip.addr == 192.0.2.11", "vxlan", "gre"]


def _mutate(frame: bytes, data) -> bytes:
    cut = data.draw(st.integers(min_value=0, max_value=len(frame)))
    out = bytearray(frame[:cut])
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        if out:
            at = data.draw(st.integers(min_value=0, max_value=len(out) - 1))
            out[at] = data.draw(st.integers(min_value=0, max_value=255))
    return bytes(out)


@FUZZ
@given(st.sampled_from(FRAMES), st.data())
def test_cut_and_mutated_tunnel_frames_dissect(frame, data):
    _check(_mutate(frame, data))


def _read_everything(path) -> None:
    try:
        cap = _bounded(read_capture, path)
        for proto in ("tcp", "udp"):
            _bounded(conversations, path, proto)
        for text in FILTERS:
            mask = _bounded(matching, cap, text)
            assert all(1 <= n <= len(cap) for n in mask.tolist())
        cols = cap.columns
        for i in range(len(cap)):
            done = int(cols.reassembled_in[i])
            assert done == -1 or (i <= done < len(cap) and cols.fragment[i])
            try:
                _bounded(cap.dissect, i + 1)
                _bounded(cap.reassembled, i + 1)
            except PacketError:  # a frame too short for its link header
                pass
            _bounded(cap.__getitem__, i)  # its row in the packet list
        layers = cols.layers
        assert (layers.row[1:] >= layers.row[:-1]).all() and (layers.row < len(cap)).all()
    except CaptureError:
        pass


@FUZZ
@given(st.lists(st.sampled_from(FRAMES), min_size=1, max_size=12), st.data())
def test_captures_of_damaged_tunnels_and_fragments(tmp_path_factory, frames, data):
    damaged = [_mutate(f, data) or b"\x00" for f in frames]
    path = tmp_path_factory.mktemp("fuzz") / "damaged.pcap"
    _read_everything(write_capture(path, damaged))


def _fragment(ident: int, offset: int, more: bool, body: bytes, proto: int) -> bytes:
    """An Ethernet frame holding one IPv4 fragment (checksum left 0: nobody checks it)."""
    flags = (0x2000 if more else 0) | (offset & 0x1FFF)
    header = struct.pack(
        ">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, flags, 64, proto, 0,
        bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]),
    )  # fmt: skip
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + header + body


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # datagram id
            st.integers(min_value=0, max_value=40),  # offset in 8-byte units
            st.booleans(),  # more fragments
            st.binary(min_size=0, max_size=64),
            st.sampled_from([1, 6, 17, 47]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_random_fragment_series(tmp_path_factory, pieces):
    frames = [_fragment(*piece) for piece in pieces]
    path = tmp_path_factory.mktemp("fuzz") / "fragments.pcap"
    _read_everything(write_capture(path, frames))
