"""Packet(...): what a learner can pass builds a packet or raises a NetcourseError naming it."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import AddressError, NetcourseError, PacketError, PortError
from netcourse.firewall.packet import (
    Packet,
    flag_bits,
    flag_letters,
    icmp_label,
    icmp_type_code,
    protocol_number,
)
from netcourse.protocols import ICMP_TYPES, TcpFlags, icmp_names


def test_flags_letters_and_bits_round_trip_in_scapy_order():
    for bits in range(256):
        assert flag_bits(flag_letters(bits)) == bits
    assert flag_letters(0x12) == "SA" and flag_bits("pa") == int(TcpFlags.PSH | TcpFlags.ACK)


def test_icmp_names_are_iptables_names():
    for name, (kind, code) in icmp_names(4).items():
        assert icmp_type_code(name) == (kind, code)
        assert icmp_type_code(name.upper()) == (kind, code)
    assert icmp_label(3, 3) == "port-unreachable" and icmp_label(11) == "time-exceeded"


def test_describe_names_the_icmp_type_and_code():
    error = Packet("icmp", icmp_type=3, icmp_code=3, inner=Packet("udp"))
    assert error.describe() == "icmp 192.0.2.1 -> 192.0.2.2 port-unreachable (3/3)"
    odd = Packet("icmp", icmp_type=3, icmp_code=8, inner=Packet("udp"))
    assert odd.describe().endswith("destination-unreachable (3/8)")
    assert Packet("icmp", icmp_type=15).describe().endswith("type (15/0)")


def test_requests_turn_into_their_replies():
    for number, kind in ICMP_TYPES.items():
        if kind.reply is not None:
            assert Packet("icmp", icmp_type=number).reply().icmp_type == kind.reply


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"proto": "tcp", "dport": "８０"}, PortError, "digits 0-9"),
        ({"proto": "tcp", "sport": "x"}, PortError, "source port"),
        ({"proto": "tcp", "dport": 70000}, PortError, "65535"),
        ({"proto": "６"}, PacketError, "digits 0-9"),
        ({"proto": "ipv9"}, PacketError, "unknown protocol"),
        ({"proto": "all"}, PacketError, "rules, not packets"),
        ({"proto": "udp", "src": "10.0.0.256"}, AddressError, "source"),
        ({"proto": "udp", "src": "192.0.2.1", "dst": "fd00::1"}, AddressError, "one IP version"),
        ({"proto": "tcp", "flags": "SX"}, PacketError, "'X'"),
        ({"proto": "udp", "flags": "S"}, PacketError, "only tcp"),
        ({"proto": "icmp", "icmp_type": "any"}, PacketError, "one type"),
        ({"proto": "icmp", "icmp_code": "x"}, PacketError, "ICMP code"),
        ({"proto": "icmp", "icmp_code": 300}, PacketError, "ICMP code"),
        ({"proto": "icmp", "icmp_id": -1}, PacketError, "ICMP identifier"),
        ({"proto": "icmp", "inner": "udp"}, PacketError, "inner"),
        ({"proto": "icmp", "icmp_type": 8, "inner": Packet("udp")}, PacketError, "ICMP error"),
        ({"proto": "udp", "icmp_type": 8}, PacketError, "only icmp"),
        ({"proto": "gre", "sport": 1}, PacketError, "no ports"),
        ({"proto": "tcp", "in_iface": 7}, PacketError, "in_iface"),
    ],
)
def test_bad_fields_name_what_is_wrong(kwargs, error, words):
    proto = kwargs.pop("proto")
    with pytest.raises(error) as caught:
        Packet(proto, **kwargs)
    assert words in str(caught.value)


def test_fields_after_the_protocol_are_keywords():
    with pytest.raises(TypeError):
        Packet("tcp", "192.0.2.1")  # a programmer's mistake, not a learner's


def test_protocol_numbers_and_names():
    assert protocol_number(" TCP ") == 6 and protocol_number(47) == 47
    with pytest.raises(PacketError):
        protocol_number(256)


def test_a_huge_bad_value_gives_a_short_message():
    with pytest.raises(NetcourseError) as caught:
        Packet("tcp", src="1" * 1_000_000)
    assert len(str(caught.value)) < 200


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70_000),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(
        ["tcp", "udp", "icmp", "6", "17", "1", "47", "192.0.2.9", "SA", "echo-request"]
    ),
    st.sampled_from(["3/3", "port-unreachable", "８０", "eth0", "", " ", "10.0.0.256", "-1"]),
    st.builds(list),
)
FIELDS = ["src", "dst", "sport", "dport", "flags", "icmp_type", "icmp_code", "icmp_id"]
FIELDS += ["in_iface", "out_iface", "inner"]


@settings(max_examples=600, deadline=None)
@given(
    VALUES,
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5),
    st.booleans(),
)
def test_any_fields_build_a_packet_or_raise_a_netcourse_error(proto, fields, inner):
    if inner and "inner" in fields:
        fields["inner"] = Packet("udp", src="192.0.2.2", dst="192.0.2.1")
    start = time.perf_counter()
    try:
        pkt = Packet(proto, **fields)
    except NetcourseError as exc:
        assert str(exc) and len(str(exc)) < 300
    else:
        assert 1 <= pkt.proto_number <= 255 and isinstance(pkt.describe(), str)
        answer = pkt.reply()
        assert (answer.src, answer.dst, answer.sport) == (pkt.dst, pkt.src, pkt.dport)
        assert Packet(pkt.proto, **_fields(pkt)) == pkt
    assert time.perf_counter() - start < 1.0


def _fields(pkt: Packet) -> dict:
    names = ["src", "dst", "sport", "dport", "flags", "icmp_type", "icmp_code", "icmp_id"]
    return {name: getattr(pkt, name) for name in names + ["inner", "in_iface", "out_iface"]}


@pytest.mark.parametrize("name", ["", "a" * 16, "eth/0", "eth 0", "1" * 1_000_000])
def test_interface_names_follow_the_kernels_limits(name):
    """Linux names fit IFNAMSIZ (15 characters and a NUL), with no '/' or spaces."""
    from netcourse.firewall.packet import Packet

    with pytest.raises(PacketError, match="1-15 characters") as exc:
        Packet("tcp", src="192.0.2.1", dst="192.0.2.2", dport=80, in_iface=name)
    assert len(str(exc.value)) < 200
    assert Packet("tcp", src="192.0.2.1", dst="192.0.2.2", dport=80, in_iface="a" * 15)


def test_repr_names_each_field_once_and_reads_back():
    """The repr is the call that makes the packet: every field at most once."""
    pkt = Packet("tcp", src="192.0.2.1", dst="192.0.2.2", sport=1, dport=2, ttl=63, mark=5,
                 in_iface="wan", out_iface="lan")  # fmt: skip
    text = repr(pkt)
    names = [part.split("=")[0] for part in text[len("Packet(") : -1].split(", ")[1:]]
    assert len(names) == len(set(names)), text
    assert eval(text, {"Packet": Packet}) == pkt
