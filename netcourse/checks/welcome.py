"""The welcome notebook's practice check: shows what the three kinds of feedback look like.

>>> bits_in_ipv4_address.feedback(32).ok
True
>>> bits_in_ipv4_address.feedback(8).ok
False
"""

from __future__ import annotations

import ipaddress

from netcourse.checks import Feedback, correct, exercise, wrong

__all__ = ["bits_in_ipv4_address"]


@exercise("00-welcome", "bits-in-ipv4-address")
def bits_in_ipv4_address(answer: int) -> Feedback:
    """How many bits make an IPv4 address? (practice check in notebooks/00-welcome.ipynb)"""
    expected = ipaddress.IPV4LENGTH
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            f"expected a whole number of bits, got {type(answer).__name__}.", mistake="wrong-type"
        )
    if answer == expected:
        return correct("four numbers of 8 bits each.")
    if answer == 4:
        return wrong(
            "4 is the count of numbers in 10.0.2.3, not of bits.",
            "each number is 0-255.",
            mistake="counted-numbers",
        )
    return wrong(
        f"{answer} bits is not it.",
        "each of the four numbers is 0-255: how many bits?",
        mistake="other",
    )
