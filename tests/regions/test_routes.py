"""Region endpoints over real HTTP: resolve lists, browse the tree, coordinates, clear errors."""

from __future__ import annotations


def test_resolve_a_list(live_server):
    with live_server.client() as client:
        response = client.get("/api/regions/resolve", params={"q": "渭南市大荔县、直辖县仙桃市\n朝阳区"})
    assert response.status_code == 200
    items = response.json()
    assert [i["input"] for i in items] == ["渭南市大荔县", "直辖县仙桃市", "朝阳区"]
    assert items[0]["code"] == "610523" and items[0]["level"] == "county"
    assert items[1]["code"] == "429004"
    assert items[2]["code"] is None and "ambiguous" in items[2]["flags"]
    assert {c["code"] for c in items[2]["candidates"]} >= {"110105", "220104"}


def test_stale_name_is_flagged(live_server):
    with live_server.client() as client:
        item = client.get("/api/regions/resolve", params={"q": "杭州市江干区"}).json()[0]
    assert item["code"] == "330102" and "stale_name" in item["flags"]


def test_tree_and_coordinates(live_server):
    with live_server.client() as client:
        provinces = client.get("/api/regions").json()
        assert (
            len(provinces) >= 31 and {"code": "11", "name": "北京市", "level": "province", "parent": None} in provinces
        )
        counties = client.get("/api/regions/6105/children").json()
        assert "610523" in {c["code"] for c in counties}
        detail = client.get("/api/regions/610523").json()
    assert detail["full_name"] == "陕西省渭南市大荔县"
    assert [p["code"] for p in detail["path"]] == ["61", "6105", "610523"]
    assert 109 < detail["lng"] < 110.5 and 34.5 < detail["lat"] < 35.2  # 大荔县城, GCJ-02


def test_errors_use_the_envelope(live_server):
    with live_server.client() as client:
        missing = client.get("/api/regions/999999")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        bad = client.get("/api/regions/12ab/children")
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
        empty = client.get("/api/regions/resolve", params={"q": ""})
        assert empty.status_code == 422
        long_list = client.post("/api/regions/resolve", json={"text": "渭南市大荔县、" * 1000})
        assert long_list.status_code == 200 and len(long_list.json()) == 1000
        huge = client.post("/api/regions/resolve", json={"text": "朝阳区、" * 6000})
        assert huge.status_code == 422 and "20000" in huge.json()["message"]
