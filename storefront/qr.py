"""QR codes as inline SVG, drawn by the ``qrcode`` library (no image files, no network)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(data: str, *, title: str = "") -> Markup:
    """An SVG QR code of ``data``, scaled by CSS, with an accessible title."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    svg = svg.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1)
    label = Markup(' role="img" aria-label="{}"').format(title) if title else ""
    return Markup(svg.replace("<svg ", f'<svg class="qr"{label} ', 1))
