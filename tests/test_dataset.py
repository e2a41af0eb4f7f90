import json

import pytest

from jzanalysis import settings
from jzanalysis.dataset import read_facts_csv, sha256_of, verify_raw_file
from jzanalysis.errors import InputError, RawFileChanged
from jzanalysis.schema import FACT_COLUMNS


def test_seed_matches_its_manifest_entry():
    manifest = json.loads(settings.MANIFEST_PATH.read_text(encoding="utf-8"))
    assert sha256_of(settings.SEED_BULLETIN) == manifest["files"][settings.SEED_BULLETIN.name]["sha256"]
    assert verify_raw_file(settings.SEED_BULLETIN) is None


def _raw_dir(tmp_path, content: bytes, recorded: bytes):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "b.txt").write_bytes(content)
    import hashlib

    manifest = {"files": {"b.txt": {"sha256": hashlib.sha256(recorded).hexdigest()}}}
    (raw / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return raw


def test_changed_raw_file_is_an_error_not_a_new_result(tmp_path):
    raw = _raw_dir(tmp_path, "全市新引进亿元以上项目175个".encode(), recorded="全市新引进亿元以上项目174个".encode())
    with pytest.raises(RawFileChanged, match="b.txt has changed"):
        verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json")


def test_raw_file_missing_from_manifest_is_reported(tmp_path):
    raw = _raw_dir(tmp_path, b"x", recorded=b"x")
    (raw / "new.txt").write_bytes(b"y")
    warning = verify_raw_file(raw / "new.txt", manifest_path=raw / "manifest.json")
    assert "new.txt" in warning and "not in its manifest.json" in warning
    assert verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json") is None


def test_facts_csv_round_trip_and_validation(tmp_path, seed_city_facts):
    path = tmp_path / "facts.csv"
    seed_city_facts[FACT_COLUMNS].to_csv(path, index=False)
    dataset = read_facts_csv(path)
    assert dataset.facts.set_index("metric").loc["funds_in_place", "yoy_pct"] == 31.3
    assert dataset.latest_snapshot("projects_100m") == (2015, 7)

    bad = seed_city_facts.copy()
    bad.loc[1, "region"] = "荆州新区"
    bad[FACT_COLUMNS].to_csv(path, index=False)
    with pytest.raises(InputError, match="row 2: unknown region '荆州新区': not in the county registry"):
        read_facts_csv(path)

    seed_city_facts[["year", "metric"]].to_csv(path, index=False)
    with pytest.raises(InputError, match="lacks facts column"):
        read_facts_csv(path)
