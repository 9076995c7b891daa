"""Posters: safe loading, handcrafted features, ResNet backbones and cached CNN embeddings.

Everything here works with no pretrained weights and no network. ``torch`` and ``cv2`` (the
``vision`` extra) are imported by the submodules that need them.
"""

from __future__ import annotations

import importlib

# torch and cv2 take seconds to import: a name's module loads on first use, not with the package
_WHERE = {
    'ARCHITECTURES': '_resnet',
    'DEFAULT_MAX_BYTES': '_image',
    'DEFAULT_MAX_PIXELS': '_image',
    'EmbeddingCache': '_embeddings',
    'IMAGENET_MEAN': '_resnet',
    'IMAGENET_STD': '_resnet',
    'PosterBatch': '_pixels',
    'PosterEmbeddings': '_cnn_embedder',
    'PosterFeatures': '_poster_features',
    'ResNet': '_resnet',
    'bytes_key': '_embeddings',
    'check_image_size': '_pixels',
    'find_local_weights': '_resnet',
    'is_missing_path': '_pixels',
    'load_image': '_image',
    'load_image_bytes': '_image',
    'load_weights': '_resnet',
    'normalize_pixels': '_pixels',
    'poster_feature_names': '_poster_features',
    'poster_features_from_array': '_poster_features',
    'poster_pixels': '_pixels',
    'read_image_file': '_image',
    'read_state_dict': '_resnet',
    'resnet': '_resnet',
    'resnet18': '_resnet',
    'resnet50': '_resnet',
    'resolve_image_path': '_image',
    'state_sha256': '_cnn_embedder',
    'text_key': '_embeddings',
    'to_rgb': '_image',
}

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


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
