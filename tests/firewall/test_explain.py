"""explain(): the seed rule flag by flag."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.errors import RuleError
from netcourse.firewall import explain

SEED = "-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT"


def test_seed_rule_is_explained_flag_by_flag():
    result = explain(SEED)
    assert [part.flag for part in result.parts] == [
        "-A INPUT",
        "-p tcp",
        "-s 192.168.1.0/24",
        "-m tcp",
        "--dport 80",
        "-j ACCEPT",
    ]
    meaning = {part.flag: part.meaning for part in result.parts}
    assert "192.168.1.0-192.168.1.255" in meaning["-s 192.168.1.0/24"]
    assert "256 addresses" in meaning["-s 192.168.1.0/24"]
    assert "iptables-extensions" in meaning["-m tcp"] and "-p tcp" in meaning["-m tcp"]
    assert "80" in meaning["--dport 80"] and "HTTP" in meaning["--dport 80"]
    assert "INPUT" in result.summary and "let through" in result.summary


def test_every_part_of_a_rich_rule_is_explained():
    rule = (
        "-A FORWARD -i eth0 ! -s 10.0.0.0/8 -p tcp -m multiport --dports 80,443 "
        '-m conntrack --ctstate NEW -m comment --comment "web" -j REJECT --reject-with tcp-reset'
    )
    flags = [part.flag for part in explain(rule).parts]
    assert flags == [
        "-A FORWARD",
        "-i eth0",
        "! -s 10.0.0.0/8",
        "-p tcp",
        "-m multiport",
        "--dports 80,443",
        "-m conntrack",
        "--ctstate NEW",
        "-m comment",
        "--comment web",
        "-j REJECT",
        "--reject-with tcp-reset",
    ]
    assert "NOT" in explain(rule).parts[2].meaning


def test_rule_without_chain_reads_as_input_and_errors_are_rule_errors():
    assert explain("-p udp -j DROP").parts[0].flag == "-A INPUT"
    with pytest.raises(RuleError):
        explain("-p tcp --bogus 1 -j DROP")


def test_each_option_is_one_part_as_written():
    rule = (
        '-A INPUT --protocol tcp -m comment --comment "two words" -c 1 2 '
        '-j LOG --log-prefix "seen: " --log-uid'
    )
    parts = {part.flag: part.meaning for part in explain(rule).parts}
    assert list(parts) == [
        "-A INPUT",
        "--protocol tcp",
        "-m comment",
        '--comment "two words"',
        "-c 1 2",
        "-j LOG",
        '--log-prefix "seen: "',
        "--log-uid",
    ]
    assert "'two words'" in parts['--comment "two words"']
    assert "counters" in parts["-c 1 2"]
    assert "LOG target" in parts['--log-prefix "seen: "']


def test_services_are_named_by_what_people_call_them():
    meaning = {p.flag: p.meaning for p in explain("-p udp --dport 53 -j DROP").parts}
    assert meaning["--dport 53"] == "destination port 53 (DNS)"
    meaning = {p.flag: p.meaning for p in explain("-p tcp ! --sport 8080 -j DROP").parts}
    assert meaning["! --sport 8080"] == "source port other than 8080 (HTTP, alternate)"


def test_html_escapes_what_the_rule_holds():
    html = explain('-A INPUT -m comment --comment "<script>alert(1)</script>" -j ACCEPT')
    html = html._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


RULE_WORDS = st.sampled_from(
    """
    -p tcp udp icmp -s 10.0.0.0/8 ! --dport 22 -m multiport --dports 80,443 comment --comment
    -j ACCEPT LOG REJECT --reject-with tcp-reset --log-prefix p -A FORWARD -c 1 ' ８０
    """.split()
    + ['"x y"']
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(RULE_WORDS, max_size=12).map(" ".join), st.text(max_size=80)))
def test_any_rule_text_is_explained_or_refused(text):
    start = time.perf_counter()
    try:
        why = explain(text)
    except RuleError as exc:
        assert str(exc).startswith("line 1: ") or "expected a rule" in str(exc)
    else:
        assert why.parts[0].flag.startswith("-A ") and why.summary.endswith(".")
        assert repr(why) and why._repr_html_()
    assert time.perf_counter() - start < 1.0


def test_the_new_matches_and_targets_are_explained():
    limit = explain("-A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG")
    assert "at most 3 packets a minute on average, bursts of 10" in limit.summary
    assert [p.flag for p in limit.parts] == [
        "-A INPUT",
        "-m limit",
        "--limit 3/min",
        "--limit-burst 10",
        "-j LOG",
    ]
    counted = explain("-A INPUT -p tcp -m recent --set --name ssh")
    assert counted.summary.endswith("is counted and goes on (the rule has no target).")
    assert "NFLOG" in explain("-A INPUT -j NFLOG --nflog-group 1").parts[-2].meaning
