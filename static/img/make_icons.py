"""Draws the web-app icons (run once; the PNGs are committed next to this script).

    .venv/bin/python static/img/make_icons.py

The icon is the portal's blue with "DVC" over "TÂY NINH" in white Noto Sans Bold. The maskable
variant keeps everything inside the central 80 % "safe zone" that Android may crop to a circle.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
BLUE = (11, 83, 148)  # #0b5394, the theme colour of base.html and the manifest
WHITE = (255, 255, 255)
# The project's Noto Sans Bold, from npm (package.json), like every font the portal draws with.
FONT = HERE.parent.parent / "node_modules/@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:  # the icon must still be drawable without the Noto fonts
        return ImageFont.load_default(size)


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    # A maskable icon is a full-bleed square; a plain one gets rounded corners on transparency.
    if not maskable:
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=BLUE)
    content = size * (0.62 if maskable else 0.8)  # width the lettering may use
    top_font = _font(int(content * 0.42))
    bottom_font = _font(int(content * 0.16))
    centre = size / 2
    draw.text((centre, centre - size * 0.05), "DVC", font=top_font, fill=WHITE, anchor="ms")
    draw.line(
        (
            centre - content / 2.6,
            centre + size * 0.02,
            centre + content / 2.6,
            centre + size * 0.02,
        ),
        fill=WHITE,
        width=max(2, size // 96),
    )
    draw.text((centre, centre + size * 0.06), "TÂY NINH", font=bottom_font, fill=WHITE, anchor="mt")
    return image


def main() -> None:
    outputs = {
        "icon-192.png": draw_icon(192, maskable=False),
        "icon-512.png": draw_icon(512, maskable=False),
        "icon-512-maskable.png": draw_icon(512, maskable=True),
        "apple-touch-icon.png": draw_icon(180, maskable=True),
    }
    for name, image in outputs.items():
        image.save(HERE / name, optimize=True)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
