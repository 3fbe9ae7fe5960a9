"""Layer 6: one record encoded as JSON, XML, protobuf and Avro, and gRPC's 5-byte message frame.

Taught in notebooks/02-osi-layers-and-packets.ipynb. Each format is produced by its real
encoder: :mod:`json`, :mod:`xml.etree.ElementTree`, the ``protobuf`` package (the message class
is built at run time from a ``FileDescriptorProto``, so no ``protoc`` is needed) and
``fastavro``'s schemaless writer. The record's fields are declared once in :data:`SCHEMA`;
the protobuf descriptor, the Avro schema and the XML layout are all derived from it.

>>> sizes = {enc.format: enc.size for enc in compare().rows}
>>> sizes["protobuf"] < sizes["JSON"] < sizes["XML"]
True
>>> frame = grpc_frame(encode(RECORD, "protobuf").data)
>>> frame[0], int.from_bytes(frame[1:5], "big") == len(frame) - 5
(0, True)
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import fastavro
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from netcourse.errors import PacketError, quote
from netcourse.html import Markup, table

__all__ = [
    "FieldSpec",
    "SCHEMA",
    "RECORD",
    "FORMATS",
    "Encoding",
    "Comparison",
    "GrpcFrame",
    "encode",
    "decode",
    "compare",
    "message_class",
    "avro_schema",
    "AVRO_READER_SCHEMA",
    "read_avro",
    "grpc_frame",
    "parse_grpc_frame",
    "grpc_messages",
    "GRPC_PREFIX",
    "MAX_MESSAGE",
]


@dataclass(frozen=True)
class FieldSpec:
    """One field of the example record: name, kind and its protobuf field number."""

    name: str
    kind: str  # "int", "string", "bool" or "int list"
    number: int


#: The example record's fields, declared once for every encoder.
SCHEMA: tuple[FieldSpec, ...] = (
    FieldSpec("id", "int", 1),
    FieldSpec("name", "string", 2),
    FieldSpec("email", "string", 3),
    FieldSpec("active", "bool", 4),
    FieldSpec("scores", "int list", 5),
)

#: The record the lesson encodes.
RECORD: dict[str, Any] = {
    "id": 42,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "active": True,
    "scores": [97, 88, 100],
}

#: The formats, in the order the lesson shows them.
FORMATS = ("JSON", "XML", "protobuf", "Avro")

_PY_TYPES = {"int": int, "string": str, "bool": bool}


def _check(record: Any) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise PacketError(f"expected a record (a dict), got {type(record).__name__}")
    names = [spec.name for spec in SCHEMA]
    missing = [n for n in names if n not in record]
    extra = [k for k in record if k not in names]
    if missing or extra:
        raise PacketError(
            f"record fields {quote(sorted(map(str, record)))}: missing {missing}, "
            f"unexpected {quote(extra)}; expected exactly {names}"
        )
    for spec in SCHEMA:
        value = record[spec.name]
        if spec.kind == "int list":
            ok = isinstance(value, (list, tuple)) and all(
                isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31
                for v in value
            )
        elif spec.kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value
            ok = ok and value < 2**63
        else:
            ok = isinstance(value, _PY_TYPES[spec.kind])
        if not ok:
            raise PacketError(f"field {spec.name!r} = {quote(value)}: expected a {spec.kind}")
    return {spec.name: record[spec.name] for spec in SCHEMA}


# --- the schemas, derived from SCHEMA ------------------------------------------------------


@functools.lru_cache(maxsize=1)
def message_class():
    """The protobuf message class for :data:`SCHEMA`, built from a FileDescriptorProto.

    >>> msg = message_class()(id=42, name="Ada")
    >>> msg.SerializeToString()
    b'\\x08*\\x12\\x03Ada'
    """
    fdp = descriptor_pb2.FileDescriptorProto(
        name="netcourse/record.proto", package="netcourse", syntax="proto3"
    )
    message = fdp.message_type.add(name="Record")
    fdt = descriptor_pb2.FieldDescriptorProto
    kinds = {
        "int": (fdt.TYPE_INT64, fdt.LABEL_OPTIONAL),
        "string": (fdt.TYPE_STRING, fdt.LABEL_OPTIONAL),
        "bool": (fdt.TYPE_BOOL, fdt.LABEL_OPTIONAL),
        "int list": (fdt.TYPE_INT32, fdt.LABEL_REPEATED),
    }
    for spec in SCHEMA:
        kind, label = kinds[spec.kind]
        message.field.add(name=spec.name, number=spec.number, type=kind, label=label)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("netcourse.Record"))


@functools.lru_cache(maxsize=1)
def avro_schema() -> dict:
    """The Avro schema for :data:`SCHEMA`, parsed by fastavro.

    >>> [f["name"] for f in avro_schema()["fields"]][:2]
    ['id', 'name']
    """
    kinds = {
        "int": "long",
        "string": "string",
        "bool": "boolean",
        "int list": {"type": "array", "items": "int"},
    }
    schema = {
        "type": "record",
        "name": "Record",
        "namespace": "netcourse",
        "fields": [{"name": spec.name, "type": kinds[spec.kind]} for spec in SCHEMA],
    }
    return fastavro.parse_schema(schema)


#: A later version of the record as another program reads it, for Avro's schema resolution:
#: it has no ``email`` (the writer's value is skipped), reads ``scores`` as longs (the
#: writer's ints are promoted) and adds ``country``, which the writer never wrote, with a
#: default. Field order may differ too: fields are matched by name.
AVRO_READER_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Record",
    "namespace": "netcourse",
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "id", "type": "long"},
        {"name": "active", "type": "boolean"},
        {"name": "scores", "type": {"type": "array", "items": "long"}},
        {"name": "country", "type": "string", "default": "unknown"},
    ],
}


def read_avro(
    data: bytes, reader: Mapping[str, Any] = AVRO_READER_SCHEMA, writer: Mapping | None = None
) -> dict[str, Any]:
    """Read Avro bytes into the ``reader`` schema, resolving the ``writer``'s schema into it.

    Taught in notebooks/02-osi-layers-and-packets.ipynb. Avro's bytes carry no names and no
    types, so the reader needs the schema they were written with (``writer``, by default
    :func:`avro_schema`, the one :func:`encode` writes with) and resolves it into its own
    (the Avro specification's "Schema Resolution"): fields matched by name, the writer's extra
    fields skipped, missing ones filled from the reader's defaults, ints promoted to longs.

    >>> read_avro(encode(RECORD, "Avro").data)["country"]
    'unknown'
    >>> read_avro(encode(RECORD, "Avro").data, writer=AVRO_READER_SCHEMA)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.PacketError: 39 bytes are not Avro written with that schema: ...
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PacketError(f"expected bytes to read, got {type(data).__name__}")
    data = bytes(data)
    try:
        schemas = [fastavro.parse_schema(dict(s)) for s in (writer or avro_schema(), reader)]
    except Exception as exc:  # fastavro raises several types for a bad schema
        raise PacketError(f"not an Avro schema: {exc}") from None
    buf = io.BytesIO(data)
    try:
        out = fastavro.schemaless_reader(buf, *schemas)
    except Exception as exc:
        why = str(exc) or f"{type(exc).__name__} (the bytes end too soon)"
        raise PacketError(
            f"{len(data)} bytes are not Avro written with that schema: {why}"
        ) from None
    if buf.tell() != len(data):
        raise PacketError(f"{len(data) - buf.tell()} bytes left over after the Avro record")
    return dict(out)


# --- encoders and decoders -----------------------------------------------------------------


def _xml(record: dict[str, Any]) -> bytes:
    root = ET.Element("record")
    for spec in SCHEMA:
        value = record[spec.name]
        child = ET.SubElement(root, spec.name)
        if spec.kind == "int list":
            for item in value:
                ET.SubElement(child, "item").text = str(item)
        elif spec.kind == "bool":
            child.text = "true" if value else "false"
        else:
            child.text = str(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


_XML_INT = re.compile(r"-?[0-9]+")


def _xml_int(text: str | None, where: str) -> int:
    """An integer written as our XML writes it: ASCII digits, an optional minus sign."""
    if text is None or not _XML_INT.fullmatch(text) or len(text) > 40:
        raise PacketError(f"XML <{where}> holds {quote(text)}, not a whole number")
    return int(text)


def _from_xml(data: bytes) -> dict[str, Any]:
    root = ET.fromstring(data)
    if root.tag != "record":
        raise PacketError(f"XML root element <{quote(root.tag)[1:-1]}>: expected <record>")
    out: dict[str, Any] = {}
    for spec in SCHEMA:
        child = root.find(spec.name)
        if child is None:
            raise PacketError(f"XML has no <{spec.name}> element")
        text = child.text or ""
        if spec.kind == "int list":
            out[spec.name] = [_xml_int(item.text, "item") for item in child.findall("item")]
        elif spec.kind == "bool":
            if text not in ("true", "false"):
                raise PacketError(f"XML <{spec.name}> holds {quote(text)}: expected true or false")
            out[spec.name] = text == "true"
        elif spec.kind == "int":
            out[spec.name] = _xml_int(text, spec.name)
        else:
            out[spec.name] = text
    return out


def _avro(record: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, avro_schema(), record)
    return buf.getvalue()


def _from_avro(data: bytes) -> dict[str, Any]:
    buf = io.BytesIO(data)
    out = fastavro.schemaless_reader(buf, avro_schema(), avro_schema())
    if buf.tell() != len(data):
        raise PacketError(f"{len(data) - buf.tell()} bytes left over after the Avro record")
    return dict(out)


def _proto(record: dict[str, Any]) -> bytes:
    return message_class()(**record).SerializeToString(deterministic=True)


def _from_proto(data: bytes) -> dict[str, Any]:
    msg = message_class()()
    msg.ParseFromString(data)
    return {
        spec.name: list(getattr(msg, spec.name))
        if spec.kind == "int list"
        else getattr(msg, spec.name)
        for spec in SCHEMA
    }


def _json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()


def _from_json(data: bytes) -> dict[str, Any]:
    return json.loads(data)


_CODECS = {
    "JSON": (_json, _from_json),
    "XML": (_xml, _from_xml),
    "protobuf": (_proto, _from_proto),
    "Avro": (_avro, _from_avro),
}


def _format(fmt: Any) -> str:
    for name in FORMATS:
        if isinstance(fmt, str) and fmt.strip().lower() == name.lower():
            return name
    raise PacketError(f"{quote(fmt)}: unknown format; expected one of {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Encoding:
    """One record in one format: the bytes, their size, and what travels with them."""

    format: str
    data: bytes

    @property
    def size(self) -> int:
        """Bytes on the wire."""
        return len(self.data)

    @property
    def names_on_wire(self) -> bool:
        """True if every field name travels in the bytes (self-describing formats)."""
        return all(spec.name.encode() in self.data for spec in SCHEMA)

    @property
    def readable(self) -> bool:
        """True if the bytes are printable UTF-8 text."""
        try:
            return self.data.decode("utf-8").isprintable()
        except UnicodeDecodeError:
            return False

    def hex(self, limit: int = 24) -> str:
        """The first ``limit`` bytes in hex, space separated."""
        head = self.data[:limit].hex(" ")
        return head + (" ..." if len(self.data) > limit else "")

    def __repr__(self) -> str:
        return f"Encoding({self.format}: {self.size} bytes, {self.data[:40]!r})"


def encode(record: Mapping[str, Any] = RECORD, fmt: str = "JSON") -> Encoding:
    """Encode ``record`` (fields as in :data:`SCHEMA`) with the real encoder for ``fmt``.

    >>> encode(RECORD, "json").data[:9]
    b'{"id":42,'
    >>> encode(RECORD, "Avro").data[:1]  # Avro writes 42 as the zig-zag varint 84
    b'T'
    """
    name = _format(fmt)
    return Encoding(name, _CODECS[name][0](_check(record)))


def decode(data: bytes, fmt: str) -> dict[str, Any]:
    """Decode bytes written by :func:`encode` back into a record (schema from :data:`SCHEMA`).

    >>> decode(encode(RECORD, "protobuf").data, "protobuf") == RECORD
    True
    """
    name = _format(fmt)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PacketError(f"expected bytes to decode, got {type(data).__name__}")
    data = bytes(data)
    try:
        record = _CODECS[name][1](data)
    except PacketError:
        raise
    except Exception as exc:  # each library raises its own error types
        why = str(exc) or f"{type(exc).__name__} (the bytes end too soon)"
        article = "an" if name in ("XML", "Avro") else "a"
        raise PacketError(f"{len(data)} bytes are not {article} {name} record: {why}") from None
    try:
        return _check(record)
    except PacketError as exc:
        raise PacketError(
            f"{len(data)} bytes of {name} hold no record like RECORD: {exc}"
        ) from None


@dataclass(frozen=True)
class Comparison:
    """The same record in every format, side by side."""

    rows: tuple[Encoding, ...]

    def __repr__(self) -> str:
        lines = [f"{'format':<10}{'bytes':>6}  {'names on wire':<14}{'text':<6}first bytes"]
        for enc in self.rows:
            names = "yes" if enc.names_on_wire else "no"
            text = "yes" if enc.readable else "no"
            lines.append(f"{enc.format:<10}{enc.size:>6}  {names:<14}{text:<6}{enc.hex(12)}")
        return "\n".join(lines)

    _HEAD = ("format", "bytes", "field names on the wire", "text", "first bytes (hex)")

    def _repr_html_(self) -> str:
        rows = [
            (
                enc.format,
                enc.size,
                "yes" if enc.names_on_wire else "no",
                "yes" if enc.readable else "no",
                Markup("<code>{}</code>").format(enc.hex(24)),
            )
            for enc in self.rows
        ]
        return table(rows, header=self._HEAD, cls="netcourse-encodings")


def compare(record: Mapping[str, Any] = RECORD) -> Comparison:
    """The record encoded in every format of :data:`FORMATS`.

    >>> [enc.names_on_wire for enc in compare().rows]
    [True, True, False, False]
    """
    return Comparison(tuple(encode(record, fmt) for fmt in FORMATS))


# --- gRPC's length-prefixed message --------------------------------------------------------

#: gRPC over HTTP/2: 1 byte compressed flag, 4 bytes big-endian message length.
GRPC_PREFIX = struct.Struct(">BI")
#: The largest message a gRPC server accepts by default (4 MiB), compressed or not.
MAX_MESSAGE = 4 * 1024 * 1024


def _gunzip(payload: bytes) -> bytes:
    """A gzip body, unpacked to at most MAX_MESSAGE bytes (a small body can unpack to GBs)."""
    unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        message = unpacker.decompress(payload, MAX_MESSAGE)
    except zlib.error as exc:
        raise PacketError(f"the compressed message is not valid gzip: {exc}") from None
    if unpacker.unconsumed_tail:
        raise PacketError(f"the compressed message unpacks to more than {MAX_MESSAGE:,} bytes")
    if not unpacker.eof:
        raise PacketError("the compressed message ends before its gzip stream does")
    return message


@dataclass(frozen=True)
class GrpcFrame:
    """One gRPC length-prefixed message: flag, declared length, and the message bytes."""

    compressed: bool
    length: int
    payload: bytes

    @property
    def prefix(self) -> bytes:
        """The 5 bytes in front of the message."""
        return GRPC_PREFIX.pack(int(self.compressed), self.length)

    @property
    def message(self) -> bytes:
        """The serialized message (gunzipped if the frame is compressed)."""
        return _gunzip(self.payload) if self.compressed else self.payload

    def __repr__(self) -> str:
        return (
            f"GrpcFrame(compressed={int(self.compressed)}, length={self.length}, "
            f"prefix={self.prefix.hex(' ')}, payload={self.payload[:16].hex(' ')}"
            f"{' ...' if len(self.payload) > 16 else ''})"
        )


def grpc_frame(message: bytes, compress: bool = False) -> bytes:
    """Wrap a serialized message in gRPC's 5-byte prefix (gzip the body if ``compress``).

    >>> grpc_frame(b"\\x08\\x2a").hex(" ")
    '00 00 00 00 02 08 2a'
    """
    if not isinstance(message, (bytes, bytearray)):
        raise PacketError(f"expected the serialized message as bytes, got {type(message).__name__}")
    body = gzip.compress(bytes(message), mtime=0) if compress else bytes(message)
    if len(body) >= 2**32:
        raise PacketError(f"{len(body)} bytes: a gRPC message length must fit in 4 bytes")
    return GRPC_PREFIX.pack(1 if compress else 0, len(body)) + body


def _one(data: bytes, at: int) -> tuple[GrpcFrame, int]:
    if len(data) - at < GRPC_PREFIX.size:
        raise PacketError(
            f"{len(data) - at} bytes at offset {at}: a gRPC message starts with a 5-byte prefix"
        )
    flag, length = GRPC_PREFIX.unpack_from(data, at)
    if flag not in (0, 1):
        raise PacketError(f"compressed flag {flag} at offset {at}: expected 0 or 1")
    end = at + GRPC_PREFIX.size + length
    if end > len(data):
        raise PacketError(
            f"the prefix at offset {at} announces {length} bytes but only "
            f"{len(data) - at - GRPC_PREFIX.size} follow"
        )
    return GrpcFrame(bool(flag), length, bytes(data[at + GRPC_PREFIX.size : end])), end


def parse_grpc_frame(data: bytes) -> GrpcFrame:
    """Read exactly one gRPC length-prefixed message.

    >>> parse_grpc_frame(bytes.fromhex("0000000002082a")).payload
    b'\\x08*'
    """
    if not isinstance(data, (bytes, bytearray)):
        raise PacketError(f"expected bytes, got {type(data).__name__}")
    frame, end = _one(bytes(data), 0)
    if end != len(data):
        raise PacketError(f"{len(data) - end} bytes after the message: use grpc_messages()")
    return frame


def grpc_messages(data: bytes) -> tuple[GrpcFrame, ...]:
    """Split a stream of gRPC length-prefixed messages (one HTTP/2 DATA payload or more).

    >>> len(grpc_messages(grpc_frame(b"a") + grpc_frame(b"bc")))
    2
    """
    if not isinstance(data, (bytes, bytearray)):
        raise PacketError(f"expected bytes, got {type(data).__name__}")
    data, at, out = bytes(data), 0, []
    while at < len(data):
        frame, at = _one(data, at)
        out.append(frame)
    return tuple(out)
