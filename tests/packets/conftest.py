"""Fixtures of the packets tests; their helper modules (linkcaptures, tcp_scenarios) by name."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from linkcaptures import write_link_captures, write_mixed_pcapng  # noqa: E402


@pytest.fixture(scope="session")
def link_captures(tmp_path_factory):
    """{(link type, format): path}: the same traffic written once per link type and format."""
    return write_link_captures(tmp_path_factory.mktemp("link-types"))


@pytest.fixture(scope="session")
def mixed_links(tmp_path_factory):
    """One pcapng whose interfaces hold every link type, frames interleaved."""
    return write_mixed_pcapng(tmp_path_factory.mktemp("link-types") / "mixed.pcapng")
