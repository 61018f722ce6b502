"""Deterministic stand-in product photos and partner logos, drawn with Pillow.

The demo shop must look like a shop without downloading anything, so every
picture is drawn here from a seed (the product slug): the same seed always
gives the same pixels. Each family has its own look, so a listing reads at a
glance: gold motifs on deep red for songket, a garment on a soft ground for
fashion, warm bakes on cream, tempe on banana leaf, weaving for handicrafts.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw, ImageFont

SIZE = 800
LOGO_SIZE = 400

RGB = tuple[int, int, int]

# Colour names used in variant options (warna), so the first variant's colour
# tints the picture.
COLOURS: dict[str, RGB] = {
    "merah marun": (122, 22, 38),
    "merah": (176, 32, 42),
    "ungu": (92, 42, 110),
    "ungu terong": (78, 34, 78),
    "hijau": (36, 110, 72),
    "hijau botol": (22, 78, 52),
    "biru": (36, 74, 140),
    "biru dongker": (24, 38, 82),
    "kuning": (222, 178, 44),
    "kuning kunyit": (214, 160, 30),
    "emas": (196, 154, 60),
    "hitam": (36, 34, 38),
    "putih": (240, 236, 228),
    "krem": (232, 214, 178),
    "cokelat": (110, 70, 40),
    "cokelat susu": (160, 112, 72),
    "merah muda": (226, 132, 156),
    "oranye": (224, 112, 40),
    "tosca": (32, 150, 146),
    "abu-abu": (128, 128, 132),
    "natural": (196, 164, 112),
    "pandan": (96, 160, 64),
    "keju": (240, 196, 84),
    "original": (188, 124, 60),
}

_SONGKET_GROUNDS: list[RGB] = [
    (122, 22, 38),
    (150, 24, 36),
    (92, 20, 64),
    (70, 24, 84),
    (104, 16, 24),
    (40, 30, 76),
    (24, 70, 52),
]
_GOLDS: list[RGB] = [(212, 170, 72), (232, 192, 96), (196, 150, 54), (240, 208, 120)]
_SOFT_GROUNDS: list[RGB] = [
    (244, 236, 228),
    (236, 242, 238),
    (240, 236, 246),
    (246, 240, 226),
    (232, 240, 246),
]
# Garments drawn without a colour of their own: strong colours that stand out
# from the pale grounds.
_GARMENT_COLOURS: list[RGB] = [
    (122, 22, 38),
    (36, 74, 140),
    (36, 110, 72),
    (92, 42, 110),
    (32, 150, 146),
    (214, 160, 30),
    (224, 112, 40),
    (36, 34, 38),
]
_BROWNS: list[RGB] = [(176, 108, 48), (196, 128, 60), (150, 88, 40), (210, 150, 80)]


def colour_of(name: str | None) -> RGB | None:
    """The RGB for a colour or flavour name from variant options, if we know it."""
    if not name:
        return None
    return COLOURS.get(name.strip().lower())


def _rng(seed: str) -> random.Random:
    # crc32, not hash(): Python salts str hashes per process, and the pictures
    # must come out identical on every run.
    return random.Random(zlib.crc32(seed.encode("utf-8")))


def _shade(colour: RGB, factor: float) -> RGB:
    """``colour`` darkened (factor < 1) or lightened (factor > 1)."""
    if factor <= 1:
        return tuple(int(c * factor) for c in colour)  # type: ignore[return-value]
    return tuple(int(c + (255 - c) * (factor - 1)) for c in colour)  # type: ignore[return-value]


def _jitter(colour: RGB, rng: random.Random, amount: int = 18) -> RGB:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)  # type: ignore[return-value]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


# --- songket ---------------------------------------------------------------


def _diamond(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill, outline=None):
    draw.polygon(
        [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fill, outline=outline
    )


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, points: int, fill):
    pts = []
    for i in range(points * 2):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi * i / points - math.pi / 2
        pts.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(pts, fill=fill)


def _flower(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill, centre):
    petal = r * 0.42
    for i in range(8):
        angle = math.pi * i / 4
        px, py = cx + r * 0.55 * math.cos(angle), cy + r * 0.55 * math.sin(angle)
        draw.ellipse((px - petal, py - petal, px + petal, py + petal), fill=fill)
    draw.ellipse((cx - petal, cy - petal, cx + petal, cy + petal), fill=centre)


def _songket_style(motif: str | None, rng: random.Random) -> str:
    """The drawing style for a Palembang motif name; unknown motifs draw at random."""
    name = (motif or "").lower()
    if "lepus" in name:
        return "lepus"  # the ground almost covered in gold
    if "tabur" in name or "bintang" in name:
        return "star"  # scattered stars
    if "bungo" in name or "cantik manis" in name:
        return "flower"
    if "limar" in name:
        return "limar"  # tie-dyed silk bands with a little gold
    if "nago" in name or "jando" in name:
        return "diamond"
    return rng.choice(("diamond", "star", "flower", "lepus"))


def _songket_cloth(rng: random.Random, tint: RGB | None, motif: str | None = None) -> Image.Image:
    ground = tint or rng.choice(_SONGKET_GROUNDS)
    gold = rng.choice(_GOLDS)
    dark_gold = _shade(gold, 0.72)
    image = Image.new("RGB", (SIZE, SIZE), ground)
    draw = ImageDraw.Draw(image)
    # Weft lines give the flat colour the texture of woven thread.
    weft = _shade(ground, 0.86)
    for y in range(0, SIZE, 4):
        draw.line((0, y, SIZE, y), fill=weft)

    # Borders (tumpal): a gold band with a row of "pucuk rebung" triangles.
    band = rng.randint(70, 110)
    teeth = rng.choice((10, 12, 14, 16))
    step = SIZE / teeth
    for top in (True, False):
        y0, y1 = (0, band) if top else (SIZE - band, SIZE)
        draw.rectangle((0, y0, SIZE, y1), fill=_shade(ground, 0.7))
        draw.line((0, y1 if top else y0, SIZE, y1 if top else y0), fill=gold, width=6)
        for i in range(teeth):
            x = i * step
            tip = y1 - 8 if top else y0 + 8
            base = y0 + 10 if top else y1 - 10
            draw.polygon([(x + 4, base), (x + step - 4, base), (x + step / 2, tip)], fill=gold)
            draw.polygon(
                [(x + step * 0.3, base), (x + step * 0.7, base), (x + step / 2, (base + tip) / 2)],
                fill=dark_gold,
            )

    # Body: a grid of motifs; the motif name picks the style, the seed the grid and accents.
    body_top, body_bottom = band + 14, SIZE - band - 14
    cols = rng.choice((5, 6, 7, 8))
    cell = SIZE / cols
    rows = max(2, int((body_bottom - body_top) / cell))
    cell_y = (body_bottom - body_top) / rows
    style = _songket_style(motif, rng)
    if style == "limar":
        # Limar: the silk weft is tie-dyed in bands before weaving.
        band_width = rng.choice((40, 50, 64))
        for i, x in enumerate(range(0, SIZE, band_width)):
            shade = 1.0 if i % 2 == 0 else (0.75 if i % 4 == 1 else 1.25)
            draw.rectangle((x, body_top, x + band_width, body_bottom), fill=_shade(ground, shade))
    accent = rng.choice(_GOLDS)
    half_drop = rng.random() < 0.5
    for row in range(rows):
        for col in range(cols):
            cx = (col + 0.5) * cell + (cell / 2 if half_drop and row % 2 else 0)
            cy = body_top + (row + 0.5) * cell_y
            r = min(cell, cell_y) * 0.38
            if cx - r > SIZE:
                continue
            if style == "diamond":
                _diamond(draw, cx, cy, r, fill=gold)
                _diamond(draw, cx, cy, r * 0.55, fill=ground)
                _diamond(draw, cx, cy, r * 0.25, fill=accent)
            elif style == "star":
                _star(draw, cx, cy, r, rng.choice((4, 6, 8)), fill=gold)
                draw.ellipse(
                    (cx - r * 0.15, cy - r * 0.15, cx + r * 0.15, cy + r * 0.15), fill=ground
                )
            elif style == "flower":
                _flower(draw, cx, cy, r, fill=gold, centre=dark_gold)
            elif style == "limar":
                _diamond(draw, cx, cy, r * 0.35, fill=gold)
            else:
                # Lepus: the ground is almost covered in gold, small gaps show through.
                draw.rectangle(
                    (cx - cell / 2, cy - cell_y / 2, cx + cell / 2, cy + cell_y / 2), fill=dark_gold
                )
                _diamond(draw, cx, cy, r * 1.2, fill=gold)
                _star(draw, cx, cy, r * 0.6, 4, fill=ground)
    # Thin gold stripes between rows, like the lines that frame each motif row.
    if rng.random() < 0.6:
        for row in range(rows + 1):
            y = body_top + row * cell_y
            draw.line((0, y, SIZE, y), fill=dark_gold, width=2)
    return image


# --- fashion ---------------------------------------------------------------


def _garment_mask(shape: str) -> Image.Image:
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    if shape in ("shirt", "kebaya", "blouse", "outer"):
        long_body = shape in ("kebaya", "outer")
        hem = 700 if long_body else 660
        body = [(290, 150), (510, 150), (600, 220), (560, hem), (240, hem), (200, 220)]
        draw.polygon(body, fill=255)
        # Sleeves
        draw.polygon([(290, 150), (200, 220), (110, 470), (175, 495), (250, 300)], fill=255)
        draw.polygon([(510, 150), (600, 220), (690, 470), (625, 495), (550, 300)], fill=255)
        # Neckline
        draw.polygon([(350, 150), (450, 150), (400, 230 if shape != "shirt" else 200)], fill=0)
    elif shape == "dress":
        draw.polygon(
            [(310, 130), (490, 130), (530, 330), (640, 720), (160, 720), (270, 330)], fill=255
        )
        draw.polygon([(310, 130), (250, 200), (215, 330), (270, 330)], fill=255)
        draw.polygon([(490, 130), (550, 200), (585, 330), (530, 330)], fill=255)
        draw.ellipse((350, 100, 450, 180), fill=0)
    elif shape == "skirt":
        draw.polygon([(270, 150), (530, 150), (640, 700), (160, 700)], fill=255)
    elif shape == "bag":
        draw.rounded_rectangle((200, 300, 600, 700), radius=24, fill=255)
        draw.arc((280, 130, 520, 420), 180, 360, fill=255, width=26)
    elif shape == "scarf":
        draw.polygon([(120, 200), (680, 200), (400, 690)], fill=255)
        draw.polygon([(120, 200), (680, 200), (650, 250), (150, 250)], fill=255)
    else:  # a folded length of cloth
        draw.rounded_rectangle((150, 200, 650, 640), radius=10, fill=255)
    return mask


def _jumputan_layer(rng: random.Random, colour: RGB) -> Image.Image:
    layer = Image.new("RGB", (SIZE, SIZE), colour)
    draw = ImageDraw.Draw(layer)
    light = _shade(colour, 1.55)
    mid = _shade(colour, 1.25)
    spacing = rng.choice((70, 80, 90))
    for row, y in enumerate(range(0, SIZE + spacing, spacing)):
        offset = spacing / 2 if row % 2 else 0
        for x in range(0, SIZE + spacing, spacing):
            cx = x + offset + rng.randint(-6, 6)
            cy = y + rng.randint(-6, 6)
            r = rng.randint(14, 22)
            draw.ellipse((cx - r - 8, cy - r - 8, cx + r + 8, cy + r + 8), fill=mid)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=light)
            draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=colour)
    return layer


def _fashion(rng: random.Random, shape: str, tint: RGB | None, motif: str | None) -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), rng.choice(_SOFT_GROUNDS))
    draw = ImageDraw.Draw(image)
    # Shadow under the garment: a product laid flat on a table.
    draw.ellipse((170, 700, 630, 760), fill=_shade(image.getpixel((0, 0)), 0.9))
    colour = tint or _jitter(rng.choice(_GARMENT_COLOURS), rng)
    mask = _garment_mask(shape)
    if shape in ("shirt", "scarf", "cloth", "outer") and rng.random() < 0.8:
        fabric = _jumputan_layer(rng, colour)
    else:
        fabric = Image.new("RGB", (SIZE, SIZE), colour)
    image.paste(fabric, mask=mask)
    if shape in ("kebaya", "blouse", "skirt", "bag", "dress"):
        # A strip of songket: the accent the shop's fashion is known for.
        strip = _songket_cloth(rng, None).resize((SIZE, SIZE // 4))
        y = 560 if shape != "bag" else 470
        band = Image.new("L", (SIZE, SIZE), 0)
        ImageDraw.Draw(band).rectangle((0, y, SIZE, y + 70), fill=255)
        band = ImageChops.multiply(band, mask)  # only where the garment is
        canvas = Image.new("RGB", (SIZE, SIZE))
        canvas.paste(strip.crop((0, 40, SIZE, 110)), (0, y))
        image.paste(canvas, mask=band)
    return image


# --- bakery ----------------------------------------------------------------


def _bakery(rng: random.Random, shape: str, tint: RGB | None, motif: str | None) -> Image.Image:
    cream = _jitter((246, 236, 214), rng, 6)
    image = Image.new("RGB", (SIZE, SIZE), cream)
    draw = ImageDraw.Draw(image)
    # Checked cloth corner and a plate.
    check = _shade(rng.choice([(196, 60, 50), (60, 110, 160), (90, 140, 80)]), 1.0)
    for i in range(0, 260, 40):
        for j in range(0, 260, 40):
            if (i // 40 + j // 40) % 2 == 0:
                draw.rectangle((SIZE - 260 + i, j, SIZE - 220 + i, j + 40), fill=check)
    draw.ellipse((110, 170, 690, 720), fill=(236, 226, 206))
    draw.ellipse((130, 180, 670, 700), fill=(252, 250, 244))
    crust = tint if tint and shape not in ("buns", "bread") else rng.choice(_BROWNS)
    top = _shade(crust, 0.85)
    if shape in ("buns", "donut"):
        spots = [(300, 360), (460, 350), (240, 500), (400, 480), (560, 490), (380, 600)]
        for cx, cy in spots:
            r = rng.randint(62, 74)
            draw.ellipse((cx - r, cy - r + 8, cx + r, cy + r + 8), fill=_shade(crust, 0.7))
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=crust)
            draw.ellipse(
                (cx - r * 0.55, cy - r * 0.6, cx + r * 0.15, cy - r * 0.1), fill=_shade(crust, 1.3)
            )
            if shape == "donut":
                draw.ellipse((cx - 18, cy - 18, cx + 18, cy + 18), fill=(252, 250, 244))
                glaze = tint or (90, 50, 30)
                draw.arc(
                    (cx - r + 8, cy - r + 8, cx + r - 8, cy + r - 8), 200, 340, fill=glaze, width=14
                )
            elif tint:
                draw.ellipse((cx - 14, cy - 14, cx + 14, cy + 14), fill=tint)
    elif shape in ("layer", "slices"):
        # Layered cakes (lapis legit, maksuba, kue 8 jam) shown as stacked slices.
        layers = rng.randint(9, 16)
        light, dark = _shade(crust, 1.35), _shade(crust, 0.7)
        for k, x0 in enumerate((190, 330, 470)):
            y0, y1 = 300 + k * 20, 560 + k * 20
            h = (y1 - y0) / layers
            for i in range(layers):
                draw.rectangle(
                    (x0, y0 + i * h, x0 + 120, y0 + (i + 1) * h), fill=dark if i % 2 else light
                )
            draw.rectangle((x0, y0, x0 + 120, y1), outline=_shade(crust, 0.55), width=3)
    elif shape == "roll":
        cx, cy, r = 400, 440, 200
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=crust)
        filling = _shade(tint, 1.4) if tint else (250, 240, 220)
        for i in range(5):
            rr = r - 30 - i * 34
            if rr <= 0:
                break
            draw.arc(
                (cx - rr, cy - rr, cx + rr, cy + rr), i * 40, i * 40 + 300, fill=filling, width=16
            )
    elif shape == "bread":
        draw.rounded_rectangle((190, 300, 610, 600), radius=120, fill=_shade(crust, 0.7))
        draw.rounded_rectangle((190, 280, 610, 580), radius=120, fill=crust)
        for x in range(260, 560, 70):
            draw.line((x, 330, x + 40, 530), fill=_shade(crust, 1.35), width=10)
    else:  # a round cake (bolu, engkak) seen from above
        cx, cy, r = 400, 440, 230
        draw.ellipse((cx - r, cy - r + 14, cx + r, cy + r + 14), fill=_shade(crust, 0.65))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=top)
        draw.ellipse((cx - 40, cy - 40, cx + 40, cy + 40), fill=cream)
        for i in range(8):
            angle = math.pi * i / 4
            draw.line(
                (
                    cx + 40 * math.cos(angle),
                    cy + 40 * math.sin(angle),
                    cx + r * math.cos(angle),
                    cy + r * math.sin(angle),
                ),
                fill=_shade(crust, 0.6),
                width=4,
            )
    return image


# --- tempe -----------------------------------------------------------------


def _banana_leaf(rng: random.Random) -> Image.Image:
    leaf = _jitter((58, 128, 60), rng, 10)
    image = Image.new("RGB", (SIZE, SIZE), leaf)
    draw = ImageDraw.Draw(image)
    draw.line((0, SIZE * 0.85, SIZE, SIZE * 0.15), fill=_shade(leaf, 1.35), width=14)
    for i in range(-20, 40):
        x = i * 34
        draw.line((x, SIZE, x + 420, SIZE - 900), fill=_shade(leaf, 0.86), width=3)
    return image


def _tempe(rng: random.Random, shape: str, tint: RGB | None, motif: str | None) -> Image.Image:
    image = _banana_leaf(rng)
    draw = ImageDraw.Draw(image)
    base = (236, 222, 186)
    if shape == "chips":
        golden = tint or (206, 150, 70)
        for _ in range(34):
            cx, cy = rng.randint(170, 630), rng.randint(190, 640)
            w, h = rng.randint(60, 110), rng.randint(40, 70)
            pts = []
            for k in range(6):
                angle = math.pi * k / 3 + rng.uniform(-0.25, 0.25)
                reach = rng.uniform(0.7, 1.0)
                pts.append(
                    (cx + w / 2 * reach * math.cos(angle), cy + h / 2 * reach * math.sin(angle))
                )
            draw.polygon(pts, fill=_jitter(golden, rng, 14), outline=_shade(golden, 0.7))
            for _ in range(3):
                sx, sy = cx + rng.randint(-20, 20), cy + rng.randint(-12, 12)
                draw.ellipse((sx - 4, sy - 3, sx + 4, sy + 3), fill=(244, 230, 190))
        return image
    if shape == "slices":
        for k in range(4):
            x0, y0 = 170 + (k % 2) * 240, 200 + (k // 2) * 230
            golden = tint or (214, 168, 86)
            draw.rounded_rectangle((x0, y0, x0 + 210, y0 + 190), radius=22, fill=golden)
            for _ in range(40):
                sx, sy = rng.randint(x0 + 12, x0 + 198), rng.randint(y0 + 12, y0 + 178)
                draw.ellipse((sx - 5, sy - 4, sx + 5, sy + 4), fill=_shade(golden, 1.3))
            for _ in range(6):
                sx, sy = rng.randint(x0 + 20, x0 + 190), rng.randint(y0 + 20, y0 + 170)
                draw.line((sx, sy, sx + 14, sy + 4), fill=(50, 110, 40), width=4)
        return image
    if shape == "nugget":
        for _ in range(9):
            cx, cy = rng.randint(220, 580), rng.randint(240, 580)
            draw.rounded_rectangle(
                (cx - 60, cy - 40, cx + 60, cy + 40), radius=24, fill=(206, 146, 64)
            )
            draw.rounded_rectangle(
                (cx - 54, cy - 36, cx + 54, cy + 30), radius=22, fill=(224, 170, 88)
            )
        return image
    # A fresh block of tempe: white mycelium with the soybeans showing through.
    blocks = (
        [(180, 220, 620, 560)] if shape == "block" else [(140, 180, 420, 620), (400, 240, 680, 660)]
    )
    for x0, y0, x1, y1 in blocks:
        draw.rounded_rectangle((x0 + 10, y0 + 16, x1 + 10, y1 + 16), radius=26, fill=(34, 80, 36))
        draw.rounded_rectangle((x0, y0, x1, y1), radius=26, fill=base)
        area = (x1 - x0) * (y1 - y0)
        for _ in range(area // 900):
            sx, sy = rng.randint(x0 + 12, x1 - 12), rng.randint(y0 + 12, y1 - 12)
            r = rng.randint(6, 11)
            bean = _jitter((214, 188, 128), rng, 12)
            draw.ellipse((sx - r, sy - r * 0.75, sx + r, sy + r * 0.75), fill=bean)
        for _ in range(area // 1800):
            sx, sy = rng.randint(x0 + 8, x1 - 8), rng.randint(y0 + 8, y1 - 8)
            draw.ellipse((sx - 3, sy - 3, sx + 3, sy + 3), fill=(250, 248, 240))
    return image


# --- handicrafts -----------------------------------------------------------


def _weave(rng: random.Random, tint: RGB | None, strip: int) -> Image.Image:
    natural = tint or _jitter((196, 164, 112), rng, 12)
    other = _shade(natural, 0.72) if rng.random() < 0.6 else _jitter((150, 40, 48), rng, 10)
    image = Image.new("RGB", (SIZE, SIZE), _shade(natural, 0.5))
    draw = ImageDraw.Draw(image)
    twill = rng.choice((1, 2))
    n = SIZE // strip + 1
    for i in range(n):
        for j in range(n):
            over = ((i // twill) + (j // twill)) % 2 == 0
            x0, y0 = i * strip, j * strip
            colour = natural if over else other
            if over:
                draw.rectangle((x0 + 2, y0, x0 + strip - 2, y0 + strip), fill=colour)
                draw.line(
                    (x0 + strip / 2, y0, x0 + strip / 2, y0 + strip),
                    fill=_shade(colour, 1.12),
                    width=2,
                )
            else:
                draw.rectangle((x0, y0 + 2, x0 + strip, y0 + strip - 2), fill=colour)
                draw.line(
                    (x0, y0 + strip / 2, x0 + strip, y0 + strip / 2),
                    fill=_shade(colour, 1.12),
                    width=2,
                )
    return image


def _knit(rng: random.Random, tint: RGB | None) -> Image.Image:
    yarn = tint or _jitter(rng.choice(_GARMENT_COLOURS), rng)
    image = Image.new("RGB", (SIZE, SIZE), _shade(yarn, 0.6))
    draw = ImageDraw.Draw(image)
    w, h = 40, 34
    for row in range(SIZE // h + 1):
        for col in range(SIZE // w + 1):
            x, y = col * w, row * h
            draw.polygon(
                [(x, y), (x + w / 2, y + h), (x + w / 2 - 6, y + h), (x + 2, y + 8)], fill=yarn
            )
            draw.polygon(
                [(x + w, y), (x + w / 2, y + h), (x + w / 2 + 6, y + h), (x + w - 2, y + 8)],
                fill=_shade(yarn, 1.15),
            )
    return image


def _crafts(rng: random.Random, shape: str, tint: RGB | None, motif: str | None) -> Image.Image:
    if shape == "mat":
        return _weave(rng, tint, rng.choice((40, 50, 60)))
    if shape == "knit":
        return _knit(rng, tint)
    ground = _jitter((226, 214, 196), rng, 8)
    image = Image.new("RGB", (SIZE, SIZE), ground)
    draw = ImageDraw.Draw(image)
    # Wooden table edge at the bottom.
    draw.rectangle((0, 680, SIZE, SIZE), fill=(150, 104, 66))
    for y in range(690, SIZE, 18):
        draw.line((0, y, SIZE, y + 6), fill=(132, 90, 56), width=3)
    mask = Image.new("L", (SIZE, SIZE), 0)
    mdraw = ImageDraw.Draw(mask)
    if shape in ("bag", "knit_bag"):
        fill = _knit(rng, tint) if shape == "knit_bag" else _weave(rng, tint, 36)
        mdraw.polygon([(210, 300), (590, 300), (630, 690), (170, 690)], fill=255)
        handle = tint or (150, 110, 70)
        draw.arc((290, 130, 510, 420), 180, 360, fill=_shade(handle, 0.75), width=22)
    elif shape == "basket":
        fill = _weave(rng, tint, 32)
        mdraw.polygon([(170, 330), (630, 330), (570, 690), (230, 690)], fill=255)
        draw.ellipse((170, 300, 630, 370), fill=_shade(tint or (196, 164, 112), 0.6))
    elif shape == "coasters":
        fill = _weave(rng, tint, 24)
        for cx, cy in ((270, 330), (530, 330), (270, 560), (530, 560)):
            mdraw.ellipse((cx - 110, cy - 110, cx + 110, cy + 110), fill=255)
    elif shape == "cushion":
        fill = _songket_cloth(rng, tint, motif)
        mdraw.rounded_rectangle((150, 150, 650, 650), radius=60, fill=255)
    elif shape == "runner":
        fill = _songket_cloth(rng, tint, motif)
        mdraw.rectangle((80, 300, 720, 520), fill=255)
    elif shape == "wallet":
        fill = _songket_cloth(rng, tint, motif)
        mdraw.rounded_rectangle((170, 280, 630, 600), radius=30, fill=255)
        draw.rounded_rectangle((176, 292, 636, 612), radius=30, fill=_shade(ground, 0.8))
    else:  # small songket pieces: brooches, key rings, hair clips
        fill = _songket_cloth(rng, tint, motif)
        for cx, cy in ((260, 300), (540, 300), (400, 520)):
            mdraw.ellipse((cx - 120, cy - 120, cx + 120, cy + 120), fill=255)
            draw.ellipse((cx - 128, cy - 124, cx + 128, cy + 132), fill=_shade(ground, 0.8))
            if shape == "keychain":
                draw.line((cx, cy - 120, cx, cy - 190), fill=(180, 180, 186), width=6)
                draw.ellipse(
                    (cx - 24, cy - 236, cx + 24, cy - 188), outline=(180, 180, 186), width=6
                )
    image.paste(fill, mask=mask)
    return image


# --- public ----------------------------------------------------------------

_FAMILIES: dict[str, Callable[[random.Random, str, RGB | None, str | None], Image.Image]] = {
    "songket": lambda rng, shape, tint, motif: _songket_cloth(rng, tint, motif),
    "fashion": _fashion,
    "roti-kue": _bakery,
    "tempe": _tempe,
    "kerajinan": _crafts,
}


def _brand(image: Image.Image) -> None:
    """A small shop mark in the corner, like a product photo's watermark."""
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, SIZE - 64, 176, SIZE - 20), radius=10, fill=(255, 255, 255))
    draw.text((36, SIZE - 58), "CANTIK", fill=(122, 22, 38), font=_font(28))


def product_images(
    family: str, seed: str, *, shape: str, tint: RGB | None = None, motif: str | None = None
) -> list[Image.Image]:
    """Two 800x800 pictures of a product: the whole piece, then a close-up of it."""
    rng = _rng(seed)
    draw_family = _FAMILIES.get(family, _FAMILIES["kerajinan"])
    whole = draw_family(rng, shape, tint, motif)
    # The close-up is a crop of the same picture, so it shows the same piece.
    side = rng.randint(300, 420)
    x0 = rng.randint(150, SIZE - side - 150)
    y0 = rng.randint(150, SIZE - side - 150)
    detail = whole.crop((x0, y0, x0 + side, y0 + side)).resize(
        (SIZE, SIZE), Image.Resampling.BICUBIC
    )
    _brand(whole)
    return [whole, detail]


def partner_logo(initials: str, colour: RGB) -> Image.Image:
    """A square logo stand-in: the partner's initials on its colour."""
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (16, 16, LOGO_SIZE - 16, LOGO_SIZE - 16), radius=36, outline=(255, 255, 255), width=8
    )
    text = initials[:4].upper()
    font = _font(150 if len(text) <= 2 else 118 if len(text) == 3 else 92)
    draw.text((LOGO_SIZE / 2, LOGO_SIZE / 2), text, fill=(255, 255, 255), font=font, anchor="mm")
    return image
