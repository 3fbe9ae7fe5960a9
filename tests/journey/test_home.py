"""The home network (netcourse.journey.home): hosts, the router, NAT and its exact reverse."""

import dataclasses
import ipaddress
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import JourneyError
from netcourse.journey import HomeHost, HomeRouter, NatTable, scenario

PRIVATE = st.builds(lambda c, d: f"10.0.{c}.{d}", st.integers(0, 255), st.integers(1, 254))
PORT = st.integers(1024, 65535)


@settings(max_examples=60, deadline=None)
@given(src=PRIVATE, sport=PORT, dport=st.integers(1, 65535), first=st.integers(1024, 60000))
def test_nat_rewrite_and_reverse_are_exact(src, sport, dport, first):
    request = (src, sport, "203.0.113.10", dport)
    nat, entry = NatTable().outbound(request, "198.51.100.23", first)
    out = NatTable.translate_out(request, entry)
    # MASQUERADE --to-ports FIRST-65535: a port in the range is kept, one below it moves up
    # to the first free one (iptables-extensions(8), MASQUERADE and nf_nat's port choice)
    kept = sport if sport >= first else first
    assert out == ("198.51.100.23", kept, "203.0.113.10", dport)
    reply = (out[2], out[3], out[0], out[1])
    assert nat.inbound(reply) == entry
    back = NatTable.translate_in(reply, entry)
    assert back == (request[2], request[3], request[0], request[1])
    # a packet from anyone else, or to another port, has no mapping
    assert nat.inbound(("192.0.2.99", dport, out[0], out[1])) is None
    assert nat.inbound((out[2], out[3], out[0], out[1] + 1 if out[1] < 65535 else 1)) is None


def test_nat_allocates_distinct_outside_ports_and_reuses_a_mapping():
    nat = NatTable()
    nat, a = nat.outbound(("10.0.1.7", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    nat, b = nat.outbound(("10.0.1.13", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    # the laptop keeps its port; the printer's same port would clash, so it gets the first free
    assert (a.outside_port, b.outside_port) == (51514, 40000)
    same, again = nat.outbound(("10.0.1.7", 51514, "203.0.113.10", 443), "198.51.100.23", 40000)
    assert again == a and same == nat


def test_unsolicited_packet_to_router_is_dropped():
    # the same reply to another outside port has no NAT entry: the router drops it
    sc = scenario("healthy")
    nat = NatTable()
    assert nat.inbound(("203.0.113.10", 443, sc.router.wan_ip, 40000)) is None
    nat, entry = nat.outbound(("10.0.1.7", 51514, "203.0.113.10", 443), sc.router.wan_ip, 40000)
    assert nat.inbound(("203.0.113.10", 443, sc.router.wan_ip, 51514)) == entry
    assert nat.inbound(("203.0.113.10", 443, sc.router.wan_ip, 40000)) is None


# --- every field read strictly --------------------------------------------------------------


odd = st.one_of(
    st.text(alphabet="0123456789abcdef.:/- x", max_size=20),
    st.integers(-3, 70000),
    st.none(),
    st.sampled_from(["10.0.1.9", "255.255.0.0", "02:00:00:00:00:aa", "2001:db8::1", "/16"]),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([f.name for f in dataclasses.fields(HomeRouter)]), odd)
def test_router_fields_are_read_or_named(name, value):
    try:
        router = HomeRouter(**{name: value})
    except JourneyError as exc:
        assert str(exc).startswith(f"{name}: ")
        return
    got = getattr(router, name)
    if name.endswith("_ip") or name == "isp_gateway":
        assert got == str(ipaddress.IPv4Address(value))
    elif name.endswith("_netmask"):
        text = value.strip().lstrip("/") if isinstance(value, str) else value
        prefix = ipaddress.IPv4Network(f"0.0.0.0/{text}").prefixlen
        assert got == str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)
    elif name.endswith("_mac"):
        groups = re.split(r"[:.-]", value.strip())
        base = {6: 256, 3: 65536, 1: 1}[len(groups)]
        number = 0
        for group in groups:
            number = number * base + int(group, 16)
        assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", got)
        assert int(got.replace(":", ""), 16) == number
    else:
        assert got == int(value) and got >= 1


def test_host_and_router_errors_name_the_field():
    with pytest.raises(JourneyError, match=r"^lan_ip: 'bad/24'"):
        HomeRouter("bad/24")  # netaddr's AddrFormatError once escaped from .lan
    with pytest.raises(JourneyError, match=r"^mac: '12345': not a MAC address"):
        HomeHost("laptop", "10.0.1.7", "255.255.255.0", "12345", "10.0.1.1", 1)
    with pytest.raises(JourneyError, match=r"^netmask: .* not contiguous"):
        HomeHost("laptop", "10.0.1.7", "255.0.255.0", "02:00:00:00:00:07", None, 1)
    with pytest.raises(JourneyError, match=r"^switch_port: "):
        HomeHost("laptop", "10.0.1.7", "255.255.255.0", "02:00:00:00:00:07", None, "１")
    host = HomeHost("laptop", " 10.0.1.7 ", "/24", "02-00-00-00-00-0A", "10.0.1.1", "3")
    assert (host.ip, host.netmask, host.mac, host.switch_port) == (
        "10.0.1.7",
        "255.255.255.0",
        "02:00:00:00:00:0a",
        3,
    )


def test_nat_table_reads_its_four_tuples():
    with pytest.raises(JourneyError, match="src_port: 'abc'"):
        NatTable().outbound(("10.0.1.7", "abc", "203.0.113.10", 443), "198.51.100.23", 40000)
    with pytest.raises(JourneyError, match="first_port: 70000"):
        NatTable().outbound(("10.0.1.7", 1, "203.0.113.10", 443), "198.51.100.23", 70000)
    with pytest.raises(JourneyError, match="a four_tuple is"):
        NatTable().inbound(("203.0.113.10", 443))
