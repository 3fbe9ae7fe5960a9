"""Differential test: the home router's NAT model (netcourse.journey.home) rewrites exactly as
Linux's MASQUERADE does.

Three network namespaces (laptop, router, server) joined by veth pairs, documentation and
benchmarking addresses only; the router runs the model's own MASQUERADE rule (home_ruleset).
A real TCP connection goes through, and the 4-tuples each end sees must equal the model's
rewrite (request) and its reverse (reply). Needs root, ip and iptables; namespaces are always
deleted.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from netcourse.journey import NatTable

pytestmark = pytest.mark.root

LAPTOP, ROUTER_LAN, ROUTER_WAN, SERVER = "198.18.1.7", "198.18.1.1", "198.51.100.23", "203.0.113.10"
SPORT, DPORT, FIRST_PORT = 51514, 443, 40000


def _need_root():
    if os.geteuid() != 0:
        pytest.skip("needs root to create network namespaces")
    for tool in ("ip", "iptables"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs the {tool} command")


def _run(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True, timeout=20)


@pytest.fixture
def namespaces():
    _need_root()
    tag = f"ncj{os.getpid() % 100000}"
    names = {role: f"{tag}-{role}" for role in ("lan", "rtr", "srv")}
    try:
        for name in names.values():
            _run("ip", "netns", "add", name)
        lan, rtr, srv = names["lan"], names["rtr"], names["srv"]
        _run(
            "ip",
            "link",
            "add",
            f"{tag}a",
            "netns",
            lan,
            "type",
            "veth",
            "peer",
            "name",
            f"{tag}b",
            "netns",
            rtr,
        )
        _run(
            "ip",
            "link",
            "add",
            f"{tag}c",
            "netns",
            rtr,
            "type",
            "veth",
            "peer",
            "name",
            f"{tag}d",
            "netns",
            srv,
        )
        steps = [
            (lan, "ip addr add 198.18.1.7/24 dev {tag}a"),
            (lan, "ip link set {tag}a up"),
            (lan, "ip link set lo up"),
            (lan, "ip route add default via 198.18.1.1"),
            (rtr, "ip addr add 198.18.1.1/24 dev {tag}b"),
            (rtr, "ip addr add 198.51.100.23/24 dev {tag}c"),
            (rtr, "ip link set {tag}b up"),
            (rtr, "ip link set {tag}c up"),
            (rtr, "ip route add 203.0.113.0/24 dev {tag}c"),
            (rtr, "sysctl -qw net.ipv4.ip_forward=1"),
            (
                rtr,
                "iptables -t nat -A POSTROUTING -o {tag}c -p tcp -j MASQUERADE --to-ports "
                "40000-65535",
            ),
            (srv, "ip addr add 203.0.113.10/24 dev {tag}d"),
            (srv, "ip addr add 198.51.100.1/24 dev {tag}d"),
            (srv, "ip link set {tag}d up"),
            (srv, "ip link set lo up"),
        ]
        for ns, command in steps:
            _run("ip", "netns", "exec", ns, *command.format(tag=tag).split())
        yield names
    finally:
        for name in names.values():
            _run("ip", "netns", "delete", name, check=False)


SERVER_CODE = textwrap.dedent(
    """
    import json, socket
    s = socket.socket(); s.settimeout(10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("203.0.113.10", 443)); s.listen(1)
    print("ready", flush=True)
    conn, peer = s.accept(); conn.settimeout(10)
    conn.recv(100); conn.sendall(b"hi")
    print(json.dumps({"local": conn.getsockname(), "peer": peer}), flush=True)
    conn.close(); s.close()
    """
)

CLIENT_CODE = textwrap.dedent(
    """
    import json, socket
    c = socket.socket(); c.settimeout(10)
    c.bind(("198.18.1.7", 51514)); c.connect(("203.0.113.10", 443))
    c.sendall(b"GET"); data = c.recv(100)
    print(json.dumps({"local": c.getsockname(), "peer": c.getpeername(), "data": data.decode()}))
    c.close()
    """
)


def test_model_nat_equals_kernel_snat(namespaces):
    server = subprocess.Popen(
        ["ip", "netns", "exec", namespaces["srv"], sys.executable, "-c", SERVER_CODE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().strip() == "ready"
        client = _run("ip", "netns", "exec", namespaces["lan"], sys.executable, "-c", CLIENT_CODE)
        out, _ = server.communicate(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=5)
    seen_by_server = json.loads(out.strip().splitlines()[-1])
    seen_by_client = json.loads(client.stdout)
    assert seen_by_client["data"] == "hi"

    request = (LAPTOP, SPORT, SERVER, DPORT)
    nat, entry = NatTable().outbound(request, ROUTER_WAN, FIRST_PORT)
    rewritten = NatTable.translate_out(request, entry)
    kernel_request = (*seen_by_server["peer"], *seen_by_server["local"])
    assert tuple(kernel_request) == rewritten

    reply = (rewritten[2], rewritten[3], rewritten[0], rewritten[1])
    assert nat.inbound(reply) == entry
    back = NatTable.translate_in(reply, entry)
    kernel_reply = (*seen_by_client["peer"], *seen_by_client["local"])
    assert tuple(kernel_reply) == back
