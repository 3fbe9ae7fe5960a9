"""Packets: dissection with byte offsets, PDUs on the bytes, capture files, conversations,
display filters.

Taught in notebooks/02-osi-layers-and-packets.ipynb (and used by lessons 01, 04 and 06).

>>> from netcourse.packets import dissect, frame, sample
>>> dissect(frame("http", 4)).summary
'Ether / IP / TCP / Raw'
"""

from __future__ import annotations

from netcourse.packets.capture import (
    COLUMNS,
    Capture,
    PacketRow,
    as_dissection,
    frame,
    read_capture,
)
from netcourse.packets.conversations import Conversation, ConversationTable, conversations
from netcourse.packets.dissect import Dissection, Field, Layer, dissect
from netcourse.packets.expert import ExpertInfo, ExpertItem, expert
from netcourse.packets.filters import compile_filter, matching
from netcourse.packets.follow import FollowedStream, Gap, follow
from netcourse.packets.pdus import (
    Encapsulation,
    HttpLayers,
    HttpLine,
    Span,
    encapsulation,
    fields_read,
    http_layers,
    payload,
    pdu_at,
    spans,
)
from netcourse.packets.samples import SAMPLES, sample
from netcourse.packets.synthetic import write_capture

__all__ = [
    "COLUMNS",
    "Capture",
    "Conversation",
    "ConversationTable",
    "Dissection",
    "Encapsulation",
    "Field",
    "HttpLayers",
    "HttpLine",
    "ExpertInfo",
    "ExpertItem",
    "Field",
    "FollowedStream",
    "Gap",
    "Layer",
    "PacketRow",
    "SAMPLES",
    "Span",
    "as_dissection",
    "compile_filter",
    "conversations",
    "dissect",
    "encapsulation",
    "fields_read",
    "expert",
    "follow",
    "frame",
    "http_layers",
    "matching",
    "payload",
    "pdu_at",
    "read_capture",
    "sample",
    "spans",
    "write_capture",
]
