"""explain(): the seed rule flag by flag."""

import pytest

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
    assert "80" in meaning["--dport 80"] and "http" in meaning["--dport 80"]
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
