"""Uploads: judged by content, images stripped of metadata, stored once by digest, bad files refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.errors import InvalidInput, PayloadTooLarge
from anxin.uploads.store import store_upload, table_rows


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 15.0, 0.0), 4: (120.0, 10.0, 0.0)}  # GPSInfo: where the customer lives
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_image_metadata_is_dropped_and_pixels_kept(tmp_path):
    original = _jpeg_with_gps()
    assert b"PhoneMaker" in original
    stored = store_upload(original, root=tmp_path)
    cleaned = stored.path.read_bytes()
    assert stored.content_type == "image/jpeg" and b"PhoneMaker" not in cleaned
    with Image.open(stored.path) as image:
        assert image.size == (32, 24) and not image.getexif()


def test_same_file_is_stored_once(tmp_path):
    data = _jpeg_with_gps()
    first, second = store_upload(data, root=tmp_path), store_upload(data, root=tmp_path)
    assert first.sha256 == second.sha256
    assert len(list((tmp_path / "uploads").rglob("*.jpg"))) == 1


def test_pdf_is_kept_as_is(tmp_path):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = store_upload(pdf, root=tmp_path)
    assert stored.content_type == "application/pdf" and stored.path.read_bytes() == pdf


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"MZ\x90\x00 windows program renamed photo.jpg", "only PNG"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot be read"),
        (b"<html><script>alert(1)</script>,\n<p>,</p>\n", "only PNG"),  # text, but a page, not a table
        (b"time,place\n2026-11-20,\x00\x01\x02\n", "only PNG"),  # control bytes in the "table"
        ("一行文字，没有第二行".encode(), "only PNG"),  # one row is not a table
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path, data, words):
    with pytest.raises(InvalidInput, match=words):
        store_upload(data, root=tmp_path)
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").rglob("*.*"))


def test_size_limit(tmp_path):
    with pytest.raises(PayloadTooLarge):
        store_upload(b"%PDF-" + b"x" * 2000, root=tmp_path, max_bytes=1000)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_logistics_record_is_stored_as_utf8_rows(tmp_path, encoding):
    record = "时间\t地点\t状态\r\n2026-11-20 09:12\t杭州转运中心\t已发出\r\n2026-11-21 18:40\t收件人\t已签收\r\n"
    stored = store_upload(record.encode(encoding), root=tmp_path)
    assert stored.content_type == "text/csv" and stored.path.suffix == ".csv"
    assert stored.path.read_bytes() == record.replace("\r\n", "\n").encode("utf-8")
    assert table_rows(stored.path) == [["时间", "地点", "状态"], ["2026-11-20 09:12", "杭州转运中心", "已发出"],
                                       ["2026-11-21 18:40", "收件人", "已签收"]]  # fmt: skip
