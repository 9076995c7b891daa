"""Handcrafted poster features: colour, composition, faces and text, with no weights and no network.

Every feature is computed on the poster scaled so its long side is ``max_side`` pixels, so posters
from sources of different resolution (TMDB's 185 px, IMDb's 182 px, larger uploads) are comparable.

Features (all prefixed ``poster_``):

* HSV: saturation-weighted hue direction (``hue_sin``, ``hue_cos``), saturation and value mean/std;
* CIE Lab: L, a, b mean and std;
* ``brightness`` (mean Rec. 601 luma, 0–1) and ``contrast`` (RMS contrast: luma std);
* ``colourfulness`` (Hasler & Süsstrunk 2003, M3 on 0–255 RGB);
* ``edge_density`` (share of Canny edge pixels) and ``entropy`` (grey-level histogram, bits);
* ``dom{i}_L/_a/_b/_share``: the ``n_colors`` dominant colours (k-means in Lab), largest first;
* ``face_count``, ``face_area``, ``face_largest`` (OpenCV's bundled frontal-face Haar cascade; areas
  as shares of the poster);
* ``text_area``, ``text_regions``: a text estimate: letter-shaped MSER regions joined into lines
  (a horizontal closing), lines at least twice as wide as tall; area as a share of the poster;
* ``aspect``: width / height of the original image.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import ImageError, InputError, NotFittedError, SchemaError, require
from .._executor import current_executor
from ._embeddings import EmbeddingCache, bytes_key
from ._image import DEFAULT_MAX_PIXELS, load_image_bytes, read_image_file
from ._pixels import is_missing_path
from ._progress import progress_bar

__all__ = ["PosterFeatures", "poster_feature_names", "poster_features_from_array"]

_VERSION = "v1"
_PART = 32  # posters per unit of work: ~1 s each, so a Ray task's overhead stays negligible


def poster_feature_names(n_colors: int = 3, faces: bool = True) -> list[str]:
    """The output column names of :class:`PosterFeatures`, in order."""
    names = ["hue_sin", "hue_cos", "sat_mean", "sat_std", "val_mean", "val_std",
             "L_mean", "L_std", "a_mean", "a_std", "b_mean", "b_std",
             "brightness", "contrast", "colourfulness", "edge_density", "entropy"]
    for i in range(1, n_colors + 1):
        names += [f"dom{i}_L", f"dom{i}_a", f"dom{i}_b", f"dom{i}_share"]
    if faces:
        names += ["face_count", "face_area", "face_largest"]
    names += ["text_area", "text_regions", "aspect"]
    return [f"poster_{n}" for n in names]


@functools.lru_cache(maxsize=1)
def _face_cascade():
    cv2 = require("cv2", "vision")
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():  # pragma: no cover - a broken OpenCV install
        raise ImageError("OpenCV's bundled haarcascade_frontalface_default.xml could not be loaded")
    return cascade


def poster_features_from_array(rgb: np.ndarray, *, n_colors: int = 3, faces: bool = True,
                               max_side: int = 256, seed: int = 0) -> np.ndarray:
    """The feature vector of one RGB uint8 image ``(height, width, 3)``, ordered as the names."""
    cv2 = require("cv2", "vision")
    h0, w0 = rgb.shape[:2]
    scale = max_side / max(h0, w0)
    size = (max(8, round(w0 * scale)), max(8, round(h0 * scale)))
    img = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    f = img.astype(np.float32) / 255.0
    hsv = cv2.cvtColor(f, cv2.COLOR_RGB2HSV)  # H in degrees, S and V in [0, 1]
    hue = np.deg2rad(hsv[..., 0])
    weight = hsv[..., 1] * hsv[..., 2]  # hue means nothing for grey or black pixels
    wsum = float(weight.sum())
    hue_sin = float((np.sin(hue) * weight).sum() / wsum) if wsum > 1e-6 else 0.0
    hue_cos = float((np.cos(hue) * weight).sum() / wsum) if wsum > 1e-6 else 0.0
    lab = cv2.cvtColor(f, cv2.COLOR_RGB2Lab)
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    luma = gray.astype(np.float32) / 255.0
    rgb255 = img.astype(np.float32)
    rg = rgb255[..., 0] - rgb255[..., 1]
    yb = 0.5 * (rgb255[..., 0] + rgb255[..., 1]) - rgb255[..., 2]
    colourfulness = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    edges = cv2.Canny(gray, 100, 200)
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64) / gray.size
    entropy = float(-(hist[hist > 0] * np.log2(hist[hist > 0])).sum())
    values = [hue_sin, hue_cos, hsv[..., 1].mean(), hsv[..., 1].std(), hsv[..., 2].mean(),
              hsv[..., 2].std(), lab[..., 0].mean(), lab[..., 0].std(), lab[..., 1].mean(),
              lab[..., 1].std(), lab[..., 2].mean(), lab[..., 2].std(), luma.mean(), luma.std(),
              colourfulness, float((edges > 0).mean()), entropy]
    values += _dominant_colours(f, n_colors, seed)
    if faces:
        values += _faces(gray)
    values += _text_area(gray)
    values.append(w0 / h0)
    return np.asarray(values, dtype=np.float64)


def _dominant_colours(f: np.ndarray, k: int, seed: int) -> list[float]:
    cv2 = require("cv2", "vision")
    small = cv2.resize(f, (48, 64), interpolation=cv2.INTER_AREA)
    pixels = cv2.cvtColor(small, cv2.COLOR_RGB2Lab).reshape(-1, 3).astype(np.float32)
    k_eff = min(k, len(np.unique(pixels.round(1), axis=0)))
    cv2.setRNGSeed(seed)  # k-means++ seeding draws from OpenCV's global RNG
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, labels, centers = cv2.kmeans(pixels, k_eff, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    share = np.bincount(labels.ravel(), minlength=k_eff) / len(labels)
    order = np.argsort(-share, kind="stable")
    out: list[float] = []
    for i in range(k):
        if i < k_eff:  # a flat poster has fewer distinct colours than k: repeat the largest
            j = order[i]
            out += [*map(float, centers[j]), float(share[j])]
        else:
            out += [*map(float, centers[order[0]]), 0.0]
    return out


def _faces(gray: np.ndarray) -> list[float]:
    cv2 = require("cv2", "vision")
    h, w = gray.shape
    min_side = max(12, min(h, w) // 20)
    found = _face_cascade().detectMultiScale(
        cv2.equalizeHist(gray), scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
    )
    if len(found) == 0:
        return [0.0, 0.0, 0.0]
    areas = np.asarray([fw * fh for (_, _, fw, fh) in found], dtype=np.float64) / (h * w)
    return [float(len(found)), float(min(areas.sum(), 1.0)), float(areas.max())]


def _text_area(gray: np.ndarray) -> list[float]:
    cv2 = require("cv2", "vision")
    h, w = gray.shape
    # letters are small stable extremal regions of letter-like shape ...
    mser = cv2.MSER_create(delta=5, min_area=20, max_area=max(21, int(0.02 * h * w)))
    _, boxes = mser.detectRegions(gray)
    mask = np.zeros_like(gray)
    for x, y, bw, bh in boxes:
        if 6 <= bh <= 0.3 * h and 0.12 <= bw / bh <= 2.0:
            mask[y:y + bh, x:x + bw] = 255
    # ... and a line of text is a row of them: join neighbours horizontally, keep wide blobs
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    lines = [(bw, bh) for _, _, bw, bh, _ in stats[1:n] if bw >= 2 * bh and bw >= 20]
    area = sum(bw * bh for bw, bh in lines)
    return [min(area / (h * w), 1.0), float(len(lines))]


def _features_of_part(part: list[tuple[int, object]], feats: PosterFeatures
                      ) -> tuple[dict[int, np.ndarray], dict[int, str]]:
    """The features of a chunk of ``(row, path)`` pairs, here or in a Ray task: vectors and
    the reasons of the unreadable rows, by row position."""
    cache = feats._cache()
    vectors: dict[int, np.ndarray] = {}
    errors: dict[int, str] = {}
    for i, path in part:
        if is_missing_path(path):
            errors[i] = "no poster"
            continue
        try:
            vectors[i] = feats._one(path, cache)
        except ImageError as exc:
            if feats.on_error == "raise":
                raise
            errors[i] = str(exc)
    return vectors, errors


class PosterFeatures(TransformerMixin, BaseEstimator):
    """Handcrafted features of each film's poster, NaN where the poster is missing or unreadable.

    Parameters
    ----------
    root : str or path-like, optional
        Folder that relative ``poster_file`` paths are resolved against; files outside it are
        refused (path traversal).
    column : str, default "poster_file"
        The column holding the poster paths.
    n_colors : int, default 3
        Number of dominant colours.
    faces : bool, default True
        Run the Haar face detector (the slowest feature).
    max_side : int, default 256
        Long side, in pixels, the poster is scaled to before measuring.
    on_error : {"skip", "raise"}, default "skip"
        Unreadable posters give a NaN row ("skip") or raise :class:`ImageError` ("raise").
    max_pixels : int
        Decompression-bomb limit on ``width * height``.
    cache_dir : str or path-like, optional
        Cache feature vectors on disk keyed by image content hash.
    show_progress : bool, default False

    Attributes
    ----------
    feature_names_out_ : ndarray of str
    n_skipped_ : int
        Rows of the last ``transform`` without a readable poster.
    skipped_ : dict
        Row label -> reason for those rows.

    Examples
    --------
    >>> feats = PosterFeatures(root="../shared/data").fit(films)  # doctest: +SKIP
    >>> feats.transform(films)[["poster_brightness", "poster_face_count"]]  # doctest: +SKIP
    """

    def __init__(self, root=None, column="poster_file", n_colors=3, faces=True, max_side=256,
                 on_error="skip", max_pixels=DEFAULT_MAX_PIXELS, cache_dir=None,
                 show_progress=False):
        self.root = root
        self.column = column
        self.n_colors = n_colors
        self.faces = faces
        self.max_side = max_side
        self.on_error = on_error
        self.max_pixels = max_pixels
        self.cache_dir = cache_dir
        self.show_progress = show_progress

    def _check_params(self) -> None:
        if not isinstance(self.n_colors, int | np.integer) or not 1 <= self.n_colors <= 16:
            raise InputError(f"The 'n_colors' parameter of PosterFeatures must be an int in [1, 16], got {self.n_colors!r}")
        if not isinstance(self.max_side, int | np.integer) or self.max_side < 32:
            raise InputError(f"The 'max_side' parameter of PosterFeatures must be an int >= 32, got {self.max_side!r}")
        if self.on_error not in ("skip", "raise"):
            raise InputError(f"The 'on_error' parameter of PosterFeatures must be 'skip' or 'raise', got {self.on_error!r}")

    def _check_frame(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"PosterFeatures expects a DataFrame with a {self.column!r} column, got {type(X).__name__}")
        if self.column not in X.columns:
            raise SchemaError(f"PosterFeatures: column {self.column!r} is missing; got columns {list(X.columns)[:8]}")
        return X

    def fit(self, X, y=None):
        """Check the parameters and the column; nothing is learned from the posters."""
        self._check_params()
        self._check_frame(X)
        self.feature_names_out_ = np.asarray(poster_feature_names(self.n_colors, self.faces), dtype=object)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        if not hasattr(self, "feature_names_out_"):
            raise NotFittedError("PosterFeatures is not fitted yet; call fit first")
        return self.feature_names_out_.copy()

    def transform(self, X) -> pd.DataFrame:
        """One row of features per row of ``X`` (same index), NaN for unreadable posters."""
        names = self.get_feature_names_out()
        X = self._check_frame(X)
        out = np.full((len(X), len(names)), np.nan)
        skipped: dict = {}
        paths = X[self.column].tolist()
        # chunks of posters are the units of the current executor (Ray tasks with --ray)
        pairs = list(enumerate(paths))
        parts = [pairs[start:start + _PART] for start in range(0, len(pairs), _PART)]
        with progress_bar("poster features", len(paths), bool(self.show_progress)) as advance:
            for part, (vectors, errors) in zip(
                    parts, current_executor().map(_features_of_part, parts, self), strict=True):
                for i, vector in vectors.items():
                    out[i] = vector
                for i, reason in errors.items():
                    skipped[X.index[i]] = reason
                advance(len(part))
        self.n_skipped_ = len(skipped)
        self.skipped_ = skipped
        return pd.DataFrame(out, index=X.index, columns=list(names))

    def _cache(self) -> EmbeddingCache | None:
        namespace = f"poster-features-{_VERSION}-k{self.n_colors}-s{self.max_side}-f{int(bool(self.faces))}"
        return EmbeddingCache(self.cache_dir, namespace) if self.cache_dir else None

    def _one(self, path, cache: EmbeddingCache | None) -> np.ndarray:
        data = read_image_file(str(path), root=self.root)
        key = bytes_key(data) if cache is not None else None
        if cache is not None:
            hit = cache.get(key)
            if hit is not None and hit.shape == (len(self.feature_names_out_),):
                return hit
        img = load_image_bytes(data, name=str(path), max_pixels=self.max_pixels)
        vector = poster_features_from_array(np.asarray(img), n_colors=int(self.n_colors),
                                            faces=bool(self.faces), max_side=int(self.max_side))
        if cache is not None:
            cache.put(key, vector)
        return vector

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
