"""Product images in a shared S3-compatible bucket, so several app hosts show the same pictures.

The bucket is a local S3 server (moto in server mode) that the tests start on
127.0.0.1 and a free port, and stop afterwards.
"""

from __future__ import annotations

import io
import socket

import pytest
from PIL import Image

from config import TestingConfig
from storefront import create_app
from storefront.media.storage import (
    RENDITION_WIDTHS,
    LocalMediaStore,
    S3MediaStore,
    media_store,
    rendition_name,
    store_image,
)

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "cantik-media"
CREDENTIALS = {"MEDIA_S3_ACCESS_KEY_ID": "testing", "MEDIA_S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3 server on 127.0.0.1; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """An empty bucket on the local S3 server, removed after the test."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def app_host(database_url, media_root, s3_endpoint, **settings):
    """One app host: its own (empty) local directory, the shared bucket and database."""
    config = type(
        "AppHost",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MEDIA_ROOT": str(media_root),
            "MEDIA_S3_BUCKET": BUCKET,
            "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
            "MEDIA_S3_REGION": "us-east-1",
            **CREDENTIALS,
            **settings,
        },
    )
    return create_app(config)


def photo() -> bytes:
    """A JPEG with EXIF metadata, as a phone would upload it."""
    image = Image.new("RGB", (1200, 800), (150, 40, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_image_stored_by_one_host_is_served_by_another(
    database_url, tmp_path, s3_endpoint, bucket
):
    first = app_host(database_url, tmp_path / "host-a", s3_endpoint)
    second = app_host(database_url, tmp_path / "host-b", s3_endpoint)
    with first.app_context():
        stored = store_image(media_store(), photo())
    assert (stored.width, stored.height) == (1200, 800)
    assert not (tmp_path / "host-a").exists(), "nothing is written to the host's own disk"

    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {rendition_name(stored.key, width) for width in RENDITION_WIDTHS}
    head = bucket.head_object(Bucket=BUCKET, Key=rendition_name(stored.key, 640))
    assert head["ContentType"] == "image/webp"

    response = second.test_client().get(f"/media/{stored.key}-640.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    with Image.open(io.BytesIO(response.data)) as served:
        assert served.format == "WEBP" and served.width == 640
        assert not served.getexif(), "metadata never survives into the bucket"

    again = second.test_client().get(
        f"/media/{stored.key}-640.webp", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


def test_a_prefix_keeps_the_shop_in_its_own_folder_of_a_shared_bucket(
    database_url, tmp_path, s3_endpoint, bucket
):
    app = app_host(database_url, tmp_path / "media", s3_endpoint, MEDIA_S3_PREFIX="/cantik/")
    with app.app_context():
        stored = store_image(media_store(), photo(), key="songket0001")
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert "cantik/so/songket0001-320.webp" in keys
    assert app.test_client().get(f"/media/{stored.key}-320.webp").status_code == 200


def test_an_image_missing_from_the_bucket_is_a_404(database_url, tmp_path, s3_endpoint, bucket):
    app = app_host(database_url, tmp_path / "media", s3_endpoint)
    assert app.test_client().get("/media/nosuchpicture-320.webp").status_code == 404


def test_an_unreachable_bucket_is_a_503_not_a_500(database_url, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"
    app = app_host(database_url, tmp_path / "media", nowhere)
    assert app.test_client().get("/media/songket0001-320.webp").status_code == 503


def test_without_a_bucket_images_live_under_media_root(database_url, tmp_path):
    app = app_host(database_url, tmp_path / "media", "", MEDIA_S3_BUCKET="")
    with app.app_context():
        store = media_store()
        assert isinstance(store, LocalMediaStore) and not isinstance(store, S3MediaStore)
        stored = store_image(store, photo())
    assert (tmp_path / "media" / rendition_name(stored.key, 960)).is_file()
    response = app.test_client().get(f"/media/{stored.key}-960.webp")
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
