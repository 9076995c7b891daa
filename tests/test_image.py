"""Safe poster loading: modes converted to RGB, bad files refused with the file named."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from reelcast._errors import ImageError, ReelcastError
from reelcast.vision import load_image, load_image_bytes, resolve_image_path


def _save(img: Image.Image, path, fmt=None, **kw):
    img.save(path, format=fmt, **kw)
    return path


def _palette_with_transparency() -> Image.Image:
    img = Image.new("P", (8, 8), 0)
    img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    img.paste(1, (4, 0, 8, 8))
    img.info["transparency"] = 0  # colour 0 (red) is transparent -> white
    return img


@pytest.mark.parametrize(
    ("make", "fmt", "expected_pixel"),
    [
        (lambda: Image.new("L", (8, 6), 100), "PNG", (100, 100, 100)),
        (lambda: Image.new("1", (8, 6), 1), "PNG", (255, 255, 255)),
        (lambda: Image.new("LA", (8, 6), (0, 0)), "PNG", (255, 255, 255)),  # transparent -> white
        (lambda: Image.new("RGBA", (8, 6), (255, 0, 0, 255)), "PNG", (255, 0, 0)),
        (lambda: Image.new("RGBA", (8, 6), (0, 0, 0, 0)), "PNG", (255, 255, 255)),
        (lambda: Image.new("CMYK", (8, 6), (0, 255, 255, 0)), "JPEG", None),  # red-ish
        (lambda: Image.new("P", (8, 6), 0), "GIF", None),
        (_palette_with_transparency, "PNG", (255, 255, 255)),
        (lambda: Image.fromarray(np.full((6, 8), 40000, dtype=np.uint16)), "PNG", None),
    ],
    ids=["L", "1", "LA-transparent", "RGBA", "RGBA-transparent", "CMYK", "P", "P-transparency",
         "I;16"],
)
def test_modes_become_rgb(tmp_path, make, fmt, expected_pixel):
    src = make()
    path = _save(src, tmp_path / f"poster.{fmt.lower()}", fmt)
    img = load_image(path)
    assert img.mode == "RGB"
    assert img.size == src.size
    if expected_pixel is not None:
        assert img.getpixel((0, 0)) == expected_pixel


def test_cmyk_red_stays_red(tmp_path):
    path = _save(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), tmp_path / "c.jpg", "JPEG")
    r, g, b = np.asarray(load_image(path)).reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 60 and b < 60


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (no pixel data): the loader must refuse it unread."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def _jpeg_bytes(size=(40, 60)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buf, "JPEG")
    return buf.getvalue()


_FUZZ_TIFF = bytes.fromhex(
    "49492a00080000000a0000010400010000001800000001010400010000002400000002010300030000008600"
    "000003010300010000000100000006010300010000000200000011010a00010000008c000000150103000100"
    "0000030000001601040001000000240000001701040001000000200a00001c01030001000000010000000000"
    "0000080008000800000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000"
)


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "message"),
    [
        ("empty.jpg", b"", {}, "empty"),
        ("text.jpg", b"this is not an image at all", {}, "not a readable image"),
        ("truncated.jpg", _jpeg_bytes()[:300], {}, "truncated or corrupt"),
        ("bomb.png", _png_header_claiming(100_000, 100_000), {}, "decompression"),
        # under Pillow's own warning level, over reelcast's limit: refused before decoding
        ("large.png", _png_header_claiming(7_000, 7_000), {}, "49000000 pixels; the limit is 40000000"),
        ("big.jpg", _jpeg_bytes((100, 100)), {"max_pixels": 5_000}, "the limit is 5000"),
        ("heavy.jpg", _jpeg_bytes(), {"max_bytes": 100}, "the limit is 100"),
        # found by the CI fuzz run: a TIFF whose rational tag makes Pillow raise TypeError
        ("rational.tif", _FUZZ_TIFF, {}, "truncated or corrupt: TypeError"),
    ],
)
def test_bad_files_raise_image_error_naming_the_file(tmp_path, name, content, kwargs, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError, match=message) as info:
        load_image(path, **kwargs)
    assert name in str(info.value)
    assert isinstance(info.value, ReelcastError)


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="not found: .*nope.jpg"):
        load_image(tmp_path / "nope.jpg")


@pytest.mark.parametrize("relative", ["../outside.jpg", "sub/../../outside.jpg"])
def test_path_traversal_is_refused(tmp_path, relative):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "outside.jpg").write_bytes(_jpeg_bytes())
    with pytest.raises(ImageError, match="outside the allowed root"):
        load_image(relative, root=root)


def test_absolute_path_and_symlink_outside_root_are_refused(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(_jpeg_bytes())
    (root / "link.jpg").symlink_to(outside)
    for path in (outside, "link.jpg"):
        with pytest.raises(ImageError, match="outside the allowed root"):
            load_image(path, root=root)


def test_relative_path_inside_root_loads(tmp_path):
    (tmp_path / "posters").mkdir()
    (tmp_path / "posters" / "a.jpg").write_bytes(_jpeg_bytes())
    assert load_image("posters/a.jpg", root=tmp_path).size == (40, 60)
    assert resolve_image_path("posters/a.jpg", tmp_path) == (tmp_path / "posters" / "a.jpg").resolve()


@pytest.mark.parametrize("path", ["", "   ", None])
def test_empty_path_is_refused(path):
    with pytest.raises(ImageError, match="empty"):
        resolve_image_path(path)


def test_global_truncated_switch_is_refused(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImageError, match="LOAD_TRUNCATED_IMAGES"):
        load_image_bytes(_jpeg_bytes(), name="upload.jpg")


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = img.getexif()
    exif[0x0112] = 6  # rotated 90°: the displayed image is 20 x 40
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    assert load_image_bytes(buf.getvalue()).size == (20, 40)


@pytest.mark.realdata
def test_real_posters_load(data_dir):
    import pandas as pd

    index = pd.read_csv(data_dir / "posters" / "posters_index.csv").head(50)
    for file in index["file"]:
        img = load_image(f"posters/{file}", root=data_dir)
        assert img.mode == "RGB" and max(img.size) <= 300
