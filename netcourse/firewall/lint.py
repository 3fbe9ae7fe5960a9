"""Find rules that can never decide anything (written next; see notebooks/04-firewalls.ipynb)."""

from netcourse.errors import RuleError

__all__ = ["lint"]


def lint(ruleset):
    """Not available yet: raises RuleError."""
    raise RuleError("lint is not available in this version yet")
