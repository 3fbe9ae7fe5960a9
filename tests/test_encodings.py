"""Layer-6 encodings against the formats' specifications, and the gRPC message frame."""

from __future__ import annotations

import gzip
import json
import struct
import time
import xml.dom.minidom

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import encodings
from netcourse.encodings import RECORD, SCHEMA, compare, decode, encode
from netcourse.errors import PacketError


def varint(n: int) -> bytes:
    """Base-128 varint, least significant group first (protobuf and Avro specifications)."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def test_protobuf_bytes_follow_the_wire_format():
    data = encode(RECORD, "protobuf").data
    name, email = RECORD["name"].encode(), RECORD["email"].encode()
    scores = b"".join(varint(v) for v in RECORD["scores"])
    wanted = (
        bytes([1 << 3 | 0]) + varint(RECORD["id"])
        + bytes([2 << 3 | 2]) + varint(len(name)) + name
        + bytes([3 << 3 | 2]) + varint(len(email)) + email
        + bytes([4 << 3 | 0, 1])
        + bytes([5 << 3 | 2]) + varint(len(scores)) + scores  # proto3 packs repeated ints
    )  # fmt: skip
    assert data == wanted


def test_avro_bytes_follow_the_specification():
    data = encode(RECORD, "Avro").data
    name, email = RECORD["name"].encode(), RECORD["email"].encode()
    items = b"".join(varint(zigzag(v)) for v in RECORD["scores"])
    wanted = (
        varint(zigzag(RECORD["id"]))
        + varint(zigzag(len(name))) + name
        + varint(zigzag(len(email))) + email
        + b"\x01"
        + varint(zigzag(len(RECORD["scores"]))) + items + b"\x00"
    )  # fmt: skip
    assert data == wanted


def test_json_and_xml_are_what_the_standard_libraries_read():
    assert json.loads(encode(RECORD, "JSON").data) == RECORD
    doc = xml.dom.minidom.parseString(encode(RECORD, "XML").data)
    assert doc.documentElement.tagName == "record"
    items = doc.getElementsByTagName("scores")[0].getElementsByTagName("item")
    assert [int(i.firstChild.data) for i in items] == RECORD["scores"]


def test_protobuf_message_class_agrees_with_json_format():
    from google.protobuf import json_format

    msg = encodings.message_class()()
    msg.ParseFromString(encode(RECORD, "protobuf").data)
    as_dict = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    assert int(as_dict["id"]) == RECORD["id"]  # int64 maps to a JSON string
    assert {k: v for k, v in as_dict.items() if k != "id"} == {
        k: v for k, v in RECORD.items() if k != "id"
    }
    assert [f.number for f in msg.DESCRIPTOR.fields] == [spec.number for spec in SCHEMA]


def test_comparison_sizes_and_what_travels():
    rows = {enc.format: enc for enc in compare().rows}
    assert list(rows) == ["JSON", "XML", "protobuf", "Avro"]
    assert rows["Avro"].size < rows["protobuf"].size < rows["JSON"].size < rows["XML"].size
    assert rows["JSON"].names_on_wire and rows["XML"].names_on_wire
    assert not rows["protobuf"].names_on_wire and not rows["Avro"].names_on_wire
    assert rows["JSON"].readable and not rows["Avro"].readable
    table = compare()
    assert repr(table).splitlines()[1].startswith("JSON") and "<table" in table._repr_html_()


@pytest.mark.parametrize("fmt", encodings.FORMATS)
def test_round_trip_each_format(fmt):
    assert decode(encode(RECORD, fmt).data, fmt) == RECORD


def test_bad_input_gives_packet_errors():
    with pytest.raises(PacketError, match="'yaml': unknown format"):
        encode(RECORD, "yaml")
    with pytest.raises(PacketError, match="missing \\['email'\\]"):
        encode({k: v for k, v in RECORD.items() if k != "email"}, "JSON")
    with pytest.raises(PacketError, match="field 'id' = '42': expected a int"):
        encode({**RECORD, "id": "42"}, "Avro")
    with pytest.raises(PacketError, match="not a JSON record"):
        decode(b"{nope", "JSON")
    with pytest.raises(PacketError, match="not a protobuf record"):
        decode(b"\xff\xff\xff", "protobuf")
    with pytest.raises(PacketError, match="left over"):
        decode(encode(RECORD, "Avro").data + b"\x00", "Avro")
    with pytest.raises(PacketError, match="expected bytes"):
        decode("text", "XML")


records = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=-(2**63), max_value=2**63 - 1),
        "name": st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
        ),
        "email": st.text(alphabet="abcdefghij@.", max_size=30),
        "active": st.booleans(),
        "scores": st.lists(st.integers(min_value=-(2**31), max_value=2**31 - 1), max_size=8),
    }
)


@settings(max_examples=40, deadline=None)
@given(records)
def test_every_format_round_trips(record):
    for fmt in encodings.FORMATS:
        assert decode(encode(record, fmt).data, fmt) == record


def test_grpc_frame_layout():
    body = encode(RECORD, "protobuf").data
    frame = encodings.grpc_frame(body)
    assert frame[:1] == b"\x00" and struct.unpack(">I", frame[1:5])[0] == len(body)
    assert frame[5:] == body and len(frame) == len(body) + 5
    parsed = encodings.parse_grpc_frame(frame)
    assert (parsed.compressed, parsed.length, parsed.message) == (False, len(body), body)
    assert parsed.prefix == frame[:5] and "compressed=0" in repr(parsed)
    packed = encodings.grpc_frame(body, compress=True)
    assert packed[0] == 1 and gzip.decompress(packed[5:]) == body
    assert encodings.parse_grpc_frame(packed).message == body


def test_grpc_frame_errors():
    with pytest.raises(PacketError, match="5-byte prefix"):
        encodings.parse_grpc_frame(b"\x00\x00")
    with pytest.raises(PacketError, match="compressed flag 7"):
        encodings.parse_grpc_frame(b"\x07\x00\x00\x00\x00")
    with pytest.raises(PacketError, match="announces 9 bytes but only 1 follow"):
        encodings.parse_grpc_frame(b"\x00\x00\x00\x00\x09a")
    with pytest.raises(PacketError, match="after the message"):
        encodings.parse_grpc_frame(encodings.grpc_frame(b"a") + b"x")
    with pytest.raises(PacketError, match="as bytes"):
        encodings.grpc_frame("text")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=5))
def test_grpc_stream_round_trips(messages):
    stream = b"".join(encodings.grpc_frame(m) for m in messages)
    assert [f.message for f in encodings.grpc_messages(stream)] == messages
    ends, at = {0}, 0
    for m in messages:
        at += 5 + len(m)
        ends.add(at)
    for cut in range(1, min(len(stream), 12) + 1):
        if len(stream) - cut in ends:
            encodings.grpc_messages(stream[:-cut])  # a whole number of messages: fine
        else:
            with pytest.raises(PacketError):
                encodings.grpc_messages(stream[:-cut])


# --- any bytes: a record, a frame or a PacketError, quickly ----------------------------------

FUZZ = settings(max_examples=120, deadline=None)
ENCODED = {fmt: encode(RECORD, fmt).data for fmt in encodings.FORMATS}


def bounded(call, *args):
    """``call(*args)`` within a second: its result, or None for a PacketError."""
    started = time.perf_counter()
    try:
        return call(*args)
    except PacketError:
        return None
    finally:
        assert time.perf_counter() - started < 1.0, f"{call.__name__} took too long"


def is_record(value) -> bool:
    """A dict with exactly SCHEMA's fields, each of its kind (checked without the encoders)."""
    if not isinstance(value, dict) or list(value) != [spec.name for spec in SCHEMA]:
        return False
    kinds = {"int": int, "string": str, "bool": bool}
    for spec in SCHEMA:
        item = value[spec.name]
        if spec.kind == "int list":
            if not (isinstance(item, list) and all(type(v) is int for v in item)):
                return False
        elif spec.kind == "int":
            if type(item) is not int:
                return False
        elif not isinstance(item, kinds[spec.kind]):
            return False
    return True


damaged = st.one_of(
    st.binary(max_size=120),
    st.builds(
        lambda fmt, cut: (fmt, ENCODED[fmt][:cut]),
        st.sampled_from(encodings.FORMATS),
        st.integers(0, 120),
    ),
    st.builds(
        lambda fmt, where, value: (
            fmt,
            ENCODED[fmt][: where % len(ENCODED[fmt])]
            + bytes([value])
            + ENCODED[fmt][where % len(ENCODED[fmt]) + 1 :],
        ),
        st.sampled_from(encodings.FORMATS),
        st.integers(0, 400),
        st.integers(0, 255),
    ),
)


@FUZZ
@given(damaged, st.sampled_from(encodings.FORMATS))
def test_decode_of_any_bytes_is_a_record_or_a_packet_error(case, other_fmt):
    fmt, data = case if isinstance(case, tuple) else (other_fmt, case)
    got = bounded(decode, data, fmt)
    assert got is None or is_record(got)
    if fmt == "JSON" and got is not None:
        assert got == json.loads(data)  # the standard library reads the same record


@FUZZ
@given(st.one_of(st.text(max_size=8), st.integers(), st.none(), st.binary(max_size=8)))
def test_unknown_formats_and_non_bytes_are_packet_errors(value):
    assert bounded(decode, b"{}", value) is None or value.strip().lower() in {
        f.lower() for f in encodings.FORMATS
    }
    assert bounded(decode, value, "JSON") is None or isinstance(value, bytes)
    assert bounded(encode, value, "JSON") is None


@FUZZ
@given(st.binary(max_size=60), st.data())
def test_grpc_parsers_of_any_bytes_give_frames_or_packet_errors(data, draw):
    frames = bounded(encodings.grpc_messages, data)
    if frames is not None:  # the frames tile the bytes exactly, each announcing its length
        assert sum(5 + f.length for f in frames) == len(data)
        assert all(len(f.payload) == f.length and f.prefix[1:] for f in frames)
        for frame in frames:
            message = bounded(lambda frame=frame: frame.message)
            if message is not None and frame.compressed:
                assert message == gzip.decompress(frame.payload)
    cut = draw.draw(st.integers(0, len(data)))
    one = bounded(encodings.parse_grpc_frame, data[:cut])
    if one is not None:
        assert 5 + one.length == cut and one.prefix == data[:5]


def test_compressed_message_is_unpacked_within_grpcs_limit():
    bomb = encodings.grpc_frame(b"\x00" * (encodings.MAX_MESSAGE + 1), compress=True)
    assert len(bomb) < 10_000  # a few kilobytes on the wire ...
    frame = encodings.parse_grpc_frame(bomb)
    with pytest.raises(PacketError, match="unpacks to more than 4,194,304 bytes"):
        _ = frame.message  # ... are never unpacked past gRPC's 4 MiB limit
    fits = encodings.parse_grpc_frame(encodings.grpc_frame(b"\x01" * 1000, compress=True))
    assert fits.message == b"\x01" * 1000
    broken = encodings.GrpcFrame(True, 3, b"abc")
    with pytest.raises(PacketError, match="not valid gzip"):
        _ = broken.message
    with pytest.raises(PacketError, match="mixed|unexpected|missing"):
        encode({1: 2, "id": 3})  # keys of mixed types are named, not sorted into a TypeError


def test_decoded_values_must_be_records():
    for data, fmt in ((b"5", "JSON"), (b"[1]", "JSON"), (b"{}", "JSON"), (b"NaN", "JSON")):
        with pytest.raises(PacketError, match="hold no record like RECORD"):
            decode(data, fmt)
    xml_text = ENCODED["XML"].decode()
    for old, new in (("<id>42</id>", "<id>４２</id>"), ("true", "yes")):
        with pytest.raises(PacketError, match="XML <"):
            decode(xml_text.replace(old, new).encode(), "XML")
    with pytest.raises(PacketError, match="bytes end too soon|not an Avro record"):
        decode(ENCODED["Avro"][:3], "Avro")


# --- Avro: the reader needs the writer's schema and resolves it into its own ---------------


def test_avro_reader_resolves_the_writers_schema_into_its_own():
    data = encode(RECORD, "Avro").data
    read = encodings.read_avro(data, encodings.AVRO_READER_SCHEMA)
    # the Avro specification's rules, applied by hand: the writer's extra field is skipped,
    # the reader's new field takes its default, ints are promoted to longs (same values)
    expected = {k: RECORD[k] for k in ("id", "name", "active", "scores")} | {"country": "unknown"}
    assert read == expected and "email" not in read


def test_avro_needs_the_writers_schema():
    data = encode(RECORD, "Avro").data
    with pytest.raises(PacketError, match="not Avro written with that schema"):
        encodings.read_avro(data, writer=encodings.AVRO_READER_SCHEMA)  # the reader's alone


def test_avro_file_carries_the_writers_schema_and_resolves_the_same_way():
    """Differential: an Avro container file holds the writer's schema in its header."""
    import io

    import fastavro

    buf = io.BytesIO()
    fastavro.writer(buf, encodings.avro_schema(), [RECORD])
    buf.seek(0)
    reader = fastavro.reader(buf, reader_schema=encodings.AVRO_READER_SCHEMA)
    assert reader.writer_schema["fields"][2]["name"] == "email"
    (from_file,) = list(reader)
    assert from_file == encodings.read_avro(encode(RECORD, "Avro").data)


def test_read_avro_refuses_what_is_not_bytes_or_a_schema():
    with pytest.raises(PacketError, match="expected bytes"):
        encodings.read_avro("text")
    with pytest.raises(PacketError, match="not an Avro schema"):
        encodings.read_avro(b"", {"type": "record", "name": "R", "fields": [{"type": "nope"}]})
    with pytest.raises(PacketError, match="left over"):
        encodings.read_avro(encode(RECORD, "Avro").data + b"\x00")
