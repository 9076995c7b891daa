"""Model directories: format tags, manifests, verified hashes and added files (reelcast._artifact)."""

from __future__ import annotations

import json

import pytest

from reelcast._artifact import (
    add_files,
    check_format,
    format_tag,
    library_versions,
    read_json,
    read_manifest,
    verify,
    write_manifest,
)
from reelcast._errors import ArtifactError

TAG = format_tag("thing", 2)


@pytest.fixture
def model_dir(tmp_path):
    directory = tmp_path / "model"
    (directory / "part").mkdir(parents=True)
    (directory / "weights.txt").write_text("w")
    (directory / "part" / "more.json").write_text("{}")
    write_manifest(directory, TAG, {"features": ["a", "b"]})
    return directory


def test_the_tag_convention():
    assert format_tag("stack", 1) == "reelcast.stack/1"
    assert TAG == "reelcast.thing/2"


@pytest.mark.parametrize("state, legacy, accepted", [
    ({"format": "reelcast.thing/2"}, (), True),
    ({"format": "reelcast.thing/1"}, (), False),
    ({"format": "reelcast.other/2"}, (), False),
    ({}, (), False),
    ({"format_version": 1}, (1,), True),  # a state written before the convention
    ({"format_version": 2}, (1,), False),
    ({"format": 1}, (1,), True),
    ({"format": "old-thing-v1"}, ("old-thing-v1",), True),
    ([1, 2], (1,), False),
])
def test_check_format(state, legacy, accepted):
    if accepted:
        check_format(state, TAG, "here", legacy=legacy)
    else:
        with pytest.raises(ArtifactError, match="^here: format .* is not 'reelcast.thing/2'"):
            check_format(state, TAG, "here", legacy=legacy)


@pytest.mark.parametrize("text, message", [
    (None, r"is not a thing \(state.json is missing\)"),
    ("{", "is not valid JSON"),
    ("[1]", "holds a list, not a JSON object"),
])
def test_read_json_refuses(tmp_path, text, message):
    if text is not None:
        (tmp_path / "state.json").write_text(text)
    with pytest.raises(ArtifactError, match=message):
        read_json(tmp_path / "state.json", "a thing")


def test_the_manifest_lists_every_file(model_dir):
    manifest = read_manifest(model_dir)
    assert manifest["format"] == TAG
    assert manifest["features"] == ["a", "b"]
    assert sorted(manifest["files"]) == ["part/more.json", "weights.txt"]
    assert manifest["versions"] == library_versions()
    assert verify(model_dir, TAG) == manifest


def test_verify_refuses_a_changed_file_another_tag_or_a_missing_required_file(model_dir):
    with pytest.raises(ArtifactError, match="is not 'reelcast.other/1'"):
        verify(model_dir, format_tag("other", 1))
    with pytest.raises(ArtifactError, match="manifest lists no config.json"):
        verify(model_dir, TAG, required=["config.json"])
    (model_dir / "part" / "more.json").write_text('{"changed": 1}')
    with pytest.raises(ArtifactError, match="part/more.json does not match its sha256"):
        verify(model_dir, TAG)


def test_verify_refuses_another_major_version(model_dir):
    manifest = json.loads((model_dir / "manifest.json").read_text())
    manifest["versions"]["lightgbm"] = "1.0.0"
    (model_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="saved with lightgbm 1.0.0"):
        verify(model_dir, TAG)
    verify(model_dir, TAG, strict_versions=False)


def test_added_files_and_folders_are_listed_and_verified(model_dir):
    def folder(path):
        path.mkdir()
        (path / "x.txt").write_text("x")

    add_files(model_dir, TAG, {"extra.json": lambda path: path.write_text("1"),
                               "stack": folder})
    files = read_manifest(model_dir)["files"]
    assert {"extra.json", "stack/x.txt", "weights.txt"} <= set(files)
    # rerunning a step replaces its own file: the directory is verified before the write
    add_files(model_dir, TAG, {"extra.json": lambda path: path.write_text("2")})
    verify(model_dir, TAG)


def test_a_tampered_directory_is_never_reblessed(model_dir):
    (model_dir / "weights.txt").write_text("tampered")
    with pytest.raises(ArtifactError, match="weights.txt does not match"):
        add_files(model_dir, TAG, {"extra.json": lambda path: path.write_text("1")})
    assert not (model_dir / "extra.json").exists()


def test_a_file_that_was_not_written_is_refused(model_dir):
    with pytest.raises(ArtifactError, match="cannot add 'nope.json' to the manifest"):
        add_files(model_dir, TAG, {"nope.json": lambda path: None})


def test_library_versions_names_extra_modules():
    assert set(library_versions("json")) == set(library_versions()) | {"json"}
