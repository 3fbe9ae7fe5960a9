"""The exercise checks: right answers pass, wrong ones fail without revealing the answer."""

from netcourse.checks import firewall as check
from netcourse.firewall import Firewall

GOOD_HTTPS = "-A INPUT -p tcp -s 198.51.100.0/24 -m tcp --dport 443 -j ACCEPT"


def test_subnet_to_https():
    assert check.subnet_to_https.feedback(GOOD_HTTPS).ok
    assert check.subnet_to_https.feedback(
        [GOOD_HTTPS.replace("-j ACCEPT", "-m comment --comment ok -j ACCEPT")]
    ).ok
    for bad in [
        "-A INPUT -p tcp --dport 443 -j ACCEPT",  # every source
        "-A INPUT -p tcp -s 198.51.100.0/25 --dport 443 -j ACCEPT",  # half the subnet
        "-A INPUT -s 198.51.100.0/24 -j ACCEPT",  # every port and protocol
        "-A INPUT -p tcp -s 198.51.100.0/24 --dport 400:500 -j ACCEPT",
        "-A INPUT -p tcp -s 198.51.0.0/16 --dport 443 -j ACCEPT",
        "-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 --syn -j ACCEPT",  # drops the ACKs
        "-A OUTPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCEPT",
        "-A INPUT -p tcp -s 198.51.100.0/24 -m limit --dport 443 -j ACCEPT",
        42,
        "",
    ]:
        feedback = check.subnet_to_https.feedback(bad)
        assert feedback.ok is False, bad
        assert GOOD_HTTPS not in feedback.message + feedback.hint
    assert check.subnet_to_https.feedback(...).ok is None


def test_predict_verdict():
    verdict = Firewall.from_iptables(check.PREDICT_RULESET).evaluate(check.PREDICT_PACKET)
    right = (verdict.action, verdict.chain, verdict.rule_number)
    assert check.predict_verdict.feedback(right).ok
    assert check.predict_verdict.feedback((right[0].lower(), right[1], right[2])).ok
    for bad in [
        ("DROP", "SSH", 3),
        ("ACCEPT", "INPUT", 3),
        (right[0], "SSH", 1),
        (right[0], right[1], 3),
        "REJECT",
    ]:
        feedback = check.predict_verdict.feedback(bad)
        assert feedback.ok is False, bad
        text = feedback.message + feedback.hint
        assert f"rule {right[2]} of {right[1]}" not in text


def test_fix_shadowed():
    lines = check.SHADOWED_HOST.splitlines()
    broad = next(i for i, line in enumerate(lines) if "192.168.1.0/24" in line)
    fixed = lines[:broad] + [lines[broad + 1], lines[broad]] + lines[broad + 2 :]
    assert check.fix_shadowed.feedback("\n".join(fixed)).ok
    assert check.fix_shadowed.feedback(check.SHADOWED_HOST).ok is False  # unchanged
    without_drop = [line for line in lines if "192.168.1.66" not in line]
    assert check.fix_shadowed.feedback("\n".join(without_drop)).ok is False
    everything_dropped = lines[:broad] + ["-A INPUT -j DROP"] + lines[broad:]
    feedback = check.fix_shadowed.feedback("\n".join(everything_dropped))
    assert feedback.ok is False
    assert "192.168.1.66/32 -p tcp" not in feedback.message + feedback.hint
    assert check.fix_shadowed.feedback(None).ok is False


def test_masquerade_four_tuple():
    from netcourse.firewall.examples import HOME_WAN, SERVER_B

    right = (HOME_WAN, 51000, SERVER_B, 443)  # iptables-extensions(8): the port is kept
    assert check.masquerade_four_tuple.feedback(right).ok
    for bad in [
        ("192.0.2.20", 51000, SERVER_B, 443),  # the laptop's own
        (HOME_WAN, 1024, SERVER_B, 443),
        ("192.0.2.1", 51000, SERVER_B, 443),
        (HOME_WAN, 51000, "192.0.2.10", 80),
        (HOME_WAN, "51000", SERVER_B, 443),
        "203.0.113.2:51000",
        None,
    ]:
        feedback = check.masquerade_four_tuple.feedback(bad)
        assert feedback.ok is False, bad
        assert HOME_WAN not in feedback.message + feedback.hint


#: ufw-server.rules was recorded after `ufw allow 22/tcp`, `ufw limit ssh`, `ufw allow
#: 80,443/tcp` and `ufw allow from 198.51.100.0/24 to any port 5432` (the rulesets' README):
#: TCP 22, 80 and 443 are open to anyone, 5432 only to that subnet.
UFW_OPEN_TCP = {22, 80, 443}


def test_ufw_open_ports():
    assert check.UFW_SERVER == "ufw-server.rules"
    assert check.ufw_open_ports.feedback(UFW_OPEN_TCP).ok
    assert check.ufw_open_ports.feedback([443, 80, 22]).ok
    assert check.ufw_open_ports.feedback((22, 80, 443, 22)).ok
    cases = {
        frozenset({22, 80}): "more TCP port",
        frozenset({22}): "more TCP port",
        frozenset({22, 80, 443, 5432}): "only to some sources",
        frozenset({22, 80, 443, 3306}): "is not open",
        frozenset({22, 80, 443, 68}): "is not open",  # udp 68 is open, tcp 68 is not
    }
    for bad, says in cases.items():
        feedback = check.ufw_open_ports.feedback(set(bad))
        assert feedback.ok is False, bad
        assert says in feedback.message, (bad, feedback.message)
        shown = feedback.message + feedback.hint
        missing = UFW_OPEN_TCP - bad
        assert not missing or not any(str(p) in shown for p in missing), (bad, shown)
    for wrong_type in ["22, 80, 443", 22.0, [22, "80"], True, None]:
        assert check.ufw_open_ports.feedback(wrong_type).ok is False, wrong_type
    assert check.ufw_open_ports.feedback(...).ok is None


GOOD_RETURN = (
    "-A FORWARD -i eth1 -o eth0 -d 192.168.1.0/24 -p tcp -m tcp --sport 22 ! --syn -j ACCEPT"
)


def test_stateless_return():
    assert check.stateless_return.feedback(GOOD_RETURN).ok
    # any spelling that refuses the opening SYN passes: here "ACK set" instead of "not --syn"
    assert check.stateless_return.feedback(
        "-A FORWARD -p tcp -m tcp --sport 22 --tcp-flags ACK ACK -j ACCEPT"
    ).ok
    assert check.stateless_return.feedback(
        ["-A FORWARD -p tcp --sport 22 --syn -j DROP", "-A FORWARD -p tcp --sport 22 -j ACCEPT"]
    ).ok
    for bad, mistake in [
        ("-A FORWARD -p tcp --sport 22 -j ACCEPT", "new connection [S]"),  # SYNs get in
        ("-A FORWARD -p tcp --dport 1024:65535 -j ACCEPT", "new connection [S]"),
        ("-A FORWARD -p tcp ! --syn -j ACCEPT", "(not ssh)"),  # every source port
        ("-A FORWARD -p tcp --sport 22 ! --tcp-flags SYN SYN -j ACCEPT", "answer [SA]"),
        ("-A FORWARD -p tcp --sport 22 -m tcp --tcp-flags ACK,PSH ACK -j ACCEPT", "answer [PA]"),
        ("-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT", "connection tracking"),
        ("-A FORWARD -j DROP", "answer [SA]"),
        ("-I FORWARD 1 -p tcp --sport 22 ! --syn -j ACCEPT", "append to FORWARD"),
        ("-A FORWARD -p tcp --sport 22 ! --syn -j BOGUS", "refuse"),
        (42, "as text"),
        ("", "no rule"),
    ]:
        feedback = check.stateless_return.feedback(bad)
        assert feedback.ok is False, bad
        text = feedback.message + feedback.hint
        assert mistake in text, (bad, text)
        assert "--syn" not in text and "--sport 22" not in text and "--tcp-flags" not in text
    assert check.stateless_return.feedback(...).ok is None
