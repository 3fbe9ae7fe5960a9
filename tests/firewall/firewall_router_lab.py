"""A router lab for the NAT differential test: client -- router -- server, all four tables.

client eth0 198.18.0.1/24 (and CLIENT_HOSTS) <-> router eth0 198.18.0.2/24 | router eth1
198.19.0.2/24 (and 198.19.0.3, 198.19.0.4) <-> server eth0 198.19.0.1/24 (and SERVER_HOSTS).
Rulesets are loaded into the router with iptables-restore and read back with iptables-save
-c (every table's rule and policy counters). Client and server send from raw sockets and see
what reaches them on AF_PACKET sockets; their own INPUT drops everything, so they never
answer by themselves. The router holds silent UDP sockets on LOCAL_PORTS, so packets it
delivers to itself are received without an answer (an answer would cross its OUTPUT chains
and move counters the test does not predict). Namespaces are named fwnat<pid>c/r/s and
always deleted by close().
"""

from __future__ import annotations

import ctypes
import os
import re
import select
import socket
import subprocess
import time
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
CLIENT_NET, SERVER_NET = "198.18.0.0/24", "198.19.0.0/24"
CLIENT, SERVER = "198.18.0.1", "198.19.0.1"
CLIENT_HOSTS = ("198.18.0.1", "198.18.0.5", "198.18.0.70")
SERVER_HOSTS = ("198.19.0.1", "198.19.0.10", "198.19.0.11", "198.19.0.12")
ROUTER_LAN, ROUTER_WAN = "198.18.0.2", "198.19.0.2"
#: The router's interfaces as Firewall.traverse takes them (first address primary).
ROUTER_INTERFACES = {
    "eth0": ("198.18.0.2/24",),
    "eth1": ("198.19.0.2/24", "198.19.0.3/24", "198.19.0.4/24"),
}
#: UDP ports the router listens on (silently): local deliveries go there, port forwards too.
LOCAL_PORTS = (5353, 6000, 80, 443, 2222)
_RULE = re.compile(r"^\[(\d+):(\d+)\] -A (\S+)(?: |$)")
_POLICY = re.compile(r"^:(\S+) (ACCEPT|DROP) \[(\d+):(\d+)\]")
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def run(*args: str, input: str | None = None, timeout: float = 10) -> str:
    """Run a command, failing loudly with its stderr."""
    done = subprocess.run(
        args, input=input, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


class RouterLab:
    """The three namespaces and their sockets; always call close()."""

    def __init__(self) -> None:
        tag = f"fwnat{os.getpid()}"
        self.client, self.router, self.server = f"{tag}c", f"{tag}r", f"{tag}s"
        self.made: list[str] = []
        self.raw: dict[str, socket.socket] = {}
        self.taps: dict[str, socket.socket] = {}
        self.listeners: dict[int, socket.socket] = {}
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        c, r, s = self.client, self.router, self.server
        for name in (c, r, s):
            run("ip", "netns", "add", name)
            self.made.append(name)
        run(
            "ip", "-n", r, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", c
        )
        run(
            "ip", "-n", r, "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", s
        )
        for addr in CLIENT_HOSTS:
            run("ip", "-n", c, "addr", "add", f"{addr}/24", "dev", "eth0")
        for addr in SERVER_HOSTS:
            run("ip", "-n", s, "addr", "add", f"{addr}/24", "dev", "eth0")
        for iface, addresses in ROUTER_INTERFACES.items():
            for addr in addresses:
                run("ip", "-n", r, "addr", "add", addr, "dev", iface)
        for name, links in ((c, ["lo", "eth0"]), (r, ["lo", "eth0", "eth1"]), (s, ["lo", "eth0"])):
            for link in links:
                run("ip", "-n", name, "link", "set", link, "up")
        run("ip", "-n", c, "route", "add", SERVER_NET, "via", ROUTER_LAN)
        run("ip", "-n", s, "route", "add", CLIENT_NET, "via", ROUTER_WAN)
        run("ip", "netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        quiet = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
        for name in (c, s):
            run("ip", "netns", "exec", name, "iptables-restore", input=quiet)
        with self._inside(c):
            self.raw["client"] = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            self.taps["client"] = self._tap()
        with self._inside(s):
            self.raw["server"] = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            self.taps["server"] = self._tap()
        with self._inside(r):
            for port in LOCAL_PORTS:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sock.bind(("0.0.0.0", port))
                sock.setblocking(False)
                self.listeners[port] = sock
        # resolve every neighbour up front: no packet of a test waits for ARP
        self.load("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n")
        from scapy.layers.inet import IP, UDP

        for src in CLIENT_HOSTS:
            for dst in SERVER_HOSTS:
                self.send("client", bytes(IP(src=src, dst=dst) / UDP(sport=9, dport=9)))
                self.send("server", bytes(IP(src=dst, dst=src) / UDP(sport=9, dport=9)))
        time.sleep(0.5)
        self.captured("client")
        self.captured("server")

    @contextmanager
    def _inside(self, namespace: str):
        """Run the block with this thread inside ``namespace`` (sockets made there stay)."""
        libc = ctypes.CDLL(None, use_errno=True)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns into {namespace}")
            try:
                yield
            finally:
                if libc.setns(own, CLONE_NEWNET) != 0:  # pragma: no cover - cannot recover
                    raise OSError(ctypes.get_errno(), "setns back to the test's namespace")
        finally:
            os.close(own)
            os.close(target)

    def _tap(self) -> socket.socket:
        tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        tap.bind(("eth0", 0))
        tap.setblocking(False)
        return tap

    def router_exec(self, *args: str, input: str | None = None) -> str:
        """Run a command inside the router namespace (never on the host)."""
        return run("ip", "netns", "exec", self.router, *args, input=input)

    def load(self, ruleset: str) -> None:
        """Replace the router's tables (counters start at zero) and forget its connections."""
        self.router_exec("iptables-restore", input=ruleset + "\n")
        self.router_exec("conntrack", "-F")

    def counters(self) -> tuple[dict, dict]:
        """({(table, chain, number): packets}, {(table, chain): policy packets})."""
        return self._parse_counters(self.router_exec("iptables-save", "-c"))

    @staticmethod
    def _parse_counters(saved: str) -> tuple[dict, dict]:
        rules: dict[tuple[str, str, int], int] = {}
        policies: dict[tuple[str, str], int] = {}
        seen: dict[tuple[str, str], int] = {}
        table = ""
        for line in saved.splitlines():
            if line.startswith("*"):
                table = line[1:].strip()
                continue
            policy = _POLICY.match(line)
            if policy:
                policies[(table, policy.group(1))] = int(policy.group(3))
                continue
            rule = _RULE.match(line)
            if rule:
                key = (table, rule.group(3))
                seen[key] = seen.get(key, 0) + 1
                rules[(*key, seen[key])] = int(rule.group(1))
        return rules, policies

    def send(self, side: str, data: bytes) -> None:
        """Send one raw IPv4 packet from the client or the server."""
        self.raw[side].sendto(data, (socket.inet_ntoa(data[16:20]), 0))

    def captured(self, side: str) -> list[bytes]:
        """The IPv4 packets that reached ``side`` since the last call (not its own)."""
        return self._captured(side, b"\x08\x00")

    def _captured(self, side: str, ethertype: bytes) -> list[bytes]:
        out = []
        tap = self.taps[side]
        while select.select([tap], [], [], 0)[0]:
            frame, address = tap.recvfrom(65535)
            if address[2] == PACKET_OUTGOING or frame[12:14] != ethertype:
                continue
            out.append(frame[14:])
        return out

    def received(self) -> list[tuple[int, str, int]]:
        """(router port, source address, source port) of datagrams the router took locally."""
        out = []
        for port, sock in self.listeners.items():
            while select.select([sock], [], [], 0)[0]:
                _, (addr, sport) = sock.recvfrom(65535)
                out.append((port, addr, sport))
        return out

    def close(self) -> None:
        """Close every socket and delete every namespace this lab made."""
        for sock in [*self.raw.values(), *self.taps.values(), *self.listeners.values()]:
            sock.close()
        self.raw, self.taps, self.listeners = {}, {}, {}
        for name in reversed(self.made):
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)
        self.made = []


#: The IPv6 router lab: client eth0 fd00::1/64 (and CLIENT_HOSTS6) <-> router eth0
#: fd00::2/64 | router eth1 fd00:1::2/64 (and fd00:1::3, fd00:1::4, deprecated so that the
#: kernel's source address choice, which MASQUERADE uses, takes fd00:1::2) <-> server eth0
#: fd00:1::1/64 (and SERVER_HOSTS6).
CLIENT_NET6, SERVER_NET6 = "fd00::/64", "fd00:1::/64"
CLIENT_HOSTS6 = ("fd00::1", "fd00::5", "fd00::70")
SERVER_HOSTS6 = ("fd00:1::1", "fd00:1::10", "fd00:1::11", "fd00:1::12")
ROUTER_LAN6, ROUTER_WAN6 = "fd00::2", "fd00:1::2"
ROUTER_INTERFACES6 = {
    "eth0": ("fd00::2/64",),
    "eth1": ("fd00:1::2/64", "fd00:1::3/64", "fd00:1::4/64"),
}
#: Sysctls set in each namespace before its links come up: no duplicate address detection
#: and no router solicitations, so the links send no ICMPv6 of their own into the counters.
QUIET_IPV6 = (
    "net.ipv6.conf.default.accept_dad=0",
    "net.ipv6.conf.default.dad_transmits=0",
    "net.ipv6.conf.default.router_solicitations=0",
    "net.ipv6.conf.all.accept_dad=0",
    "net.ipv6.conf.all.router_solicitations=0",
)


class RouterLab6(RouterLab):
    """RouterLab in IPv6: ip6tables in the router, neighbours written in by hand so that no
    neighbour discovery crosses the router's chains. Namespaces are named fw6x<pid>c/r/s."""

    def __init__(self) -> None:
        tag = f"fw6x{os.getpid()}"
        self.client, self.router, self.server = f"{tag}c", f"{tag}r", f"{tag}s"
        self.made = []
        self.raw, self.taps, self.listeners = {}, {}, {}
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        c, r, s = self.client, self.router, self.server
        for name in (c, r, s):
            run("ip", "netns", "add", name)
            self.made.append(name)
            for setting in QUIET_IPV6:
                run("ip", "netns", "exec", name, "sysctl", "-qw", setting)
        run(
            "ip", "-n", r, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", c
        )
        run(
            "ip", "-n", r, "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", s
        )
        for addr in CLIENT_HOSTS6:
            run("ip", "-n", c, "-6", "addr", "add", f"{addr}/64", "dev", "eth0", "nodad")
        for addr in SERVER_HOSTS6:
            run("ip", "-n", s, "-6", "addr", "add", f"{addr}/64", "dev", "eth0", "nodad")
        for iface, addresses in ROUTER_INTERFACES6.items():
            for i, addr in reversed(list(enumerate(addresses))):  # the newest is listed first
                extra = ("preferred_lft", "0") if i else ()
                run("ip", "-n", r, "-6", "addr", "add", addr, "dev", iface, "nodad", *extra)
        quiet = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
        for name in (c, s):  # the end hosts never answer by themselves
            run("ip", "netns", "exec", name, "ip6tables-restore", input=quiet)
        for name, links in ((c, ["lo", "eth0"]), (r, ["lo", "eth0", "eth1"]), (s, ["lo", "eth0"])):
            for link in links:
                run("ip", "-n", name, "link", "set", link, "up")
        run("ip", "-n", c, "-6", "route", "add", SERVER_NET6, "via", ROUTER_LAN6)
        run("ip", "-n", s, "-6", "route", "add", CLIENT_NET6, "via", ROUTER_WAN6)
        run("ip", "netns", "exec", r, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        mac = {(ns, dev): self._mac(ns, dev) for ns, dev in ((c, "eth0"), (s, "eth0"))}
        mac[(r, "eth0")], mac[(r, "eth1")] = self._mac(r, "eth0"), self._mac(r, "eth1")
        neighbours = [(c, "eth0", ROUTER_LAN6, mac[(r, "eth0")])]
        for addr in ROUTER_INTERFACES6["eth1"]:
            neighbours.append((s, "eth0", addr.split("/")[0], mac[(r, "eth1")]))
        neighbours += [(r, "eth0", host, mac[(c, "eth0")]) for host in CLIENT_HOSTS6]
        neighbours += [(r, "eth1", host, mac[(s, "eth0")]) for host in SERVER_HOSTS6]
        for ns, dev, addr, lladdr in neighbours:
            run(*("ip", "-n", ns, "-6", "neigh", "replace", addr), *("lladdr", lladdr, "dev", dev))
        for side, ns in (("client", c), ("server", s)):
            with self._inside(ns):
                self.raw[side] = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
                self.taps[side] = self._tap()
        with self._inside(r):
            for port in LOCAL_PORTS:
                sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                sock.bind(("::", port))
                sock.setblocking(False)
                self.listeners[port] = sock
        time.sleep(2.5)  # the links' own multicast listener reports go by before any test
        self.captured("client")
        self.captured("server")

    def _mac(self, namespace: str, device: str) -> str:
        shown = run("ip", "-n", namespace, "link", "show", device)
        return re.search(r"link/ether ([0-9a-f:]{17})", shown).group(1)

    def addresses(self, iface: str) -> list[str]:
        """The router's global IPv6 addresses on ``iface`` in the kernel's list order."""
        shown = run("ip", "-n", self.router, "-6", "addr", "show", "dev", iface, "scope", "global")
        return re.findall(r"inet6 (\S+)", shown)

    def load(self, ruleset: str) -> None:
        """Replace the router's ip6tables tables and forget its IPv6 connections."""
        self.router_exec("ip6tables-restore", input=ruleset + "\n")
        self.router_exec("sh", "-c", "conntrack -F -f ipv6 2>/dev/null; true")

    def counters(self) -> tuple[dict, dict]:
        """As RouterLab.counters, from ip6tables-save -c."""
        return self._parse_counters(self.router_exec("ip6tables-save", "-c"))

    def send(self, side: str, data: bytes) -> None:
        """Send one raw IPv6 packet from the client or the server."""
        self.raw[side].sendto(data, (socket.inet_ntop(socket.AF_INET6, data[24:40]), 0))

    def captured(self, side: str) -> list[bytes]:
        """The IPv6 packets that reached ``side`` since the last call (not its own)."""
        return self._captured(side, b"\x86\xdd")

    def received(self) -> list[tuple[int, str, int]]:
        """(router port, source address, source port) of datagrams the router took locally."""
        out = []
        for port, sock in self.listeners.items():
            while select.select([sock], [], [], 0)[0]:
                _, address = sock.recvfrom(65535)
                out.append((port, address[0], address[1]))
        return out
