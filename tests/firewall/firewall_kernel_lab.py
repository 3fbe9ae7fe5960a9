"""A three-namespace lab for the kernel differential test: client -- fw (router) -- server.

client 198.18.0.1/24 (eth0) <-> fw eth0 198.18.0.2/24, fw eth1 198.18.1.2/24 <-> server
198.18.1.1/24 (eth0); client and server also hold the other HOSTS of their /24. The fw
namespace forwards; rulesets are loaded there with iptables-restore and their per-rule
counters read back with iptables-save -c. Packets are sent from raw sockets opened inside
client, server or fw (INPUT of client and server drops everything, so their kernels never
answer on their own). Only namespaces this lab created are touched.
"""

from __future__ import annotations

import ctypes
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
CLIENT_NET, SERVER_NET = "198.18.0.0/24", "198.18.1.0/24"
CLIENT, SERVER = "198.18.0.1", "198.18.1.1"
#: The fw namespace's own addresses (packets to them take INPUT, from them OUTPUT).
FW_ADDRS = ("198.18.0.2", "198.18.1.2")
#: Host numbers the client holds in 198.18.0.0/24 and the server in 198.18.1.0/24. Packets
#: only use these, so the fw's answers (REJECT, RST) always reach a host instead of failing
#: ARP and coming back to fw's own INPUT as "host unreachable".
HOSTS = (1, 5, 70, 130, 200)
_COUNTER = re.compile(r"^\[(\d+):(\d+)\] -A (\S+) ")
_POLICY = re.compile(r"^:(\S+) (ACCEPT|DROP|-) \[(\d+):(\d+)\]")


def run(*args: str, input: str | None = None, timeout: float = 10) -> str:
    """Run a command, failing loudly with its stderr."""
    done = subprocess.run(
        args, input=input, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Counters:
    """Packet counts per (chain, rule number) and per built-in chain policy."""

    rules: dict[tuple[str, int], int]
    policies: dict[str, int]


class Lab:
    """The namespaces and the raw sockets; always call close() (the fixture does)."""

    def __init__(self) -> None:
        tag = f"ncfw{os.getpid()}"
        self.client, self.fw, self.server = f"{tag}c", f"{tag}f", f"{tag}s"
        self.made: list[str] = []
        self.sockets: dict[str, socket.socket] = {}
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        for name in (self.client, self.fw, self.server):
            run("ip", "netns", "add", name)
            self.made.append(name)
        c, f, s = self.client, self.fw, self.server
        run(
            "ip", "-n", f, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", c
        )
        run(
            "ip", "-n", f, "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", s
        )
        for host in HOSTS:  # every address a test packet uses exists, so nothing goes astray
            run("ip", "-n", c, "addr", "add", f"198.18.0.{host}/24", "dev", "eth0")
            run("ip", "-n", s, "addr", "add", f"198.18.1.{host}/24", "dev", "eth0")
        run("ip", "-n", f, "addr", "add", "198.18.0.2/24", "dev", "eth0")
        run("ip", "-n", f, "addr", "add", "198.18.1.2/24", "dev", "eth1")
        for name, links in ((c, ["lo", "eth0"]), (f, ["lo", "eth0", "eth1"]), (s, ["lo", "eth0"])):
            for link in links:
                run("ip", "-n", name, "link", "set", link, "up")
        run("ip", "-n", c, "route", "add", SERVER_NET, "via", "198.18.0.2")
        run("ip", "-n", s, "route", "add", CLIENT_NET, "via", "198.18.1.2")
        run("ip", "netns", "exec", f, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        quiet = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
        for name in (c, s):  # the end hosts never answer by themselves
            run("ip", "netns", "exec", name, "iptables-restore", input=quiet)
        self.sockets = {
            name: self._raw_socket(ns) for name, ns in (("client", c), ("server", s), ("fw", f))
        }
        # the first packet each way waits for ARP; resolve both paths up front
        self.load("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n")
        from scapy.layers.inet import IP, UDP

        for side, src, dst in (("client", CLIENT, SERVER), ("server", SERVER, CLIENT)):
            self.send(side, bytes(IP(src=src, dst=dst) / UDP(sport=9, dport=9)))
        time.sleep(0.3)

    def _raw_socket(self, namespace: str) -> socket.socket:
        libc = ctypes.CDLL(None, use_errno=True)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns into {namespace}")
            try:
                return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            finally:
                if libc.setns(own, CLONE_NEWNET) != 0:  # pragma: no cover - cannot recover
                    raise OSError(ctypes.get_errno(), "setns back to the test's namespace")
        finally:
            os.close(own)
            os.close(target)

    def fw_exec(self, *args: str, input: str | None = None) -> str:
        """Run a command inside the fw namespace (never on the host)."""
        return run("ip", "netns", "exec", self.fw, *args, input=input)

    def load(self, ruleset: str) -> None:
        """Replace the fw namespace's filter table with ``ruleset`` (iptables-save text)."""
        self.fw_exec("iptables-restore", input=ruleset + "\n")

    def reset(self) -> None:
        """Zero the counters and forget every tracked connection in the fw namespace."""
        self.fw_exec("sh", "-c", "iptables -Z && conntrack -F")

    def counters(self) -> Counters:
        """Per-rule and per-policy packet counters of the fw namespace's filter table."""
        rules: dict[tuple[str, int], int] = {}
        policies: dict[str, int] = {}
        seen: dict[str, int] = {}
        for line in self.fw_exec("iptables-save", "-c").splitlines():
            policy = _POLICY.match(line)
            if policy and policy.group(2) != "-":
                policies[policy.group(1)] = int(policy.group(3))
            rule = _COUNTER.match(line)
            if rule:
                chain = rule.group(3)
                seen[chain] = seen.get(chain, 0) + 1
                rules[(chain, seen[chain])] = int(rule.group(1))
        return Counters(rules, policies)

    def send(self, side: str, data: bytes) -> None:
        """Send one raw IPv4 packet from the client, server or fw namespace."""
        dst = socket.inet_ntoa(data[16:20])
        try:
            self.sockets[side].sendto(data, (dst, 0))
        except PermissionError:  # fw's own OUTPUT dropped or rejected it: counters still tell
            if side != "fw":
                raise

    def sysctl(self, name: str) -> str:
        """A sysctl value as the fw namespace sees it."""
        path = "/proc/sys/" + name.replace(".", "/")
        return self.fw_exec("cat", path).strip()

    def close(self) -> None:
        """Close the sockets and delete every namespace this lab made."""
        for sock in self.sockets.values():
            sock.close()
        self.sockets = {}
        for name in reversed(self.made):
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)
        self.made = []


#: The IPv6 side of Lab6: client fd00::H/64 (eth0) <-> fw eth0 fd00::2/64, fw eth1
#: fd00:1::2/64 <-> server fd00:1::H/64, with the same host numbers H as HOSTS.
CLIENT_NET6, SERVER_NET6 = "fd00::/64", "fd00:1::/64"
CLIENT6, SERVER6 = "fd00::1", "fd00:1::1"
FW_ADDRS6 = ("fd00::2", "fd00:1::2")
#: Sysctls set in each namespace before its links come up: no duplicate address detection
#: and no router solicitations, so the links send no ICMPv6 of their own into the counters.
QUIET_IPV6 = (
    "net.ipv6.conf.default.accept_dad=0",
    "net.ipv6.conf.default.dad_transmits=0",
    "net.ipv6.conf.default.router_solicitations=0",
    "net.ipv6.conf.all.accept_dad=0",
    "net.ipv6.conf.all.router_solicitations=0",
)


def client6(host: int) -> str:
    """The client's IPv6 address with host number ``host``."""
    return f"fd00::{host:x}"


def server6(host: int) -> str:
    """The server's IPv6 address with host number ``host``."""
    return f"fd00:1::{host:x}"


class Lab6(Lab):
    """Lab's three namespaces, dual-stack: IPv6 addresses from fd00::/8 beside the IPv4 ones,
    ip6tables in fw, and neighbours written in by hand so that no neighbour discovery crosses
    fw's chains. Namespaces are named fw6<pid>c, fw6<pid>f and fw6<pid>s."""

    def __init__(self) -> None:
        tag = f"fw6{os.getpid()}"
        self.client, self.fw, self.server = f"{tag}c", f"{tag}f", f"{tag}s"
        self.made = []
        self.sockets = {}
        self.sockets6: dict[str, socket.socket] = {}
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        for name in (self.client, self.fw, self.server):
            run("ip", "netns", "add", name)
            self.made.append(name)
            for setting in QUIET_IPV6:
                run("ip", "netns", "exec", name, "sysctl", "-qw", setting)
        c, f, s = self.client, self.fw, self.server
        run(
            "ip", "-n", f, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", c
        )
        run(
            "ip", "-n", f, "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", s
        )
        for host in HOSTS:
            run("ip", "-n", c, "-6", "addr", "add", f"{client6(host)}/64", "dev", "eth0", "nodad")
            run("ip", "-n", s, "-6", "addr", "add", f"{server6(host)}/64", "dev", "eth0", "nodad")
        run("ip", "-n", f, "-6", "addr", "add", "fd00::2/64", "dev", "eth0", "nodad")
        run("ip", "-n", f, "-6", "addr", "add", "fd00:1::2/64", "dev", "eth1", "nodad")
        quiet = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
        for name in (c, s):  # the end hosts never answer by themselves
            run("ip", "netns", "exec", name, "ip6tables-restore", input=quiet)
        for name, links in ((c, ["lo", "eth0"]), (f, ["lo", "eth0", "eth1"]), (s, ["lo", "eth0"])):
            for link in links:
                run("ip", "-n", name, "link", "set", link, "up")
        run("ip", "-n", c, "-6", "route", "add", SERVER_NET6, "via", "fd00::2")
        run("ip", "-n", s, "-6", "route", "add", CLIENT_NET6, "via", "fd00:1::2")
        run("ip", "netns", "exec", f, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        mac = {(ns, dev): self._mac(ns, dev) for ns, dev in ((c, "eth0"), (s, "eth0"), (f, "eth0"))}
        mac[(f, "eth1")] = self._mac(f, "eth1")
        neighbours = [(c, "eth0", "fd00::2", mac[(f, "eth0")])]
        neighbours.append((s, "eth0", "fd00:1::2", mac[(f, "eth1")]))
        for host in HOSTS:
            neighbours.append((f, "eth0", client6(host), mac[(c, "eth0")]))
            neighbours.append((f, "eth1", server6(host), mac[(s, "eth0")]))
        for ns, dev, addr, lladdr in neighbours:
            run(*("ip", "-n", ns, "-6", "neigh", "replace", addr), *("lladdr", lladdr, "dev", dev))
        self.sockets6 = {
            name: self._raw_socket6(ns) for name, ns in (("client", c), ("server", s), ("fw", f))
        }
        time.sleep(2.5)  # the links' own multicast listener reports go by before any test

    def _mac(self, namespace: str, device: str) -> str:
        shown = run("ip", "-n", namespace, "link", "show", device)
        return re.search(r"link/ether ([0-9a-f:]{17})", shown).group(1)

    def _raw_socket6(self, namespace: str) -> socket.socket:
        libc = ctypes.CDLL(None, use_errno=True)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns into {namespace}")
            try:  # IPPROTO_RAW: the packet given carries its own IPv6 header
                return socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
            finally:
                if libc.setns(own, CLONE_NEWNET) != 0:  # pragma: no cover - cannot recover
                    raise OSError(ctypes.get_errno(), "setns back to the test's namespace")
        finally:
            os.close(own)
            os.close(target)

    def load(self, ruleset: str) -> None:
        """Replace the fw namespace's ip6tables filter table with ``ruleset``."""
        self.fw_exec("ip6tables-restore", input=ruleset + "\n")

    def reset(self) -> None:
        """Zero the ip6tables counters and forget every tracked IPv6 connection in fw."""
        self.fw_exec("sh", "-c", "ip6tables -Z && conntrack -F -f ipv6 2>/dev/null; true")

    def counters(self) -> Counters:
        """Per-rule and per-policy packet counters of fw's ip6tables filter table."""
        return _counters(self.fw_exec("ip6tables-save", "-c", "-t", "filter"))

    def send(self, side: str, data: bytes) -> None:
        """Send one raw IPv6 packet from the client, server or fw namespace."""
        dst = socket.inet_ntop(socket.AF_INET6, data[24:40])
        try:
            self.sockets6[side].sendto(data, (dst, 0))
        except PermissionError:  # fw's own OUTPUT dropped or rejected it: counters still tell
            if side != "fw":
                raise

    def close(self) -> None:
        """Close the IPv6 sockets, then as Lab does."""
        for sock in getattr(self, "sockets6", {}).values():
            sock.close()
        self.sockets6 = {}
        super().close()


def _counters(saved: str) -> Counters:
    rules: dict[tuple[str, int], int] = {}
    policies: dict[str, int] = {}
    seen: dict[str, int] = {}
    for line in saved.splitlines():
        policy = _POLICY.match(line)
        if policy and policy.group(2) != "-":
            policies[policy.group(1)] = int(policy.group(3))
        rule = _COUNTER.match(line)
        if rule:
            chain = rule.group(3)
            seen[chain] = seen.get(chain, 0) + 1
            rules[(chain, seen[chain])] = int(rule.group(1))
    return Counters(rules, policies)
