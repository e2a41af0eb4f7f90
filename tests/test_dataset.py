import json

import pytest

from jzanalysis import settings
from jzanalysis.dataset import load_manifest, read_facts_csv, sha256_of, verify_raw_file, write_manifest
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
    with pytest.raises(RawFileChanged, match=r"b\.txt has changed"):
        verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json")


def test_raw_file_missing_from_manifest_is_an_error_naming_the_command(tmp_path):
    raw = _raw_dir(tmp_path, b"x", recorded=b"x")
    (raw / "new.txt").write_bytes(b"y")
    with pytest.raises(
        InputError, match=r"new.txt is in .* but not in its manifest.json; .*record it with `jzanalysis manifest "
    ):
        verify_raw_file(raw / "new.txt", manifest_path=raw / "manifest.json")
    assert verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json") is None


def test_files_outside_data_raw_are_not_checked(tmp_path):
    raw = _raw_dir(tmp_path, b"x", recorded=b"x")
    elsewhere = tmp_path / "b.txt"
    elsewhere.write_bytes(b"edited")
    assert verify_raw_file(elsewhere, manifest_path=raw / "manifest.json") is None


def test_a_link_into_data_raw_is_checked_and_a_link_out_of_it_refused(tmp_path):
    raw = _raw_dir(tmp_path, "174个".encode(), recorded="174个".encode())
    outside = tmp_path / "link.txt"
    outside.symlink_to(raw / "b.txt")
    assert verify_raw_file(outside, manifest_path=raw / "manifest.json") is None  # the real file is the recorded one
    (raw / "b.txt").write_text("175个", encoding="utf-8")
    with pytest.raises(RawFileChanged):
        verify_raw_file(outside, manifest_path=raw / "manifest.json")
    edited = tmp_path / "edited.txt"
    edited.write_text("174个", encoding="utf-8")  # even with the recorded bytes: a link out is refused
    (raw / "b.txt").unlink()
    (raw / "b.txt").symlink_to(edited)
    with pytest.raises(InputError, match=r"b.txt is a symbolic link to .*edited.txt, outside "):
        verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json")
    # a linked sub-folder of data/raw that leads out of it is refused the same way
    (tmp_path / "away").mkdir()
    (tmp_path / "away" / "c.txt").write_text("174个", encoding="utf-8")
    (raw / "sub").symlink_to(tmp_path / "away")
    with pytest.raises(InputError, match=r"is a symbolic link to .*away/c\.txt"):
        verify_raw_file(raw / "sub" / "c.txt", manifest_path=raw / "manifest.json")


def test_the_digest_of_the_bytes_read_is_what_is_compared(tmp_path):
    raw = _raw_dir(tmp_path, b"x", recorded=b"x")
    with pytest.raises(RawFileChanged, match="has changed"):
        verify_raw_file(raw / "b.txt", manifest_path=raw / "manifest.json", sha256="0" * 64)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "manifest.json is missing"),
        ("{", "is not valid JSON"),
        ("\udcff".encode("utf-8", "surrogatepass"), "is not valid JSON"),
        ('["files"]', "got no files"),
        ('{"files": []}', "got files as a list"),
        ('{"files": {"b.txt": "d78e"}}', "entry 'b.txt' has no sha256"),
        ('{"files": {"b.txt": {"sha256": 12}}}', "entry 'b.txt' has sha256 '12', not 64 hex digits"),
        ('{"files": {"b.txt": {"sha256": "' + "G" * 64 + '"}}}', "not 64 hex digits"),
    ],
)
def test_a_missing_or_malformed_manifest_names_the_command_that_rebuilds_it(tmp_path, content, message):
    manifest = tmp_path / "raw" / "manifest.json"
    manifest.parent.mkdir()
    if isinstance(content, str):
        manifest.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        manifest.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_manifest(manifest)
    assert message in str(info.value) and "`jzanalysis manifest " in str(info.value)
    assert "\n" not in str(info.value)


def test_write_manifest_keeps_descriptions_adds_new_files_and_drops_gone_ones(tmp_path):
    raw = _raw_dir(tmp_path, b"x", recorded=b"x")
    manifest = json.loads((raw / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["b.txt"]["description"] = "kept as written"
    manifest["files"]["gone.txt"] = {"sha256": "0" * 64}
    (raw / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (raw / "c.html").write_bytes(b"<p>y</p>")
    (raw / "notes.md").write_bytes(b"not a bulletin")
    update = write_manifest(raw)
    assert (update.added, update.kept, update.dropped, update.updated) == (["c.html"], ["b.txt"], ["gone.txt"], [])
    files = load_manifest(raw / "manifest.json")
    assert set(files) == {"b.txt", "c.html"}
    assert files["b.txt"]["description"] == "kept as written"
    assert files["c.html"]["sha256"] == sha256_of(raw / "c.html")
    assert sorted(p.name for p in raw.iterdir()) == [
        "b.txt",
        "c.html",
        "manifest.json",
        "notes.md",
    ]  # no temporary left


def test_facts_csv_round_trip_and_validation(tmp_path, seed_city_facts):
    path = tmp_path / "facts.csv"
    seed_city_facts[FACT_COLUMNS].to_csv(path, index=False)
    dataset = read_facts_csv(path)
    assert dataset.facts.set_index("metric").loc["funds_in_place", "yoy_pct"] == 31.3
    assert dataset.latest_snapshot("projects_100m", "荆州市") == (2015, 7)

    bad = seed_city_facts.copy()
    bad.loc[1, "region"] = " "
    bad[FACT_COLUMNS].to_csv(path, index=False)
    with pytest.raises(InputError, match="row 2: region is empty"):
        read_facts_csv(path)

    seed_city_facts[["year", "metric"]].to_csv(path, index=False)
    with pytest.raises(InputError, match="lacks facts column"):
        read_facts_csv(path)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("value", 1e17, "row 1: projects_100m value must be a number 0..1,000,000 个, got 1e+17"),
        ("value", 1_000_000, None),
        ("value", 0, None),
        ("year", 2101, "row 1: year must be a whole number 1990..2100, got 2101"),
        ("year", None, None),
        ("months", 0, "months must be 1..12"),
        ("plan_pct", 1000.5, "plan_pct must be a number 0.01..1000 (percent of the annual plan), got 1000.5"),
        ("plan_pct", 250, None),
        ("yoy_pct", -100.5, "yoy_pct must be a number -100..10,000 (percent growth), got -100.5"),
        ("yoy_pct", -100, None),
    ],
)
def test_fact_numbers_are_bounded_per_unit(seed_city_facts, column, value, message):
    from jzanalysis.dataset import validate_facts

    facts = seed_city_facts.copy()
    facts.loc[0, column] = value
    if message is None:
        validate_facts(facts, origin="t")
    else:
        with pytest.raises(InputError, match=None) as info:
            validate_facts(facts, origin="t")
        assert message in str(info.value)


def test_extracted_facts_out_of_range_name_the_file_and_the_quote(tmp_path):
    from jzanalysis.dataset import load_bulletins, validate_facts

    path = tmp_path / "b.txt"
    path.write_text("荆州市2015年1-7月全市实际到位资金798亿元。", encoding="utf-8")
    dataset = load_bulletins([path])
    assert dataset.facts.value.tolist() == [798]
    facts = dataset.facts.copy()
    facts.loc[0, "value"] = 9999999  # beyond what the extractor keeps: the facts check stands behind it
    with pytest.raises(InputError) as info:
        validate_facts(facts, origin=None)
    assert (
        str(info.value)
        == f"b.txt: 「{facts.quote[0]}」: funds_in_place value must be a number 0..1,000,000 亿元, got 9999999.0"
    )
