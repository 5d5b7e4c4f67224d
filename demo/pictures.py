"""Illustrations for the demo newsroom: abstract pictures drawn with Pillow.

Never anything that could pass for a photograph, and every credit says so. The same seed always
draws the same picture, and `hero_alt` describes it.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

HERO_SIZE = (1600, 900)
PORTRAIT_SIZE = (600, 600)
# Shapes are drawn at twice the size and scaled down: ImageDraw does not antialias.
SUPERSAMPLE = 2
JPEG_OPTIONS = {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True}

# (gradient from, gradient to, accents), each colour named so the alt text can describe it.
PALETTES = [
    (("deep navy", (14, 27, 64)), ("teal", (20, 128, 138)),
     (("amber", (246, 178, 62)), ("coral", (238, 108, 88)), ("pale cyan", (168, 230, 236)))),
    (("charcoal", (34, 36, 42)), ("slate blue", (72, 98, 150)),
     (("lemon yellow", (246, 222, 92)), ("white", (245, 245, 240)), ("sky blue", (120, 190, 240)))),
    (("plum", (64, 22, 70)), ("magenta", (186, 46, 122)),
     (("peach", (252, 190, 150)), ("gold", (240, 196, 70)), ("lilac", (200, 170, 240)))),
    (("forest green", (16, 58, 40)), ("sage", (120, 168, 120)),
     (("cream", (246, 236, 208)), ("orange", (236, 130, 46)), ("mint", (170, 236, 200)))),
    (("midnight blue", (10, 18, 48)), ("violet", (96, 60, 180)),
     (("pink", (246, 140, 190)), ("turquoise", (64, 214, 206)), ("white", (240, 240, 250)))),
    (("rust", (120, 46, 24)), ("sand", (226, 180, 120)),
     (("dark teal", (18, 92, 98)), ("ivory", (250, 244, 226)), ("brick red", (170, 56, 40)))),
    (("ink blue", (20, 34, 80)), ("cornflower blue", (100, 140, 230)),
     (("tangerine", (250, 150, 60)), ("butter yellow", (250, 226, 140)), ("navy", (24, 40, 96)))),
    (("olive", (60, 64, 24)), ("mustard", (206, 170, 50)),
     (("burgundy", (120, 28, 48)), ("off-white", (244, 238, 224)), ("moss green", (96, 128, 56)))),
    (("graphite", (40, 40, 48)), ("steel grey", (130, 140, 150)),
     (("scarlet", (222, 52, 52)), ("white", (246, 246, 246)), ("black", (16, 16, 16)))),
    (("deep teal", (6, 60, 66)), ("aquamarine", (80, 200, 180)),
     (("sunflower", (252, 206, 60)), ("salmon", (250, 140, 120)), ("white", (240, 250, 250)))),
    (("aubergine", (48, 20, 48)), ("rose", (214, 110, 140)),
     (("mint", (160, 230, 200)), ("cream", (250, 240, 220)), ("crimson", (170, 20, 60)))),
    (("dusk blue", (40, 56, 96)), ("apricot", (244, 170, 120)),
     (("white", (250, 250, 250)), ("deep red", (150, 30, 40)), ("pale yellow", (250, 236, 170)))),
]  # fmt: skip


def _rgba(rng, accents, low=90, high=200):
    return rng.choice(accents)[1] + (rng.randint(low, high),)


def _circles(draw, rng, w, h, accents):
    for _ in range(rng.randint(4, 9)):
        r = rng.randint(h // 12, h * 2 // 5)
        x, y = rng.randint(0, w), rng.randint(0, h)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(rng, accents))


def _rings(draw, rng, w, h, accents):
    for _ in range(rng.randint(1, 3)):
        x, y = rng.randint(0, w), rng.randint(0, h)
        width = rng.randint(h // 90, h // 30)
        for r in range(rng.randint(h // 10, h // 5), w, rng.randint(width * 3, width * 6)):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=_rgba(rng, accents), width=width)


def _bands(draw, rng, w, h, accents):
    slant = rng.choice((-1, 1)) * rng.randint(h // 3, h)
    x = rng.randint(-w // 4, 0)
    while x < w + abs(slant):
        width = rng.randint(w // 40, w // 8)
        draw.polygon(
            [(x, 0), (x + width, 0), (x + width - slant, h), (x - slant, h)],
            fill=_rgba(rng, accents, 60, 170),
        )
        x += width + rng.randint(w // 40, w // 6)


def _triangles(draw, rng, w, h, accents):
    for _ in range(rng.randint(6, 14)):
        x, y, size = rng.randint(0, w), rng.randint(0, h), rng.randint(h // 10, h // 2)
        points = [(x + rng.randint(-size, size), y + rng.randint(-size, size)) for _ in range(3)]
        draw.polygon(points, fill=_rgba(rng, accents, 70, 190))


def _dots(draw, rng, w, h, accents):
    step = rng.randint(w // 28, w // 14)
    phase, colour = rng.random() * 6.3, _rgba(rng, accents, 140, 230)
    for row, y in enumerate(range(step // 2, h, step)):
        for col, x in enumerate(range(step // 2, w, step)):
            # Dot sizes rise and fall across the grid, like a halftone wave.
            r = step * (0.12 + 0.28 * (1 + math.sin(col * 0.45 + row * 0.3 + phase)) / 2)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _waves(draw, rng, w, h, accents):
    for _ in range(rng.randint(4, 8)):
        base, height = rng.randint(0, h), rng.randint(h // 20, h // 5)
        length, phase = rng.randint(w // 3, w), rng.random() * 6.3
        half = rng.randint(h // 120, h // 36)
        centre = [(x, base + height * math.sin(x / length * 6.3 + phase)) for x in range(0, w, 8)]
        # One polygon per wave: a translucent line drawn segment by segment would darken
        # wherever the segments overlap.
        outline = [(x, y - half) for x, y in centre] + [(x, y + half) for x, y in centre[::-1]]
        draw.polygon(outline, fill=_rgba(rng, accents, 120, 220))


# Drawing function -> how the alt text describes what it draws.
STYLES = {
    _circles: "overlapping circles",
    _rings: "concentric rings",
    _bands: "diagonal bands",
    _triangles: "scattered triangles",
    _dots: "a grid of dots",
    _waves: "flowing wave lines",
}


def _gradient(size, start, end, angle):
    """A linear gradient from `start` to `end` running at `angle` degrees."""
    ramp = Image.linear_gradient("L").rotate(angle, Image.Resampling.BICUBIC, expand=True)
    # The centre of the rotated square never includes its empty corners.
    cx, cy = ramp.width // 2, ramp.height // 2
    ramp = ImageOps.autocontrast(ramp.crop((cx - 88, cy - 88, cx + 88, cy + 88)))
    return ImageOps.colorize(ramp.resize(size, Image.Resampling.BICUBIC), start, end)


def _hero_plan(seed):
    rng = random.Random(f"hero-{seed}")
    start, end, accents = rng.choice(PALETTES)
    styles = rng.sample(list(STYLES), rng.choice((1, 2)))
    return rng, start, end, accents, styles


def hero_alt(seed):
    """The alt text of the illustration `render_hero(seed)` draws."""
    _, start, end, accents, styles = _hero_plan(seed)
    shapes = " and ".join(STYLES[style] for style in styles)
    (first, _), (second, _), (third, _) = accents
    return (
        f"Abstract illustration: {shapes} in {first}, {second} and {third} over a gradient "
        f"from {start[0]} to {end[0]}."
    )


def render_hero(seed):
    """A 1600×900 abstract illustration as JPEG bytes."""
    rng, start, end, accents, styles = _hero_plan(seed)
    image = _gradient(HERO_SIZE, start[1], end[1], rng.uniform(0, 360))

    # A few large, soft glows, drawn small and scaled up: blurring is cheap that way.
    glow = Image.new("RGBA", (160, 90), (0, 0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for _ in range(rng.randint(2, 4)):
        x, y, r = rng.randint(0, 160), rng.randint(0, 90), rng.randint(15, 45)
        glow_draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(rng, accents, 50, 110))
    glow = glow.filter(ImageFilter.GaussianBlur(12)).resize(HERO_SIZE, Image.Resampling.BICUBIC)
    image = Image.alpha_composite(image.convert("RGBA"), glow).convert("RGB")

    # The smooth background needs no antialiasing: blow it up with NEAREST so that the final
    # box reduction gives back exactly the same pixels, and only the shapes' edges get smoothed.
    w, h = HERO_SIZE[0] * SUPERSAMPLE, HERO_SIZE[1] * SUPERSAMPLE
    image = image.resize((w, h), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image, "RGBA")  # "RGBA" mode blends translucent fills
    for style in styles:
        style(draw, rng, w, h, accents)
    return _jpeg(image.reduce(SUPERSAMPLE))


def _mix(colour, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def render_portrait(name, colour):
    """A square, portrait-style avatar: the author's initials on a coloured disc."""
    size = PORTRAIT_SIZE[0] * SUPERSAMPLE
    ramp = Image.linear_gradient("L").resize((size, size))
    image = ImageOps.colorize(
        ramp, _mix(colour, (255, 255, 255), 0.75), _mix(colour, (0,) * 3, 0.2)
    )
    draw = ImageDraw.Draw(image)
    centre, radius = size // 2, size * 2 // 5
    draw.ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius),
        fill=_mix(colour, (0, 0, 0), 0.1),
        outline=(255, 255, 255),
        width=size // 60,
    )
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    draw.text((centre, centre), initials, font=font, fill=(255, 255, 255), anchor="mm")
    return _jpeg(image.reduce(SUPERSAMPLE))


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, **JPEG_OPTIONS)
    return buffer.getvalue()
