"""The words of iptables rules the simulator reads: tables and their built-in chains, targets
and their options, match modules and theirs (iptables(8), iptables-extensions(8)).

Taught in notebooks/04-firewalls.ipynb.

>>> TABLE_CHAINS["nat"]
('PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING')
>>> "MASQUERADE" in NAT_TARGETS, "MARK" in NOTING_TARGETS, "TOS" in UNSIMULATED_TARGETS
(True, True, True)
"""

from __future__ import annotations

__all__ = [
    "BUILTIN_CHAINS",
    "TERMINAL",
    "TARGETS",
    "TABLE_CHAINS",
    "NOTING_TARGETS",
    "MARK_TARGETS",
    "NAT_TARGETS",
    "RAW_TARGETS",
    "UNSIMULATED_TARGETS",
    "MAX_LISTED",
    "MAX_CHAIN_NAME",
    "REJECT_WITH",
    "LOG_OPTIONS",
    "MODULES",
    "GROUPED_MODULES",
]

#: The filter table's built-in chains: where packets enter.
BUILTIN_CHAINS = ("INPUT", "FORWARD", "OUTPUT")
#: Targets that end a packet's journey through the table.
TERMINAL = ("ACCEPT", "DROP", "REJECT")
#: Every target the simulator knows besides user chains.
TARGETS = (*TERMINAL, "LOG", "RETURN")
#: Each table's built-in chains, in iptables-save's order (iptables(8), TABLES).
TABLE_CHAINS: dict[str, tuple[str, ...]] = {
    "raw": ("PREROUTING", "OUTPUT"),
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "filter": BUILTIN_CHAINS,
    "security": BUILTIN_CHAINS,
}
#: The targets that change the packet's mark (MARK) or its connection's (CONNMARK) and go on,
#: with their options and whether each takes a value (iptables-extensions(8)).
MARK_TARGETS: dict[str, dict[str, bool]] = {
    "MARK": {
        "--set-xmark": True,
        "--set-mark": True,
        "--and-mark": True,
        "--or-mark": True,
        "--xor-mark": True,
    },
    "CONNMARK": {
        "--set-xmark": True,
        "--set-mark": True,
        "--and-mark": True,
        "--or-mark": True,
        "--xor-mark": True,
        "--save-mark": False,
        "--restore-mark": False,
        "--nfmask": True,
        "--ctmask": True,
        "--mask": True,
    },
}
#: Targets that note the packet and let it go on to the next rule, with their options and
#: whether each takes a value: LOG and NFLOG log, TCPMSS rewrites a SYN's MSS option, MARK
#: and CONNMARK change marks, NOTRACK and CT --notrack exempt the packet from connection
#: tracking.
NOTING_TARGETS: dict[str, dict[str, bool]] = {
    "NFLOG": {
        "--nflog-group": True,
        "--nflog-prefix": True,
        "--nflog-range": True,
        "--nflog-size": True,
        "--nflog-threshold": True,
    },
    "TCPMSS": {"--clamp-mss-to-pmtu": False, "--set-mss": True},
    # the raw table's: the packet is left untracked (conntrack state UNTRACKED)
    "NOTRACK": {},
    "CT": {"--notrack": False},
    **MARK_TARGETS,
}
#: Targets of the raw table only (iptables-extensions(8): CT, NOTRACK).
RAW_TARGETS = ("NOTRACK", "CT")
#: The nat table's targets, the chains each may be used in (and user chains), and options.
NAT_TARGETS: dict[str, tuple[tuple[str, ...], dict[str, bool]]] = {
    "DNAT": (
        ("PREROUTING", "OUTPUT"),
        {"--to-destination": True, "--random": False, "--persistent": False},
    ),
    "SNAT": (
        ("POSTROUTING", "INPUT"),
        {"--to-source": True, "--random": False, "--random-fully": False, "--persistent": False},
    ),
    "MASQUERADE": (
        ("POSTROUTING",),
        {"--to-ports": True, "--random": False, "--random-fully": False},
    ),
    "REDIRECT": (("PREROUTING", "OUTPUT"), {"--to-ports": True, "--random": False}),
}
#: Targets of iptables-extensions(8) the simulator does not run (yet): refused by name.
UNSIMULATED_TARGETS = (
    "AUDIT",
    "CHECKSUM",
    "CLASSIFY",
    "CLUSTERIP",
    "CONNSECMARK",
    "DSCP",
    "ECN",
    "HMARK",
    "IDLETIMER",
    "LED",
    "NETMAP",
    "NFQUEUE",
    "RATEEST",
    "SECMARK",
    "SET",
    "SYNPROXY",
    "TCPOPTSTRIP",
    "TEE",
    "TOS",
    "TPROXY",
    "TRACE",
    "TTL",
    "ULOG",
)
#: The most problems a refusal's message lists (its ``problems`` holds every one).
MAX_LISTED = 20
#: The longest chain name iptables accepts (XT_EXTENSION_MAXNAMELEN less its NUL byte).
MAX_CHAIN_NAME = 28
#: The --reject-with values iptables accepts (aliases map to the name iptables-save prints).
REJECT_WITH = {
    "icmp-net-unreachable": "icmp-net-unreachable",
    "net-unreach": "icmp-net-unreachable",
    "icmp-host-unreachable": "icmp-host-unreachable",
    "host-unreach": "icmp-host-unreachable",
    "icmp-port-unreachable": "icmp-port-unreachable",
    "port-unreach": "icmp-port-unreachable",
    "icmp-proto-unreachable": "icmp-proto-unreachable",
    "proto-unreach": "icmp-proto-unreachable",
    "icmp-net-prohibited": "icmp-net-prohibited",
    "net-prohib": "icmp-net-prohibited",
    "icmp-host-prohibited": "icmp-host-prohibited",
    "host-prohib": "icmp-host-prohibited",
    "icmp-admin-prohibited": "icmp-admin-prohibited",
    "admin-prohib": "icmp-admin-prohibited",
    "tcp-reset": "tcp-reset",
    "tcp-rst": "tcp-reset",
}
#: Options of the LOG target and whether each takes a value.
LOG_OPTIONS = {
    "--log-prefix": True,
    "--log-level": True,
    "--log-tcp-sequence": False,
    "--log-tcp-options": False,
    "--log-ip-options": False,
    "--log-uid": False,
    "--log-macdecode": False,
}
#: The match modules simulated, with their options and how many values each takes.
MODULES: dict[str, dict[str, int]] = {
    "tcp": {
        "--sport": 1,
        "--source-port": 1,
        "--dport": 1,
        "--destination-port": 1,
        "--syn": 0,
        "--tcp-flags": 2,
    },
    "udp": {"--sport": 1, "--source-port": 1, "--dport": 1, "--destination-port": 1},
    "icmp": {"--icmp-type": 1},
    "multiport": {
        "--dports": 1,
        "--destination-ports": 1,
        "--sports": 1,
        "--source-ports": 1,
        "--ports": 1,
    },
    "iprange": {"--src-range": 1, "--dst-range": 1},
    "conntrack": {
        "--ctstate": 1,
        **{
            f"--ct{side}{end}": 1
            for side in ("orig", "repl")
            for end in ("src", "dst", "srcport", "dstport")
        },
        "--ctstatus": 1,
        "--ctdir": 1,
    },
    "state": {"--state": 1},
    "comment": {"--comment": 1},
    "addrtype": {"--src-type": 1, "--dst-type": 1, "--limit-iface-in": 0, "--limit-iface-out": 0},
    "limit": {"--limit": 1, "--limit-burst": 1},
    "mark": {"--mark": 1},
    "connmark": {"--mark": 1},
    "length": {"--length": 1},
    "ttl": {"--ttl-eq": 1, "--ttl-gt": 1, "--ttl-lt": 1},
    "pkttype": {"--pkt-type": 1},
    "owner": {"--uid-owner": 1, "--gid-owner": 1, "--socket-exists": 0},
    "set": {"--match-set": 2, "--set": 2, "--return-nomatch": 0},
    "hashlimit": {
        "--hashlimit-upto": 1,
        "--hashlimit": 1,
        "--hashlimit-above": 1,
        "--hashlimit-burst": 1,
        "--hashlimit-mode": 1,
        "--hashlimit-name": 1,
        "--hashlimit-srcmask": 1,
        "--hashlimit-dstmask": 1,
        "--hashlimit-htable-size": 1,
        "--hashlimit-htable-max": 1,
        "--hashlimit-htable-expire": 1,
        "--hashlimit-htable-gcinterval": 1,
    },
    "recent": {
        "--set": 0,
        "--rcheck": 0,
        "--update": 0,
        "--remove": 0,
        "--seconds": 1,
        "--hitcount": 1,
        "--name": 1,
        "--rsource": 0,
        "--rdest": 0,
        "--mask": 1,
        "--reap": 0,
    },
}
#: Modules whose options together make one match (built when the rule is read whole).
GROUPED_MODULES = (
    "addrtype",
    "limit",
    "recent",
    "mark",
    "connmark",
    "length",
    "ttl",
    "pkttype",
    "owner",
    "set",
    "hashlimit",
)
