"""The labs' ``iptables=`` fix: commands read as iptables reads them, judged by the firewall model.

Each generated command is applied to the server's ruleset; the firewall model (lesson 04) then
reads the result, and the rule must sit where iptables would put it, with the matches the
model's own parser gives the line. Deleting it again restores the chain. Any other text ends
as a RuleError.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import RuleError
from netcourse.firewall import Firewall
from netcourse.firewall.commands import edit_iptables
from netcourse.firewall.parser import parse_rule
from netcourse.journey.scenarios import HOST_FIREWALL

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

chains = st.sampled_from(["INPUT", "OUTPUT", "FORWARD"])
specs = st.builds(
    lambda proto, port, net, target, state: " ".join(
        part
        for part in (
            f"-p {proto}",
            f"-s {net}" if net else "",
            f"--dport {port}",
            "-m conntrack --ctstate NEW" if state else "",
            f"-j {target}",
        )
        if part
    ),
    st.sampled_from(["tcp", "udp"]),
    st.integers(1, 65535),
    st.one_of(st.none(), st.sampled_from(["10.0.0.0/16", "192.0.2.0/24", "198.51.100.23"])),
    st.sampled_from(["ACCEPT", "DROP", "REJECT"]),
    st.booleans(),
)


def _chain(text: str, chain: str) -> list:
    return [(r.matches, r.target) for r in Firewall.from_iptables(text).chains[chain].rules]


@SETTINGS
@given(chains, specs, st.integers(0, 8))
def test_insert_or_append_then_delete(chain, spec, where):
    count = len(_chain(HOST_FIREWALL, chain))
    if where == 0:
        command, position = f"-A {chain} {spec}", count + 1
    else:
        position = min(where, count + 1)
        command = f"-I {chain} {position} {spec}"
    text = edit_iptables(HOST_FIREWALL, command)
    rules = _chain(text, chain)
    wanted = parse_rule(f"-A {chain} {spec}")
    assert rules[position - 1] == (wanted.matches, wanted.target)
    assert rules[: position - 1] + rules[position:] == _chain(HOST_FIREWALL, chain)
    for other in {"INPUT", "OUTPUT", "FORWARD"} - {chain}:
        assert _chain(text, other) == _chain(HOST_FIREWALL, other)
    back = edit_iptables(text, f"-D {chain} {spec}")
    assert _chain(back, chain) == _chain(HOST_FIREWALL, chain)


WORDS = st.sampled_from(
    [
        "-A",
        "-I",
        "-D",
        "-P",
        "-X",
        "INPUT",
        "OUTPUT",
        "INPT",
        "-p",
        "tcp",
        "udp",
        "--dport",
        "443",
        "99999",
        "-j",
        "ACCEPT",
        "DROP",
        "-m",
        "conntrack",
        "--ctstate",
        "NEW",
        "1",
        "0",
        "'",
        '"',
        "-s",
        "10.0.0.0/33",
        "iptables",
        "--sport",
        "",
        "é",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(WORDS, max_size=10).map(" ".join)))
def test_any_text_is_applied_or_refused_with_a_rule_error(command):
    try:
        text = edit_iptables(HOST_FIREWALL, command)
    except RuleError as exc:
        assert str(exc).startswith("iptables")
    else:
        Firewall.from_iptables(text)  # what it accepted, the firewall model reads
