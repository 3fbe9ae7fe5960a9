"""The DNS lookup and the TLS ClientHello before the request, judged by Wireshark (tshark's
PDML: field values and byte offsets) rather than by the code that built them."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from scapy.utils import wrpcap

from netcourse.errors import JourneyError
from netcourse.journey import apply_fix, scenario
from netcourse.journey.opening import (
    HOST_NAME,
    RESOLVER,
    client_hello,
    dns_exchange,
    server_name,
)
from netcourse.journey.pdu import parse, rewrite

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def pdml(frames, tmp_path) -> list[dict[str, list[ET.Element]]]:
    """tshark's PDML of the frames: per frame, each field name's elements (with pos, size)."""
    capture = tmp_path / "frames.pcap"
    wrpcap(str(capture), [parse(f) for f in frames])
    out = subprocess.run(
        ["tshark", "-r", str(capture), "-T", "pdml", "-o", "udp.check_checksum:TRUE",
         "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    packets = []
    for packet in ET.fromstring(out.stdout).iter("packet"):
        fields: dict[str, list[ET.Element]] = {}
        for element in packet.iter("field"):
            fields.setdefault(element.get("name"), []).append(element)
        packets.append(fields)
    return packets


def shown(fields, name) -> list[str]:
    return [e.get("show") for e in fields.get(name, [])]


@pytest.fixture(scope="module")
def healthy():
    return scenario("healthy")


@needs_tshark
def test_wireshark_reads_the_dns_query_and_answer(healthy, tmp_path):
    """RFC 1035: a standard query (QR 0, RD 1) for an A record, and a response (QR 1) whose
    answer is the server's public address: the address the journey's request goes to."""
    lookup = dns_exchange(healthy)
    query, query_out, response, response_in = pdml(lookup.frames, tmp_path)
    journey = healthy.run()
    server = parse(journey.step(2).pdu)["IP"].dst
    for fields in (query, query_out, response, response_in):
        assert shown(fields, "dns.qry.name") == [HOST_NAME]
        assert shown(fields, "udp.checksum.status") == ["1"]  # Good
        assert shown(fields, "ip.checksum.status") == ["1"]
        assert "_ws.malformed" not in fields and "_ws.expert" not in fields
    assert shown(query, "dns.flags.response") == ["0"] and shown(query, "dns.flags.recdesired") == [
        "1"
    ]
    assert shown(response_in, "dns.a") == [server] == [lookup.answer]
    assert shown(query, "ip.dst") == [RESOLVER] and shown(query, "eth.dst") == [
        healthy.router.lan_mac
    ]  # off-subnet: to the gateway's MAC


@needs_tshark
def test_the_home_router_nats_the_query_as_it_nats_the_request(healthy, tmp_path):
    """The same MASQUERADE model as the request: the source becomes the router's public
    address; the answer is mapped back to the laptop's port."""
    lookup = dns_exchange(healthy)
    query, query_out, response, response_in = pdml(lookup.frames, tmp_path)
    assert (shown(query_out, "ip.src"), shown(query_out, "udp.srcport")) == (
        [healthy.router.wan_ip],
        [str(lookup.nat.outside_port)],
    )
    assert lookup.nat.proto == "udp" and lookup.nat.inside == (healthy.laptop.ip, 50123)
    assert shown(response, "ip.dst") == [healthy.router.wan_ip]
    assert (shown(response_in, "ip.dst"), shown(response_in, "udp.dstport")) == (
        [healthy.laptop.ip],
        shown(query, "udp.srcport"),
    )


@needs_tshark
def test_wireshark_finds_the_server_name_in_cleartext_where_we_say(healthy, tmp_path):
    """RFC 8446 4.1.2 and RFC 6066 section 3: a ClientHello whose server_name extension holds
    the host name; Wireshark decodes it at the same offset, and sees TLS 1.3 offered."""
    hello = client_hello(healthy)
    (fields,) = pdml([hello], tmp_path)
    assert shown(fields, "tls.handshake.type") == ["1"]
    assert "_ws.malformed" not in fields and "_ws.expert" not in fields
    (name,) = fields["tls.handshake.extensions_server_name"]
    found = server_name(hello)
    assert name.get("show") == HOST_NAME == found.name
    assert (int(name.get("pos")), int(name.get("size"))) == (found.offset, found.length)
    assert shown(fields, "tls.handshake.extensions.supported_version") == ["0x0304"]
    assert shown(fields, "tcp.checksum.status") == ["1"]


def test_the_server_name_survives_nat(healthy):
    """NAT rewrites addresses and ports, never the payload: after the home router the name is
    still readable by every device on the path."""
    hello = client_hello(healthy)
    natted = rewrite(hello, src=healthy.router.wan_ip, sport=40001)
    assert server_name(natted).name == HOST_NAME


def test_another_name_moves_the_bytes(healthy):
    hello = client_hello(healthy, "shop.example.org")
    found = server_name(hello)
    assert hello[found.offset : found.offset + found.length] == b"shop.example.org"
    assert dns_exchange(healthy, "shop.example.org").name == "shop.example.org"


def test_a_frame_that_is_no_client_hello_is_refused(healthy):
    journey = healthy.run()
    with pytest.raises(JourneyError, match="not a TLS handshake record"):
        server_name(journey.segment("HTTPS request")[0].pdu)  # application data (type 23)
    with pytest.raises(JourneyError, match="no TCP segment to or from port 443"):
        server_name(dns_exchange(healthy).query)
    hello = client_hello(healthy)
    short = parse(hello)
    short["TCP"].remove_payload()
    short = bytes(short / bytes(parse(hello)["TCP"].payload)[:60])
    with pytest.raises(JourneyError, match="ends inside"):
        server_name(short)


def test_a_laptop_without_a_gateway_cannot_look_anything_up():
    with pytest.raises(JourneyError, match="no default gateway"):
        dns_exchange(scenario("no-default-route"))
    fixed = apply_fix(scenario("no-default-route"), "set-default-gateway")
    assert dns_exchange(fixed).answer == "203.0.113.10"


def test_a_laptop_that_thinks_the_resolver_is_on_its_lan_gets_no_answer():
    with pytest.raises(JourneyError, match="puts the resolver 198.51.100.53 on its own LAN"):
        dns_exchange(scenario("wrong-netmask"))
