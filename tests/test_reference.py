"""The single setting through which conformance tests find the published reference data."""

from __future__ import annotations

from reference import reference_data_dir


def test_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CXLAB_REFERENCE_DATA", str(tmp_path))
    path, how = reference_data_dir()
    assert path == tmp_path
    assert "CXLAB_REFERENCE_DATA" in how


def test_missing_configured_folder_is_reported_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("CXLAB_REFERENCE_DATA", str(tmp_path / "nowhere"))
    path, how = reference_data_dir()
    assert path is None
    assert "not a folder" in how
