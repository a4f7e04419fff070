"""The xlsx parts' deflate (files/_deflate.py): ISA-L where installed, zlib otherwise.

A sheet written through ISA-L holds exactly what the zlib fallback writes, passes zip's own
checks, and a damaged stream from either is refused by the guard in words, never with the
library's own exception.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import numpy as np
import pytest

from xl_kent.files import _deflate, _xlsx, _xlsx_guard


def _workbook(n_rows: int = 12_000) -> bytes:
    rng = np.random.default_rng(7)
    columns = [np.arange(n_rows, dtype=np.float64) + 0.5,
               np.array([f"employee {i}" for i in rng.integers(0, 900, size=n_rows)], dtype=object)]
    buf = io.BytesIO()
    _xlsx.write_workbook(buf, ["Results"], [(["pay_gbp", "name"], columns, [0, 0], [12, 20], None)])
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def test_fallback_writes_the_same_contents(monkeypatch):
    fast = _workbook()
    monkeypatch.setattr(_deflate, "_isal", None)
    plain = _workbook()
    assert _parts(fast) == _parts(plain)
    if _deflate.ISAL:
        # the sheet really went through ISA-L: same contents, other bytes
        assert fast != plain


def test_guard_reads_the_sheet_back_with_either_library(monkeypatch):
    data = _workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        expected = zf.read(info)
        assert b"".join(_xlsx_guard.inflate(zf, info)) == expected
        monkeypatch.setattr(_deflate, "_isal", None)
        assert b"".join(_xlsx_guard.inflate(zf, info)) == expected


def _damaged(data: bytes, name: str) -> bytes:
    """``data`` with bytes in the middle of ``name``'s compressed stream overwritten."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    raw = bytearray(data)
    header = info.header_offset
    name_len, extra_len = int.from_bytes(raw[header + 26:header + 28], "little"), \
        int.from_bytes(raw[header + 28:header + 30], "little")
    start = header + 30 + name_len + extra_len + info.compress_size // 2
    raw[start:start + 64] = b"\xff" * 64
    return bytes(raw)


@pytest.mark.parametrize("library", ["best", "zlib"])
def test_a_damaged_stream_is_refused_in_words(library, monkeypatch):
    if library == "zlib":
        monkeypatch.setattr(_deflate, "_isal", None)
    data = _damaged(_workbook(), "xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        with pytest.raises(_xlsx_guard.GuardError) as refused:
            b"".join(_xlsx_guard.inflate(zf, info))
    message = str(refused.value)
    assert "xl/worksheets/sheet1.xml" in message
    assert "damaged" in message or "checksum" in message or "bytes" in message


def test_speed_up_leaves_a_member_already_written_to_alone():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("started.xml", "w") as started:
            started.write(b"<a/>")
            before = started._compressor
            _deflate.speed_up(started, 1)  # something already written: stays zlib
            assert started._compressor is before
            started.write(b"<b/>")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        assert zf.testzip() is None
        assert zf.read("started.xml") == b"<a/><b/>"


def test_crc_and_round_trip_agree_with_zlib():
    rng = np.random.default_rng(3)
    data = rng.integers(0, 40, size=300_000, dtype=np.uint8).tobytes()
    assert _deflate.crc32(data) == zlib.crc32(data)
    assert _deflate.crc32(data[1000:], _deflate.crc32(data[:1000])) == zlib.crc32(data)
    packer = _deflate.compressobj(1)
    packed = packer.compress(data) + packer.flush()
    assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(packed) == data
    assert _deflate.decompressobj().decompress(packed) == data


@pytest.mark.parametrize("library", ["best", "zlib"])
@pytest.mark.parametrize("chunk", [64, 256, 4096])
def test_small_chunks_inflate_whole(library, chunk, monkeypatch):
    """Inflated a few bytes at a time, each output piece cut at ``8 * chunk`` (ISA-L may keep
    output of an input it has taken whole: asked again, it gives it)."""
    if library == "zlib":
        monkeypatch.setattr(_deflate, "_isal", None)
    monkeypatch.setattr(_xlsx_guard, "CHUNK_BYTES", chunk)
    rng = np.random.default_rng(chunk)
    data = rng.integers(0, 256, size=5_000, dtype=np.uint8).tobytes() + b"<row/>" * 100_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("part.xml", data)
    with zipfile.ZipFile(buf) as zf:
        assert b"".join(_xlsx_guard.inflate(zf, zf.getinfo("part.xml"))) == data
