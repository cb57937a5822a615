import json

from anxin.errors import InvalidInput
from anxin.hotline.scanner import iter_pages


def test_files_directories_and_jsonl(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_bytes(b"<p>b</p>")
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / ".hidden").write_bytes(b"h")
    lines = [json.dumps({"url": "u1", "html": "<p>x</p>"}), "", "[1, 2]", json.dumps({"url": "u3"}), "{bad"]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_pages([tmp_path, tmp_path / "missing.html"]))
    names = [s.rsplit("/", 1)[-1] for s, _ in items]
    assert names == ["a.txt", "u1", "c.jsonl:3", "c.jsonl:4", "c.jsonl:5", "b.html", "missing.html"]
    kinds = [type(p).__name__ for _, p in items]
    assert kinds == ["bytes", "str", "InvalidInput", "InvalidInput", "InvalidInput", "bytes", "InvalidInput"]


def test_oversized_jsonl_record_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(
        json.dumps({"url": "big", "text": "x" * 5000}) + "\n" + json.dumps({"url": "ok", "text": "y"}) + "\n"
    )
    items = list(iter_pages([path], max_bytes=1000))
    assert isinstance(items[0][1], InvalidInput) and "larger than" in items[0][1].message
    assert items[1] == ("ok", "y")


def test_file_read_is_bounded(tmp_path):
    (tmp_path / "big.html").write_bytes(b"x" * 10_000)
    ((_, data),) = list(iter_pages([tmp_path / "big.html"], max_bytes=1000))
    assert len(data) == 1000
