"""Image storage: a local directory (MEDIA_ROOT) or an S3-compatible bucket.

Every image that enters the shop is decoded with Pillow and written anew, so
EXIF, GPS and any other metadata never survive. Each image is kept as WebP
renditions of fixed widths, which the templates offer through ``srcset``.

Where the renditions live is one small interface, ``MediaStore``: a
``LocalMediaStore`` under ``MEDIA_ROOT`` by default, or an ``S3MediaStore``
when ``MEDIA_S3_BUCKET`` is set, so several app hosts behind one proxy share
the same images. ``media_store()`` gives the configured one. Both keep a
rendition under the same name (``ab/abcdef...-640.webp``), so moving from one to
the other is a copy of the files.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app, has_app_context
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


class MediaUnavailable(RuntimeError):
    """The media store could not be reached (the bucket's endpoint is down, say)."""


class MediaStore(Protocol):
    """Where renditions are kept, by name (``rendition_name``)."""

    def save(self, name: str, data: bytes) -> None:
        """Keep ``data`` (a WebP file) under ``name``, replacing what was there."""

    def read(self, name: str) -> bytes | None:
        """The bytes kept under ``name``, or None when there are none."""


class LocalMediaStore:
    """Renditions as files under a directory (MEDIA_ROOT), which nginx can serve itself."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def save(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed, so a reader never sees half a file.
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        partial.write_bytes(data)
        partial.replace(path)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            return None


class S3MediaStore:
    """Renditions as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, ...)."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        # One client per process (boto3 clients are thread-safe); short timeouts, so a
        # slow bucket gives a quick error page instead of a worker stuck on an image.
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=BotoConfig(
                connect_timeout=3, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
            ),
        )

    def save(self, name: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + name,
                Body=data,
                ContentType="image/webp",
                CacheControl="public, max-age=31536000, immutable",
            )
        except (BotoCoreError, ClientError) as error:
            raise MediaUnavailable(f"cannot store {name} in bucket {self.bucket}") from error

    def read(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
            return answer["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise MediaUnavailable(f"cannot read {name} from bucket {self.bucket}") from error
        except BotoCoreError as error:
            raise MediaUnavailable(f"cannot read {name} from bucket {self.bucket}") from error


def media_store_from_config(config) -> MediaStore:
    """An S3 store when ``MEDIA_S3_BUCKET`` is set, otherwise the directory MEDIA_ROOT."""
    if config.get("MEDIA_S3_BUCKET"):
        return S3MediaStore(
            config["MEDIA_S3_BUCKET"],
            endpoint_url=config.get("MEDIA_S3_ENDPOINT_URL"),
            region=config.get("MEDIA_S3_REGION"),
            prefix=config.get("MEDIA_S3_PREFIX", ""),
            access_key_id=config.get("MEDIA_S3_ACCESS_KEY_ID"),
            secret_access_key=config.get("MEDIA_S3_SECRET_ACCESS_KEY"),
        )
    return LocalMediaStore(config["MEDIA_ROOT"])


def media_store() -> MediaStore:
    """The current app's media store, made once per app."""
    store = current_app.extensions.get("media_store")
    if store is None:
        store = current_app.extensions["media_store"] = media_store_from_config(current_app.config)
    return store


def max_image_pixels() -> int:
    """The most pixels an image may have (``MAX_IMAGE_PIXELS``), checked before decoding."""
    if has_app_context():
        return int(current_app.config.get("MAX_IMAGE_PIXELS", MAX_UPLOAD_PIXELS))
    return MAX_UPLOAD_PIXELS


def store_image(
    store: MediaStore | str | Path, source: bytes | Image.Image, *, key: str | None = None
):
    """Re-encode ``source`` into WebP renditions in ``store`` and return its key and size.

    ``store`` is a ``MediaStore`` (``media_store()`` for the app's own) or a
    directory for a ``LocalMediaStore``. The image is rotated upright from its
    EXIF orientation, converted to RGB and saved without any metadata.
    Renditions wider than the original are not upscaled: they repeat the
    original's width.
    """
    if isinstance(store, str | Path):
        store = LocalMediaStore(store)
    if isinstance(source, bytes):
        try:
            image = Image.open(io.BytesIO(source))  # reads the header only
            # Checked here rather than through Pillow's process-wide MAX_IMAGE_PIXELS,
            # which only warns up to twice its value: refused before a pixel is decoded.
            if image.width * image.height > max_image_pixels():
                raise InvalidImage("too many pixels")
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
    for width in RENDITION_WIDTHS:
        target = min(width, clean.width)
        height = round(clean.height * target / clean.width)
        rendition = clean.resize((target, height), Image.Resampling.LANCZOS)
        encoded = io.BytesIO()
        rendition.save(encoded, "WEBP", quality=80, method=4)
        store.save(rendition_name(key, width), encoded.getvalue())
    return StoredImage(key=key, width=clean.width, height=clean.height)
