"""The run manifest: inputs with sha256, config digest, versions, command, times, validation."""

import datetime as dt
import hashlib
import json
from importlib import metadata

from survey.store.manifest import PACKAGES, build_manifest, changed_inputs, manifest_text, package_versions

START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 3, 1, 12, 0, 42, 500000, tzinfo=dt.timezone.utc)


def _project(tmp_path):
    raw = tmp_path / "data" / "raw" / "2024-demo"
    raw.mkdir(parents=True)
    (raw / "network.csv").write_bytes(b"id,q1\n1,2\n")
    (tmp_path / "survey.yml").write_bytes(b"languages: [fi]\n")
    return {"raw/network": raw / "network.csv", "survey.yml": tmp_path / "survey.yml"}


def test_build_manifest_records_everything(tmp_path):
    inputs = _project(tmp_path)
    manifest = build_manifest(inputs, "abc123", ["survey", "run", "--wave", "2024-demo"], START, END,
                              {"errors": 0, "warnings": 2}, root=tmp_path)
    assert manifest["command"] == "survey run --wave 2024-demo"
    assert manifest["started"] == "2026-03-01T12:00:00Z"
    assert manifest["finished"] == "2026-03-01T12:00:42Z"
    assert manifest["duration_seconds"] == 42.5
    assert manifest["config_sha256"] == "abc123"
    assert manifest["validation"] == {"errors": 0, "warnings": 2}
    assert manifest["inputs"]["raw/network"] == {
        "path": "data/raw/2024-demo/network.csv", "bytes": 10,
        "sha256": hashlib.sha256(b"id,q1\n1,2\n").hexdigest()}
    assert manifest["inputs"]["survey.yml"]["path"] == "survey.yml"
    assert set(manifest["packages"]) == set(PACKAGES)
    assert manifest["packages"]["pandas"] == metadata.version("pandas")
    assert manifest["packages"]["openpyxl"] == metadata.version("openpyxl")
    json.loads(manifest_text(manifest))   # JSON-ready


def test_paths_outside_root_show_only_the_file_name(tmp_path):
    inputs = _project(tmp_path)
    manifest = build_manifest(inputs, "x", "survey run", START, END, {}, root=tmp_path / "elsewhere")
    assert manifest["inputs"]["raw/network"]["path"] == "network.csv"
    assert str(tmp_path) not in manifest_text(manifest)


def test_naive_times_are_utc_and_strings_pass_through(tmp_path):
    manifest = build_manifest({}, "x", "survey run", dt.datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:06Z", None)
    assert manifest["started"] == "2026-01-02T03:04:05Z"
    assert manifest["finished"] == "2026-01-02T03:04:06Z"
    assert manifest["duration_seconds"] is None


def test_only_times_differ_between_runs_on_same_inputs(tmp_path):
    inputs = _project(tmp_path)
    one = build_manifest(inputs, "d", "survey run", START, END, {"errors": 0}, root=tmp_path)
    two = build_manifest(inputs, "d", "survey run", END, END + dt.timedelta(seconds=3), {"errors": 0},
                         root=tmp_path)
    differing = {key for key in one if one[key] != two[key]}
    assert differing == {"started", "finished", "duration_seconds"}


def test_changed_inputs(tmp_path):
    inputs = _project(tmp_path)
    manifest = build_manifest(inputs, "d", "survey run", START, END, {}, root=tmp_path)
    assert changed_inputs(manifest, inputs) == []
    inputs["raw/network"].write_bytes(b"id,q1\n1,3\n")
    extra = tmp_path / "new.csv"
    extra.write_bytes(b"")
    assert changed_inputs(manifest, {**inputs, "raw/new": extra}) == ["raw/network", "raw/new"]


def test_missing_package_is_none():
    assert package_versions(("pandas", "no-such-package-xyz")) == {
        "pandas": metadata.version("pandas"), "no-such-package-xyz": None}


def test_manifest_text_is_stable():
    assert manifest_text({"b": 1, "a": "ä"}) == '{\n  "a": "ä",\n  "b": 1\n}\n'
