"""Tests for netcourse.sockets.timewait: TIME-WAIT timers as the kernel counts them.

The timers are compared with ``ss -o`` (which prints ``timer:(timewait,59sec,0)``), read
through netlink rather than /proc, and the sysctl with /proc/sys.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from netcourse import sockets as sk

LINUX = os.path.exists("/proc/net/tcp")


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc/net/tcp")
def test_time_wait_timers_count_down_from_linux_fixed_60_seconds():
    with sk.SocketLab() as lab:
        first, second = lab.open_client(), lab.open_client()
        lab.close_client(first)
        lab.close_client(second, first="server")
        tw = sk.time_wait(lab.port)
        assert len(tw.left) == 2  # the client's TIME-WAIT and the server's, both on the port
        assert all(50 < s <= 60 for s in tw.left), tw.left  # just closed: close to 60 s
        assert tw.within_linux_limit and tw.source == "/proc/net/tcp"
        assert len(sk.time_wait(first.port).left) == 1  # only the client's is on its port
        if shutil.which("ss"):
            out = subprocess.run(
                [
                    "ss",
                    "-Htano",
                    "state",
                    "time-wait",
                    f"( sport = :{lab.port} or dport = :{lab.port} )",
                ],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout
            theirs = sorted(int(s) for s in re.findall(r"timer:\(timewait,(\d+)(?:\.\d+)?sec", out))
            assert len(theirs) == 2
            # ss rounds down to whole seconds; a second or two may pass between the reads
            for ours, ss_left in zip(tw.left, theirs):
                assert abs(ours - ss_left) <= 2, (tw.left, theirs)


def test_rfc_and_linux_numbers():
    assert sk.MSL_SECONDS == 120  # RFC 9293 section 3.4.2
    assert sk.RFC_TIME_WAIT_SECONDS == 2 * 120  # RFC 9293 section 3.6: 2 x MSL
    assert sk.LINUX_TIME_WAIT_SECONDS == 60  # TCP_TIMEWAIT_LEN (60*HZ) in include/net/tcp.h
    assert len(sk.TIME_WAIT_PURPOSES) == 2 and "FIN" in sk.TIME_WAIT_PURPOSES[1]


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc/sys")
def test_fin_timeout_is_read_from_the_kernel_and_named_for_fin_wait_2():
    with open("/proc/sys/net/ipv4/tcp_fin_timeout") as handle:
        expected = int(handle.read())
    tw = sk.time_wait(1)
    assert tw.fin_timeout == expected
    assert f"tcp_fin_timeout = {expected} s times FIN-WAIT-2, not TIME-WAIT" in repr(tw)


def test_time_wait_without_proc_says_so():
    assert sk.time_wait_timers(80, files=("/nonexistent/tcp",)) is None
    assert sk.time_wait_timers(80, files=()) is None


def test_time_wait_timers_parse_the_kernels_format(tmp_path):
    """A line as get_timewait4_sock() writes it: st 06, tr 03, tm->when in clock ticks."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = tmp_path / "tcp"
    table.write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt\n"
        f"   1: 0100007F:C316 0100007F:1F90 06 00000000:00000000 03:{30 * ticks:08X} 00000000\n"
        f"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n"
    )
    assert sk.time_wait_timers(0x1F90, files=(str(table),)) == (30.0,)
    assert sk.time_wait_timers(0xC316, files=(str(table),)) == (30.0,)
    assert sk.time_wait_timers(81, files=(str(table),)) == ()
