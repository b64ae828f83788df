"""Rebuild the manuals: tour screenshots → resources/help/images, Markdown → HTML.

    .venv/bin/python -m tools.build_manuals [--tour DIR]

Without ``--tour`` it runs ``kokuho-pc demo --tour`` into a temporary
directory first. Only the screenshots the manuals reference are copied
(``images/<name>.png`` ← the tour's ``NN-<name>.png``). The HTML files are what
the application's help window shows (Qt's rich-text subset: headings,
paragraphs, lists, tables, images), so keep the Markdown simple.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
HELP = ROOT / "resources" / "help"
MANUALS = ("index", "staff", "admin")
IMAGE_WIDTH = 860
IMAGE = re.compile(r"\(images/([a-z0-9-]+)\.png\)")
TEMPLATE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "IPAexGothic", sans-serif; line-height: 1.6; margin: 16px; }}
h1 {{ color: #1f5fa8; border-bottom: 2px solid #1f5fa8; }}
h2 {{ color: #1f5fa8; margin-top: 28px; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #c8d0da; padding: 4px 8px; }}
code {{ background: #eef2f7; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def referenced_images() -> set[str]:
    """Names of the screenshots the manuals use."""
    names: set[str] = set()
    for manual in MANUALS:
        names.update(IMAGE.findall((HELP / f"{manual}.md").read_text(encoding="utf-8")))
    return names


def copy_images(tour: Path) -> list[str]:
    """Copy the referenced screenshots; return the names the tour did not produce."""
    images = HELP / "images"
    shutil.rmtree(images, ignore_errors=True)
    images.mkdir()
    by_name = {p.name.split("-", 1)[1]: p for p in tour.glob("[0-9][0-9]-*.png")}
    missing = []
    for name in sorted(referenced_images()):
        source = by_name.get(f"{name}.png")
        if source is None:
            missing.append(name)
        else:
            _save_small(source, images / f"{name}.png")
    return missing


def _save_small(source: Path, target: Path) -> None:
    """Copy a screenshot as a 256-colour PNG (a third of the size; text stays sharp)."""
    try:
        from PIL import Image
    except ImportError:
        shutil.copyfile(source, target)
        return
    with Image.open(source) as image:
        image.convert("RGB").quantize(256).save(target, optimize=True)


def _display_width(image: Path) -> int:
    """The image's own width, at most IMAGE_WIDTH (small dialogs are not blown up)."""
    if not image.exists():
        return IMAGE_WIDTH
    header = image.read_bytes()[:24]  # PNG: width is the big-endian int at bytes 16..19
    return min(int.from_bytes(header[16:20], "big"), IMAGE_WIDTH)


def to_html(manual: str) -> str:
    """One manual as a standalone HTML page."""
    text = (HELP / f"{manual}.md").read_text(encoding="utf-8")
    body = MarkdownIt("commonmark").enable("table").render(text)
    body = body.replace('.md"', '.html"')
    body = re.sub(r'<img src="(images/[^"]+)"',
                  lambda m: f'<img width="{_display_width(HELP / m.group(1))}" src="{m.group(1)}"',
                  body)
    title = text.splitlines()[0].lstrip("# ").strip()
    return TEMPLATE.format(title=title, body=body)


def main(argv: list[str]) -> int:
    """Build the images (unless --no-tour) and the HTML."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tour", type=Path, help="an existing kokuho-pc demo --tour directory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tour = args.tour
        if tour is None:
            tour = Path(tmp) / "tour"
            subprocess.run([sys.executable, "-m", "kokuho_pc", "demo", "--tour", str(tour)],
                           cwd=ROOT, check=False)
        missing = copy_images(tour)
    for manual in MANUALS:
        (HELP / f"{manual}.html").write_text(to_html(manual), encoding="utf-8")
    for name in missing:
        print(f"missing screenshot: {name}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
