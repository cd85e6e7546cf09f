"""Draw Fieldbook's icon once and write it in every format the installers need.

    .venv/bin/python packaging/make_icons.py

writes ``fieldbook.png`` (512 px: Linux menus, the README), ``fieldbook.ico`` (16–256 px: the
Windows executable and installer) and ``fieldbook.icns`` (macOS bundle) next to this file. The
generated files are committed, so a build needs neither this script nor a drawing tool; run it
again only when the drawing changes. Pillow comes with Streamlit, so nothing extra is installed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 1024  # drawn large, then scaled down, so small sizes stay smooth

GREEN = (46, 125, 80, 255)
PAGE = (250, 247, 238, 255)
LINE = (160, 170, 160, 255)
LEAF = (76, 175, 80, 255)
VEIN = (27, 94, 32, 255)


def draw(size: int = SIZE) -> Image.Image:
    """The icon: a notebook page with a leaf on a green rounded square."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    u = size / 64  # drawing units: a 64 × 64 grid
    d.rounded_rectangle((2 * u, 2 * u, 62 * u, 62 * u), radius=12 * u, fill=GREEN)
    d.rounded_rectangle((14 * u, 10 * u, 50 * u, 54 * u), radius=3 * u, fill=PAGE)
    for y in (20, 27, 34):
        d.line((19 * u, y * u, 45 * u, y * u), fill=LINE, width=max(1, round(1.5 * u)))
    d.ellipse((24 * u, 33 * u, 46 * u, 51 * u), fill=LEAF)  # the leaf, tilted by its vein
    d.line((22 * u, 53 * u, 44 * u, 35 * u), fill=VEIN, width=max(1, round(2 * u)))
    return img


def main() -> None:
    icon = draw()
    icon.resize((512, 512), Image.LANCZOS).save(HERE / "fieldbook.png")
    icon.save(HERE / "fieldbook.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    icon.save(HERE / "fieldbook.icns")  # Pillow writes every ICNS size from the 1024 px image


if __name__ == "__main__":
    main()
