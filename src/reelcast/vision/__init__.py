"""Posters: safe loading, handcrafted features, ResNet backbones and cached CNN embeddings.

Everything here works with no pretrained weights and no network. ``torch`` and ``cv2`` (the
``vision`` extra) are imported by the submodules that need them.
"""

from ._cnn_embedder import PosterEmbeddings, state_sha256
from ._embeddings import EmbeddingCache, bytes_key, text_key
from ._image import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    load_image,
    load_image_bytes,
    read_image_file,
    resolve_image_path,
    to_rgb,
)
from ._pixels import PosterBatch, check_image_size, is_missing_path, normalize_pixels, poster_pixels
from ._poster_features import PosterFeatures, poster_feature_names, poster_features_from_array
from ._resnet import (
    ARCHITECTURES,
    IMAGENET_MEAN,
    IMAGENET_STD,
    ResNet,
    find_local_weights,
    load_weights,
    read_state_dict,
    resnet,
    resnet18,
    resnet50,
)

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "EmbeddingCache",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "PosterBatch",
    "PosterEmbeddings",
    "PosterFeatures",
    "ResNet",
    "bytes_key",
    "check_image_size",
    "find_local_weights",
    "is_missing_path",
    "load_image",
    "load_image_bytes",
    "load_weights",
    "normalize_pixels",
    "poster_feature_names",
    "poster_features_from_array",
    "poster_pixels",
    "read_image_file",
    "read_state_dict",
    "resnet",
    "resnet18",
    "resnet50",
    "resolve_image_path",
    "state_sha256",
    "text_key",
    "to_rgb",
]
