"""The journey's PDUs (netcourse.journey.pdu): real bytes, rewritten with correct checksums."""

import ipaddress
import struct
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, TCP

from netcourse.errors import JourneyError
from netcourse.journey.pdu import four_tuple, parse, rewrite, tcp_frame

#: The addresses and ports of a request from the laptop to the server.
LAPTOP_TO_SERVER = {
    "src_mac": "02:00:00:00:00:07",
    "dst_mac": "02:00:00:00:00:01",
    "src": "10.0.1.7",
    "dst": "203.0.113.10",
    "sport": 51514,
    "dport": 443,
}


def test_rewritten_bytes_have_correct_checksums():
    frame = tcp_frame(**LAPTOP_TO_SERVER, payload=b"x" * 20)
    changed = rewrite(frame, src="198.51.100.23", sport=40000)
    pkt = parse(changed)
    fresh = pkt.copy()
    del fresh[IP].chksum, fresh[TCP].chksum
    fresh = parse(bytes(fresh))
    assert (pkt[IP].chksum, pkt[TCP].chksum) == (fresh[IP].chksum, fresh[TCP].chksum)
    assert four_tuple(changed) == ("198.51.100.23", 40000, "203.0.113.10", 443)


# --- any value or bytes: a frame, a 4-tuple or a JourneyError, quickly ------------------------


FUZZ = settings(max_examples=120, deadline=None)
odd = st.one_of(
    st.integers(-2, 70000),
    st.text(alphabet="0123456789abcdef.:-x PAS", max_size=18),
    st.none(),
    st.sampled_from(["abc", "１２", "2001:db8::1", "10.0.1.300", "02:00:00:00:00:0b", "SA"]),
)


def bounded(call, *args, **kwargs):
    started = time.perf_counter()
    try:
        return call(*args, **kwargs)
    except JourneyError:
        return None
    finally:
        assert time.perf_counter() - started < 1.0


def by_hand(frame: bytes) -> tuple[str, int, str, int] | None:
    """The 4-tuple read from the bytes by hand (RFC 791, RFC 9293), or None: no IPv4/TCP."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[14] >> 4 != 4:
        return None
    header = (frame[14] & 0x0F) * 4
    if frame[23] != 6 or header < 20 or len(frame) < 14 + header + 20:
        return None
    src, dst = (str(ipaddress.IPv4Address(frame[i : i + 4])) for i in (26, 30))
    sport, dport = struct.unpack("!HH", frame[14 + header : 18 + header])
    return src, sport, dst, dport


@FUZZ
@given(st.sampled_from(sorted(LAPTOP_TO_SERVER)), odd)
def test_tcp_frame_reads_every_value_or_names_it(name, value):
    frame = bounded(tcp_frame, **{**LAPTOP_TO_SERVER, name: value})
    if frame is None:
        with pytest.raises(JourneyError, match=f"^{name}: "):
            tcp_frame(**{**LAPTOP_TO_SERVER, name: value})
        return
    assert by_hand(frame) == four_tuple(frame)
    if name in ("sport", "dport"):
        assert four_tuple(frame)[1 if name == "sport" else 3] == int(value)


@FUZZ
@given(st.sampled_from(["src_mac", "dst_mac", "src", "dst", "ttl", "sport", "dport"]), odd)
def test_rewrite_reads_every_value_or_names_it(key, value):
    frame = tcp_frame(**LAPTOP_TO_SERVER)
    changed = bounded(rewrite, frame, **{key: value})
    if changed is None:
        return
    assert by_hand(changed) == four_tuple(changed)
    fresh = parse(changed).copy()
    del fresh[IP].chksum, fresh[TCP].chksum
    assert bytes(parse(bytes(fresh))) == changed  # the checksums were recomputed


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=80),
        st.builds(lambda cut: tcp_frame(**LAPTOP_TO_SERVER)[:cut], st.integers(0, 60)),
    )
)
def test_four_tuple_of_any_bytes_is_the_tcp_header_or_a_journey_error(data):
    got = bounded(four_tuple, data)
    expected = by_hand(data)
    if got is None:
        assert expected is None or len(data) < 54
        return
    assert got == expected


def test_bad_values_end_as_journey_errors_not_scapy_errors():
    with pytest.raises(JourneyError, match=r"^sport: 'abc': a port must be a number"):
        tcp_frame(**{**LAPTOP_TO_SERVER, "sport": "abc"})  # scapy raised a ValueError
    with pytest.raises(JourneyError, match=r"^src_mac: '12345': not a MAC address"):
        tcp_frame(**{**LAPTOP_TO_SERVER, "src_mac": "12345"})
    with pytest.raises(JourneyError, match=r"^flags: 'Z'"):
        tcp_frame(**{**LAPTOP_TO_SERVER, "flags": "Z"})
    with pytest.raises(JourneyError, match="ttl: 300"):
        rewrite(tcp_frame(**LAPTOP_TO_SERVER), ttl=300)
    with pytest.raises(JourneyError, match="expected a frame's bytes"):
        four_tuple("not bytes")
    with pytest.raises(TypeError):
        tcp_frame("02:00:00:00:00:07", "02:00:00:00:00:01", "10.0.1.7", "203.0.113.10", 1, 2)
