"""A page's logo: an uploaded PNG, JPEG, GIF or WebP of at most 1 MB,
decoded by Pillow and stored re-encoded as a PNG of at most 512 x 512 pixels.

Never the uploaded bytes: re-encoding drops metadata (EXIF, comments, GPS)
and anything a crafted file hides beside the pixels; SVG (a document that
can carry script) and anything Pillow cannot decode are refused. The pixel
count is checked from the header before any pixel is decoded, so a small
file that would inflate to gigabytes (a decompression bomb) is refused too."""

import hashlib
import io
import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pages.models import StatusPage

MAX_BYTES = 1024 * 1024
MAX_SIDE = 512
# 25 megapixels decode in ~100 MB; a logo needs nothing near it.
MAX_PIXELS = 25_000_000
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
REFUSED = _("Upload a PNG, JPEG, GIF or WebP image of at most 1 MB.")


def _refuse() -> ValidationError:
    return ValidationError(REFUSED, code="logo")


def _read(upload: IO[bytes], size: int | None) -> bytes:
    if size is not None and size > MAX_BYTES:
        raise _refuse()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES or not data:
        raise _refuse()
    return data


def process(upload: IO[bytes], size: int | None = None) -> bytes:
    """The upload as the PNG to store; ValidationError for anything else."""
    data = _read(upload, size)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise _refuse()
                image.load()
                image = ImageOps.exif_transpose(image)  # as the camera meant, then no EXIF
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
        OSError, ValueError, SyntaxError, EOFError,
    ) as error:  # fmt: skip
        raise _refuse() from error
    return out.getvalue()


def digest(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()[:16]


def store(page: StatusPage, png: bytes | None) -> None:
    """Set (or, with None, remove) the page's logo; the caller saves the page."""
    page.logo = png
    page.logo_digest = digest(png) if png else ""
