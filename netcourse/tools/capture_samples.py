"""Record the course's shipped captures from real traffic between two network namespaces.

Needs root, ``ip`` (iproute2) and ``dumpcap`` (comes with tshark). Learners never run this:
the resulting small files are committed under ``netcourse/data/captures/`` and found with
:func:`netcourse.packets.sample`.

Re-record every capture (writes into netcourse/data/captures, or ``--out DIR``)::

    sudo .venv/bin/python -m netcourse.tools.capture_samples
    sudo .venv/bin/python -m netcourse.tools.capture_samples --only http --out /tmp/caps

What it does, for each capture: creates two namespaces ``nc-cap-a`` and ``nc-cap-b`` joined by a
veth pair with fixed MAC addresses (02:00:5e:00:00:0a and :0b), addresses 198.18.0.1/24 and
198.18.0.2/24 (benchmarking range, RFC 2544) and fd00::1/64, fd00::2/64; starts ``dumpcap`` on
``veth-a`` inside ``nc-cap-a`` with a capture filter; makes the traffic; stops the capture; and
deletes both namespaces (also when something fails). Nothing touches the host's interfaces.

==========  =====================================================================  ======
name        traffic                                                                format
==========  =====================================================================  ======
arp-icmp    ARP who-has / is-at, then two ICMP echo requests and their replies     pcap
http        TCP handshake, one HTTP/1.1 GET to python's http.server, teardown      pcap
udp         a UDP echo exchange, then a datagram to a closed port (ICMP unreach.)  pcap
ipv6        neighbour solicitation / advertisement, then two ICMPv6 echo pairs     pcapng
vlan        ARP and ICMP echo on 802.1Q VLAN 100, tagged on the wire               pcap
==========  =====================================================================  ======

VLAN: the script first adds kernel VLAN subinterfaces ``veth-a.100`` / ``veth-b.100``
(198.18.100.1/24 and .2/24) and pings across them. A kernel without the 8021q module (as in
some VMs) refuses that; the script then tags in user space instead: host A sends tagged ARP and
ICMP echo frames from a packet socket and a small responder on host B answers with tagged
frames. Either way the capture holds real frames that crossed the veth link.

Content is deterministic except timestamps, the HTTP Date header and checksums depending on
them; client ports, ICMP ids and MAC addresses are fixed.

>>> sorted(CAPTURES)
['arp-icmp', 'http', 'ipv6', 'udp', 'vlan']
>>> CAPTURES["http"][:2]
('http.pcap', 'tcp port 8000')
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netcourse.tools import netns

__all__ = ["CAPTURES", "record", "main"]

NS_A, NS_B = "nc-cap-a", "nc-cap-b"
MAC_A, MAC_B = "02:00:5e:00:00:0a", "02:00:5e:00:00:0b"
IP_A, IP_B = "198.18.0.1", "198.18.0.2"
IP6_A, IP6_B = "fd00::1", "fd00::2"
VLAN_ID = 100
VLAN_IP_A, VLAN_IP_B = "198.18.100.1", "198.18.100.2"
CLIENT_PORT = 40000
HTTP_PORT = 8000
ECHO_PORT = 7
CLOSED_PORT = 9
ICMP_ID = 0x4E43  # "NC"

#: name -> (file name, dumpcap capture filter, traffic step)
CAPTURES: dict[str, tuple[str, str, str]] = {
    "arp-icmp": ("arp-icmp.pcap", "arp or icmp", "ping4"),
    "http": ("http.pcap", f"tcp port {HTTP_PORT}", "http"),
    "udp": ("udp.pcap", "udp or icmp", "udp"),
    "ipv6": (
        "ipv6.pcapng",
        "icmp6 and (ip6[40] == 128 or ip6[40] == 129 or ip6[40] >= 135)",
        "ping6",
    ),
    "vlan": ("vlan.pcap", "vlan", "vlan"),
}


_run = netns.run


def _step(name: str, ns: str, timeout: float = 20) -> None:
    _run(
        sys.executable,
        "-m",
        "netcourse.tools.capture_samples",
        "--step",
        name,
        ns=ns,
        timeout=timeout,
    )


@contextlib.contextmanager
def _namespaces(vlan: bool = False):
    """Two namespaces joined by a veth pair; always deleted afterwards."""
    try:
        for ns in (NS_A, NS_B):
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "set", "lo", "up", ns=ns)
            _run("sysctl", "-q", "-w", "net.ipv6.conf.all.router_solicitations=0", ns=ns)
            _run("sysctl", "-q", "-w", "net.ipv6.conf.default.router_solicitations=0", ns=ns)
            _run("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", ns=ns)
        _run(
            "ip",
            "link",
            "add",
            "veth-a",
            "netns",
            NS_A,
            "address",
            MAC_A,
            "type",
            "veth",
            "peer",
            "name",
            "veth-b",
            "netns",
            NS_B,
            "address",
            MAC_B,
        )
        for ns, dev, ip4, ip6 in ((NS_A, "veth-a", IP_A, IP6_A), (NS_B, "veth-b", IP_B, IP6_B)):
            _run("ip", "addr", "add", f"{ip4}/24", "dev", dev, ns=ns)
            _run("ip", "-6", "addr", "add", f"{ip6}/64", "dev", dev, "nodad", ns=ns)
            _run("ip", "link", "set", dev, "up", ns=ns)
        kernel_vlan = vlan
        for ns, dev in ((NS_A, "veth-a"), (NS_B, "veth-b")):
            if not kernel_vlan:
                break
            sub = f"{dev}.{VLAN_ID}"
            vip = VLAN_IP_A if ns == NS_A else VLAN_IP_B
            try:
                _run(
                    "ip",
                    "link",
                    "add",
                    "link",
                    dev,
                    "name",
                    sub,
                    "type",
                    "vlan",
                    "id",
                    str(VLAN_ID),
                    ns=ns,
                )
            except subprocess.CalledProcessError:  # kernel without 8021q: tag in user space
                kernel_vlan = False
                break
            _run("ip", "addr", "add", f"{vip}/24", "dev", sub, ns=ns)
            _run("ip", "link", "set", sub, "up", ns=ns)
        time.sleep(0.5)  # let the links settle before capturing
        yield kernel_vlan
    finally:
        netns.delete((NS_A, NS_B))


_SELF = "netcourse.tools.capture_samples"  # this module, run again inside a namespace


def _spawn(namespace: str, *python_args: str) -> subprocess.Popen:
    """Start this Python inside a namespace (a server the capture talks to), output discarded."""
    return subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, *python_args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _dumpcap(out: Path, capture_filter: str, pcapng: bool):
    """Capture on veth-a inside NS_A into ``out`` until the block ends."""
    return netns.dumpcap(
        out, ns=NS_A, interface="veth-a", capture_filter=capture_filter, pcapng=pcapng
    )


def record(name: str, out_dir: Path) -> Path:
    """Record one capture (root only) and return its path."""
    file_name, capture_filter, step = CAPTURES[name]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / file_name
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        raw = Path(tmp) / file_name
        with _namespaces(vlan=(step == "vlan")) as kernel_vlan:
            server = None
            try:
                if step == "vlan" and not kernel_vlan:
                    step = "vlan-user"
                    server = _spawn(NS_B, "-m", _SELF, "--step", "vlan-host")
                    time.sleep(1.5)
                if step == "http":
                    server = _spawn(
                        NS_B,
                        "-m",
                        "http.server",
                        "--protocol",
                        "HTTP/1.1",
                        "--bind",
                        IP_B,
                        "--directory",
                        tmp,
                        str(HTTP_PORT),
                    )
                    (Path(tmp) / "hello.txt").write_text("Hello from netcourse!\n")
                    _step("wait-http", NS_A)
                elif step == "udp":
                    server = _spawn(NS_B, "-m", _SELF, "--step", "udp-echo")
                    time.sleep(1.0)
                with _dumpcap(raw, capture_filter, pcapng=file_name.endswith(".pcapng")):
                    _step(step, NS_A)
            finally:
                if server is not None:
                    server.terminate()
                    try:
                        server.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait(timeout=5)
        shutil.copyfile(raw, target)
    return target


# --- traffic steps, each run inside a namespace by `--step NAME` -------------------------------


def _icmp_echo(family: int, dst: str, count: int = 2) -> None:

    logging.getLogger("scapy").setLevel(logging.ERROR)
    # scapy is heavy: loaded only to build frames
    from scapy.layers.inet import ICMP
    from scapy.layers.inet6 import ICMPv6EchoRequest

    proto = socket.IPPROTO_ICMP if family == socket.AF_INET else socket.IPPROTO_ICMPV6
    with socket.socket(family, socket.SOCK_RAW, proto) as sock:
        sock.settimeout(2)
        for seq in range(1, count + 1):
            payload = b"netcourse ping " + bytes([seq])
            if family == socket.AF_INET:
                data = bytes(ICMP(type=8, id=ICMP_ID, seq=seq) / payload)
            else:  # the kernel fills the ICMPv6 checksum of raw sockets
                data = bytes(ICMPv6EchoRequest(id=ICMP_ID, seq=seq, cksum=0) / payload)
            sock.sendto(data, (dst, 0))
            with contextlib.suppress(TimeoutError):
                sock.recv(2048)
            time.sleep(0.2)


def _steps(name: str) -> None:

    if name == "ping4":
        _icmp_echo(socket.AF_INET, IP_B)
    elif name == "ping6":
        _icmp_echo(socket.AF_INET6, IP6_B)
    elif name == "vlan":
        _icmp_echo(socket.AF_INET, VLAN_IP_B)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((VLAN_IP_A, CLIENT_PORT))
            sock.sendto(b"tagged hello", (VLAN_IP_B, CLOSED_PORT))
            time.sleep(0.2)
    elif name == "wait-http":
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection((IP_B, HTTP_PORT), timeout=1).close()
                return
            time.sleep(0.1)
        raise RuntimeError("http.server did not start")
    elif name == "http":
        conn = http.client.HTTPConnection(
            IP_B, HTTP_PORT, timeout=5, source_address=(IP_A, CLIENT_PORT)
        )
        conn.request("GET", "/hello.txt", headers={"User-Agent": "netcourse"})
        conn.getresponse().read()
        conn.close()
    elif name == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            sock.bind((IP_A, CLIENT_PORT))
            sock.sendto(b"hello, echo", (IP_B, ECHO_PORT))
            sock.recv(2048)
            sock.sendto(b"anyone there?", (IP_B, CLOSED_PORT))
            time.sleep(0.3)
    elif name == "udp-echo":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(10)
            sock.bind((IP_B, ECHO_PORT))
            data, peer = sock.recvfrom(2048)
            sock.sendto(data, peer)
    elif name == "vlan-user":
        _vlan_user_client()
    elif name == "vlan-host":
        _vlan_user_host()
    else:
        raise SystemExit(f"unknown step {name!r}")


# --- VLAN without the kernel's 8021q module: both ends tag their frames in user space ---------


def _packet_socket(dev: str):

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((dev, 0))
    sock.settimeout(0.2)
    return sock


def _tagged(src_mac: str, dst_mac: str, payload):

    logging.getLogger("scapy").setLevel(logging.ERROR)
    # scapy is heavy: loaded only to build frames
    from scapy.layers.l2 import Dot1Q, Ether

    return bytes(Ether(src=src_mac, dst=dst_mac) / Dot1Q(vlan=VLAN_ID) / payload)


def _vlan_user_client() -> None:
    """Host A on VLAN 100: resolve B with a tagged ARP request, then ping it twice."""
    # scapy is heavy: loaded only to build frames
    from scapy.layers.inet import ICMP, IP
    from scapy.layers.l2 import ARP, Ether

    with _packet_socket("veth-a") as sock:
        who_has = ARP(op=1, hwsrc=MAC_A, psrc=VLAN_IP_A, pdst=VLAN_IP_B)
        sock.send(_tagged(MAC_A, "ff:ff:ff:ff:ff:ff", who_has))
        peer_mac = None
        deadline = time.monotonic() + 3
        while peer_mac is None and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                pkt = Ether(sock.recv(2048))
                if ARP in pkt and pkt[ARP].op == 2 and pkt[ARP].psrc == VLAN_IP_B:
                    peer_mac = pkt[ARP].hwsrc
        if peer_mac is None:
            raise RuntimeError("no ARP reply on VLAN 100")
        for seq in (1, 2):
            echo = IP(src=VLAN_IP_A, dst=VLAN_IP_B, id=seq) / ICMP(type=8, id=ICMP_ID, seq=seq)
            sock.send(_tagged(MAC_A, peer_mac, echo / (b"netcourse ping " + bytes([seq]))))
            time.sleep(0.2)


def _vlan_user_host() -> None:
    """Host B on VLAN 100: answer tagged ARP requests and ICMP echo requests for a few seconds."""
    # scapy is heavy: loaded only to build frames
    from scapy.layers.inet import ICMP, IP
    from scapy.layers.l2 import ARP, Dot1Q, Ether

    with _packet_socket("veth-b") as sock:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                pkt = Ether(sock.recv(2048))
            except TimeoutError:
                continue
            # the kernel moves a received tag into packet metadata, so match on addresses
            if pkt.src == MAC_B or (Dot1Q in pkt and pkt[Dot1Q].vlan != VLAN_ID):
                continue
            if ARP in pkt and pkt[ARP].op == 1 and pkt[ARP].pdst == VLAN_IP_B:
                is_at = ARP(op=2, hwsrc=MAC_B, psrc=VLAN_IP_B, hwdst=pkt.src, pdst=pkt[ARP].psrc)
                sock.send(_tagged(MAC_B, pkt.src, is_at))
            elif ICMP in pkt and pkt[ICMP].type == 8 and pkt[IP].dst == VLAN_IP_B:
                request = pkt[ICMP]
                reply = IP(src=VLAN_IP_B, dst=pkt[IP].src, id=0x1000 + request.seq) / ICMP(
                    type=0, id=request.id, seq=request.seq
                )
                sock.send(_tagged(MAC_B, pkt.src, reply / bytes(request.payload)))


def main(argv: list[str] | None = None) -> int:
    """Record the captures named on the command line (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CAPTURES), default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        _steps(args.step)
        return 0
    if os.geteuid() != 0:
        print("capture_samples needs root (network namespaces and dumpcap)", file=sys.stderr)
        return 2
    out = args.out or Path(__file__).resolve().parent.parent / "data" / "captures"
    for name in args.only or list(CAPTURES):
        path = record(name, out)
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
