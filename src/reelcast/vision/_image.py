"""Safe image loading: every poster reelcast reads goes through :func:`load_image`.

Posters come from users (the CLI, the HTTP layer) as well as from the corpus, so the loader treats
every file as untrusted:

* the path must stay inside an allowed ``root`` when one is given (no ``../`` or symlink escape);
* empty files, non-images, truncated and corrupt files raise :class:`ImageError` naming the file;
* the pixel count is checked from the header **before** decoding, so a decompression bomb is
  refused without allocating its pixels (our own limit, stricter than Pillow's global one);
* grayscale, CMYK, palette, 16-bit and alpha images come back as 8-bit RGB (alpha is composited on
  white, the usual poster background), EXIF orientation applied.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from .._errors import ImageError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "load_image",
    "load_image_bytes",
    "read_image_file",
    "resolve_image_path",
    "to_rgb",
]

# Posters are a few hundred pixels a side; 40 MP admits print-resolution scans and refuses bombs.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "PPM")


def resolve_image_path(path: str | os.PathLike, root: str | os.PathLike | None = None) -> Path:
    """Resolve ``path`` (relative paths against ``root``) and refuse anything outside ``root``.

    Parameters
    ----------
    path : str or path-like
        The image path, absolute or relative to ``root``.
    root : str or path-like, optional
        The folder every image must lie in. ``None`` allows any path.

    Returns
    -------
    pathlib.Path
        The resolved path (symlinks followed).

    Raises
    ------
    ImageError
        If the path is empty or, with ``root``, resolves outside it.
    """
    if path is None or str(path).strip() == "":
        raise ImageError(f"poster path is empty: {path!r}")
    if "\x00" in str(path):  # the OS would refuse it with a bare ValueError
        raise ImageError(f"poster path contains a NUL byte: {str(path)[:200]!r}")
    path = Path(path)
    try:
        if root is None:
            return path.resolve()
        base = Path(root).resolve()
        full = (path if path.is_absolute() else base / path).resolve()
    except (OSError, RuntimeError) as exc:  # a name too long, a symlink loop
        raise ImageError(f"poster path {str(path)[:200]!r} cannot be resolved: {exc}") from None
    if not full.is_relative_to(base):
        raise ImageError(f"poster path {str(path)!r} resolves outside the allowed root {str(base)!r}")
    return full


def load_image(
    path: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Image.Image:
    """Open an image file as a fully decoded 8-bit RGB :class:`PIL.Image.Image`.

    Parameters
    ----------
    path : str or path-like
        The image file; relative paths are resolved against ``root``.
    root : str or path-like, optional
        Refuse files outside this folder (path traversal, symlinks).
    max_pixels : int
        Largest accepted ``width * height``, checked before decoding.
    max_bytes : int
        Largest accepted file size.

    Raises
    ------
    ImageError
        Missing, empty, too large, not an image, truncated or corrupt; the message names the file.

    Examples
    --------
    >>> img = load_image("posters/images/tt0100029.jpg", root="../shared/data")  # doctest: +SKIP
    >>> img.mode
    'RGB'
    """
    data = read_image_file(path, root=root, max_bytes=max_bytes)
    return load_image_bytes(data, name=str(path), max_pixels=max_pixels)


def read_image_file(
    path: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """The raw bytes of an image file after the path and size checks of :func:`load_image`.

    Callers that key caches by content hash read the bytes once with this, then decode them with
    :func:`load_image_bytes`.
    """
    full = resolve_image_path(path, root)
    try:
        if not full.is_file():
            raise ImageError(f"poster file not found: {str(path)[:200]!r}")
        size = full.stat().st_size
        if size == 0:
            raise ImageError(f"poster file is empty (0 bytes): {str(path)!r}")
        if size > max_bytes:
            raise ImageError(f"poster file {str(path)!r} is {size} bytes; the limit is {max_bytes}")
        return full.read_bytes()
    except OSError as exc:  # unreadable: permissions, a name too long, an I/O error
        raise ImageError(f"poster file {str(path)[:200]!r} cannot be read: "
                         f"{exc.strerror or exc}") from None


def load_image_bytes(
    data: bytes, *, name: str = "<bytes>", max_pixels: int = DEFAULT_MAX_PIXELS
) -> Image.Image:
    """Decode image bytes (an upload, a cached file) with the checks of :func:`load_image`."""
    if not data:
        raise ImageError(f"poster {name!r} is empty (0 bytes)")
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # another library may have flipped Pillow's global switch; a truncated poster must not
        # silently decode to grey pixels here
        raise ImageError(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set globally; refusing to read "
            f"{name!r} since truncation could not be detected"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=_FORMATS)
            width, height = img.size
            if width <= 0 or height <= 0:
                raise ImageError(f"poster {name!r} has zero size ({width}x{height})")
            if width * height > max_pixels:
                raise ImageError(
                    f"poster {name!r} has {width}x{height} = {width * height} pixels; "
                    f"the limit is {max_pixels}"
                )
            img.load()
            img = ImageOps.exif_transpose(img)
    except ImageError:
        raise
    except Image.UnidentifiedImageError as exc:
        raise ImageError(f"poster {name!r} is not a readable image ({len(data)} bytes)") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"poster {name!r} exceeds the decompression limit: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # truncated or corrupt data
        raise ImageError(f"poster {name!r} is truncated or corrupt: {exc}") from exc
    except Exception as exc:  # noqa: BLE001
        # Pillow's plugins raise TypeError, IndexError, struct.error... on crafted headers (a
        # fuzzer found a TIFF whose rational tag crashes the decoder); the bytes are untrusted,
        # so any decoder failure is a corrupt image, never a traceback
        raise ImageError(f"poster {name!r} is truncated or corrupt: "
                         f"{type(exc).__name__}: {exc}") from exc
    try:
        return to_rgb(img)
    except Exception as exc:  # noqa: BLE001  (same reasoning: a mode Pillow cannot convert)
        raise ImageError(f"poster {name!r} cannot be converted to RGB from mode {img.mode!r}: "
                         f"{type(exc).__name__}: {exc}") from exc


def to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB; transparency is composited on white."""
    if img.mode == "RGB":
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # Pillow's direct conversion clips 16-bit values at 255; rescale the range instead
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(arr)
        return Image.fromarray(arr.round().astype("uint8"), "L").convert("RGB")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        img.mode == "P" and "transparency" in img.info
    )
    if has_alpha:
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return img.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV
