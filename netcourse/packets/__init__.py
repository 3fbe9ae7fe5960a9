"""Packets: dissection with byte offsets, capture files, conversations, display filters.

Taught in notebooks/02-osi-layers-and-packets.ipynb (and used by lessons 01, 04 and 06).

>>> from netcourse.packets import dissect, frame, sample
>>> dissect(frame("http", 4)).summary
'Ether / IP / TCP / Raw'
"""

from __future__ import annotations

from netcourse.packets.capture import COLUMNS, Capture, PacketRow, frame, read_capture
from netcourse.packets.conversations import Conversation, ConversationTable, conversations
from netcourse.packets.dissect import Dissection, Field, Layer, dissect
from netcourse.packets.expert import ExpertInfo, ExpertItem, expert
from netcourse.packets.filters import compile_filter, matching
from netcourse.packets.follow import FollowedStream, Gap, follow
from netcourse.packets.samples import SAMPLES, sample
from netcourse.packets.synthetic import write_capture

__all__ = [
    "COLUMNS",
    "Capture",
    "Conversation",
    "ConversationTable",
    "Dissection",
    "ExpertInfo",
    "ExpertItem",
    "Field",
    "FollowedStream",
    "Gap",
    "Layer",
    "PacketRow",
    "SAMPLES",
    "compile_filter",
    "conversations",
    "dissect",
    "expert",
    "follow",
    "frame",
    "matching",
    "read_capture",
    "sample",
    "write_capture",
]
