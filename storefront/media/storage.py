"""Image storage under MEDIA_ROOT.

Every image that enters the shop is decoded with Pillow and written anew, so
EXIF, GPS and any other metadata never survive. Each image is kept as WebP
renditions of fixed widths, which the templates offer through ``srcset``.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

RENDITION_WIDTHS = (320, 640, 960)
MAX_UPLOAD_PIXELS = 40_000_000


class InvalidImage(ValueError):
    """The uploaded bytes are not an image we can read."""


@dataclass(frozen=True)
class StoredImage:
    key: str
    width: int
    height: int


def rendition_name(key: str, width: int) -> str:
    """The rendition's file name under the media root."""
    return f"{key[:2]}/{key}-{width}.webp"


def rendition_path(media_root: str | Path, key: str, width: int) -> Path:
    """Where the rendition of ``key`` at ``width`` pixels lives."""
    return Path(media_root) / rendition_name(key, width)


def store_image(media_root: str | Path, source: bytes | Image.Image, *, key: str | None = None):
    """Re-encode ``source`` into WebP renditions and return its key and size.

    The image is rotated upright from its EXIF orientation, converted to RGB
    and saved without any metadata. Renditions wider than the original are
    not upscaled: they repeat the original's width.
    """
    if isinstance(source, bytes):
        try:
            Image.MAX_IMAGE_PIXELS = MAX_UPLOAD_PIXELS
            image = Image.open(io.BytesIO(source))
            image.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise InvalidImage("not a readable image") from exc
    else:
        image = source
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    # A fresh image carries pixels only: no EXIF, no GPS, no ICC comments.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)

    key = key or secrets.token_hex(12)
    folder = Path(media_root) / key[:2]
    folder.mkdir(parents=True, exist_ok=True)
    for width in RENDITION_WIDTHS:
        target = min(width, clean.width)
        height = round(clean.height * target / clean.width)
        rendition = clean.resize((target, height), Image.Resampling.LANCZOS)
        rendition.save(rendition_path(media_root, key, width), "WEBP", quality=80, method=4)
    return StoredImage(key=key, width=clean.width, height=clean.height)
