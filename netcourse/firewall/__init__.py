"""An iptables simulator that decides as the Linux kernel does: parse, evaluate, trace, lint.

Taught in notebooks/04-firewalls.ipynb.

>>> fw = Firewall.from_iptables("-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT")
>>> fw.evaluate(Packet("tcp", src="192.168.1.20", dst="10.0.0.5", sport=40000, dport=80,
...                    flags="S"), chain="INPUT")
Verdict(ACCEPT by rule 1 of INPUT, judged alone)
"""

from __future__ import annotations

from netcourse.firewall.batch import BatchVerdicts, PacketBatch
from netcourse.firewall.chains import Firewall
from netcourse.firewall.conntrack import ConnTrack
from netcourse.firewall.explain import explain
from netcourse.firewall.exposure import Exposure, exposure
from netcourse.firewall.find import Search
from netcourse.firewall.graph import ChainGraph, chain_graph
from netcourse.firewall.lint import lint
from netcourse.firewall.packet import Packet
from netcourse.firewall.trace import Replay, TraceStep, Verdict

__all__ = [
    "Firewall",
    "Packet",
    "Verdict",
    "TraceStep",
    "Replay",
    "ConnTrack",
    "PacketBatch",
    "BatchVerdicts",
    "explain",
    "lint",
    "Search",
    "exposure",
    "Exposure",
    "chain_graph",
    "ChainGraph",
]
