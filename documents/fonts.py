"""The fonts of every PDF and signature stamp: Noto Serif and Noto Sans (SIL OFL 1.1), from npm.

They come with the project (`package.json`: `@expo-google-fonts/noto-serif`, `.../noto-sans`,
static TTF files with the full Vietnamese set and their licence in `LICENSE_FONT`), found by a
path relative to the checkout, so a PDF looks the same on every machine and nothing is taken
from the system's font folders (ADR 0200).

Templates use the families "Portal Serif" and "Portal Sans": names no installed font carries,
so fontconfig can only match them to these files, never to a system font of the same name.
"""

from pathlib import Path

from django.conf import settings

FONT_PACKAGES = settings.BASE_DIR / "node_modules" / "@expo-google-fonts"
# URL prefix under which WeasyPrint asks for the files; answered by documents.rendering's fetcher
# from FONT_PACKAGES, never by the web server.
FONT_URL_PREFIX = "/_pdf-fonts/"

# (CSS family, weight, style) -> (package, file stem); only the faces the templates use.
FACES: dict[tuple[str, int, str], tuple[str, str]] = {
    ("Portal Serif", 400, "normal"): ("noto-serif", "400Regular"),
    ("Portal Serif", 700, "normal"): ("noto-serif", "700Bold"),
    ("Portal Serif", 400, "italic"): ("noto-serif", "400Regular_Italic"),
    ("Portal Serif", 700, "italic"): ("noto-serif", "700Bold_Italic"),
    ("Portal Sans", 400, "normal"): ("noto-sans", "400Regular"),
    ("Portal Sans", 700, "normal"): ("noto-sans", "700Bold"),
    ("Portal Sans", 400, "italic"): ("noto-sans", "400Regular_Italic"),
    ("Portal Sans", 700, "italic"): ("noto-sans", "700Bold_Italic"),
}


class FontMissing(FileNotFoundError):
    pass


def _file_name(package: str, stem: str) -> str:
    family = "NotoSerif" if package == "noto-serif" else "NotoSans"
    return f"{family}_{stem}.ttf"


def font_path(package: str, stem: str) -> Path:
    """Path of one TTF of the project's fonts; a clear error when `npm ci` has not run."""
    path = FONT_PACKAGES / package / stem / _file_name(package, stem)
    if not path.is_file():
        raise FontMissing(f"{path} is missing: run `npm ci` (the fonts come from package.json)")
    return path


def font_file_for_url(url_path: str) -> Path | None:
    """The font file a `FONT_URL_PREFIX` URL path names, or None if it names none of ours."""
    name = url_path.removeprefix(FONT_URL_PREFIX)
    for package, stem in FACES.values():
        if name == _file_name(package, stem):
            return font_path(package, stem)
    return None


def stamp_font_source() -> Path:
    return font_path("noto-sans", "400Regular")


def font_face_css() -> str:
    """@font-face rules that documents.rendering adds to every PDF it makes.

    `ccmp` off: these Noto builds decompose precomposed letters such as "ị" into "i" + a
    combining dot, and WeasyPrint then maps the plain "i" glyph to no text, so "Ninh" would be
    copied out of the PDF as "N nh". Vietnamese in NFC has a precomposed glyph for every letter.
    """
    rules = []
    for (family, weight, style), (package, stem) in FACES.items():
        url = FONT_URL_PREFIX + _file_name(package, stem)
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'font-style: {style}; src: url("{url}") format("truetype"); '
            'font-feature-settings: "ccmp" 0; }'
        )
    return "\n".join(rules)
