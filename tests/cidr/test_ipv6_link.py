"""IPv6 on the link: anycast addresses, link-local addresses, Neighbor Discovery, the router.

Checked against the RFCs' numbers, the shipped capture, tshark and the Linux kernel (which
joins the Subnet-Router anycast address of each prefix on a forwarding interface, skips it on
a /127 as RFC 6164 says, and makes each interface's link-local address from its MAC).
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.cidr import (
    link_local,
    route_decision,
    router_advertisement,
    solicited_node,
    subnet,
)
from netcourse.errors import AddressError
from netcourse.packets import dissect, frame, read_capture, sample


def test_a_64s_anycast_addresses_are_the_rfcs():
    got = subnet("2001:db8:1234:5678::1/64")
    # RFC 4291 2.6.1: the prefix with a zero interface identifier
    assert got.subnet_router_anycast == "2001:db8:1234:5678::"
    # RFC 2526 section 2 and RFC 5453: interface identifiers FDFF:FFFF:FFFF:FF80-FF
    assert got.reserved_anycast == (
        "2001:db8:1234:5678:fdff:ffff:ffff:ff80",
        "2001:db8:1234:5678:fdff:ffff:ffff:ffff",
    )
    assert got.usable_hosts == 18_446_744_073_709_551_487  # 2**64 - 129
    assert got.first_host == "2001:db8:1234:5678::1"
    assert got.last_host == "2001:db8:1234:5678:ffff:ffff:ffff:ffff"  # above the reserved span
    html = got._repr_html_()
    assert "Subnet-Router anycast" in html and "fdff:ffff:ffff:ff80" in html


def test_smaller_and_larger_ipv6_blocks():
    assert subnet("2001:db8::/120").reserved_anycast == ("2001:db8::80", "2001:db8::ff")
    assert subnet("2001:db8::/120").usable_hosts == 256 - 129
    assert (subnet("2001:db8::/124").usable_hosts, subnet("2001:db8::/124").reserved_anycast) == (
        15,
        None,
    )
    p2p = subnet("2001:db8::/127")  # RFC 6164: both addresses for the two ends
    assert (p2p.usable_hosts, p2p.subnet_router_anycast) == (2, None)
    site = subnet("2001:db8:1::/48")  # 65,536 links of /64, each keeping its own 129
    assert site.usable_hosts == 2**80 - 129 * 2**16
    assert "in each /64" in site._repr_html_()
    assert subnet("10.0.0.0/24").subnet_router_anycast is None  # IPv4 has none


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=6, max_size=6))
def test_link_local_is_modified_eui64(raw):
    mac = ":".join(f"{b:02x}" for b in raw)
    got = ipaddress.IPv6Address(link_local(mac))
    assert got in ipaddress.ip_network("fe80::/64")
    iid = got.packed[8:]
    assert iid[3:5] == b"\xff\xfe"  # RFC 4291 appendix A: ff:fe in the middle
    assert bytes([iid[0] ^ 0x02]) + iid[1:3] + iid[5:] == raw  # the U/L bit flipped back
    assert subnet(str(got)).scope == "link-local"


def test_solicited_node_matches_the_shipped_capture():
    capture = read_capture(sample("ipv6"))
    solicitation = dissect(frame("ipv6", 1))
    assert solicitation.summary.startswith("Ether / IPv6 / ICMPv6ND_NS")
    target = solicitation["ICMPv6ND_NS"]["tgt"].value
    assert solicited_node(target) == solicitation["IPv6"]["dst"].value == "ff02::1:ff00:2"
    # the Ethernet destination is the group's MAC: 33:33 and the group's last 32 bits
    assert solicitation["Ether"]["dst"].value == "33:33:ff:00:00:02"
    names = [dissect(frame("ipv6", n)).summary.split(" / ")[2] for n in range(1, len(capture) + 1)]
    assert "ICMPv6ND_RA" not in names  # why the lesson builds its Router Advertisement
    assert solicited_node("2001:db8::abcd:1234:5678") == "ff02::1:ff34:5678"
    with pytest.raises(AddressError, match="IPv4 asks with ARP"):
        solicited_node("10.0.0.1")


def test_router_advertisement_and_the_link_local_gateway():
    ra = dissect(router_advertisement("02:00:5e:00:00:01", "2001:db8:1::/64"))
    assert ra["IPv6"]["src"].value == link_local("02:00:5e:00:00:01") == "fe80::5eff:fe00:1"
    assert (ra["IPv6"]["dst"].value, ra["IPv6"]["hlim"].value) == ("ff02::1", "255")
    assert ra["ICMPv6NDOptPrefixInfo"]["prefix"].value == "2001:db8:1::"
    assert ra["ICMPv6NDOptSrcLLAddr"]["lladdr"].value == "02:00:5e:00:00:01"
    assert not ra.malformed
    hop = route_decision("2001:db8:1::7/64", "2001:db8:9::1", gateway=ra["IPv6"]["src"].value)
    assert (hop.direct, hop.next_hop) == (False, "fe80::5eff:fe00:1")
    assert "neighbour discovery" in hop.explanation
    with pytest.raises(AddressError, match="link-local fe80:: address"):
        route_decision("2001:db8:1::7/64", "2001:db8:9::1", gateway="2001:db8:2::1")
    with pytest.raises(AddressError, match="not inside"):
        route_decision("10.0.1.7/24", "10.0.2.1", gateway="fe80::1")
    for bad in ("2001:db8:1::/56", "10.0.0.0/24"):
        with pytest.raises(AddressError, match="an IPv6 /64"):
            router_advertisement("02:00:5e:00:00:01", bad)
    with pytest.raises(AddressError):
        router_advertisement("02:00:5e:00:00:zz", "2001:db8:1::/64")


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_tshark_reads_the_router_advertisement(tmp_path):
    from netcourse.packets import write_capture

    path = tmp_path / "ra.pcap"
    write_capture(path, [router_advertisement("02:00:5e:00:00:01", "2001:db8:1::/64")])
    fields = ["icmpv6.type", "icmpv6.checksum.status", "icmpv6.opt.prefix", "ipv6.src"]
    out = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", *(f for n in fields for f in ("-e", n))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out == ["134", "1", "2001:db8:1::", "fe80::5eff:fe00:1"]  # 1: checksum good


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)


@pytest.mark.root
def test_the_kernels_anycast_and_link_local_addresses_agree():
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("needs root and iproute2 to configure addresses in a network namespace")
    prefixes = ["fd00:3::1/64", "fd00:3:1::/127", "fd00:3:2::1/120", "fd00:3:3::1/48"]
    ns = f"nc03-v6-{os.getpid()}"
    _run("ip", "netns", "add", ns)
    try:
        _run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        _run("ip", "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        for name in ("v0", "v1"):
            _run("ip", "-n", ns, "link", "set", name, "up")
        for prefix in prefixes:
            _run("ip", "-n", ns, "addr", "add", prefix, "dev", "v0", "nodad")
        anycast = _run("ip", "netns", "exec", ns, "cat", "/proc/net/anycast6").stdout
        links = json.loads(_run("ip", "-n", ns, "-j", "addr", "show", "dev", "v0").stdout)
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)
    kernel = {
        str(ipaddress.IPv6Address(bytes.fromhex(line.split()[2])))
        for line in anycast.splitlines()
        if line.split()[1] == "v0"
    }
    ours = {subnet(p).subnet_router_anycast for p in prefixes} - {None}
    assert kernel == ours == {"fd00:3::", "fd00:3:2::", "fd00:3:3::"}  # none for the /127
    mac = links[0]["address"]
    local = {a["local"] for a in links[0]["addr_info"] if a.get("scope") == "link"}
    assert local == {link_local(mac)}
