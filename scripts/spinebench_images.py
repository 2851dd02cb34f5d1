"""Draw the SpineBench mini image MCQs: the PNGs and ``image_mcq.jsonl`` from one parameter set.

Every image is a deterministic schematic drawn with PIL (house style of
``scripts/corpus_figures``); the MR-like ones are built as pydicom datasets and rendered with
``tools.dicom_render.render_png``. The questions are generated from the same drawing parameters
(level, slip, height loss, zone, Cobb angle), so each answer follows from what is drawn.

    .venv/bin/python scripts/spinebench_images.py          # write the files
    .venv/bin/python scripts/spinebench_images.py --check  # exit 1 if a committed file differs

``--check`` re-draws everything in memory; a PNG counts as unchanged when its bytes are equal
or, failing that, its decoded pixels are (so a different zlib build does not fail the check).
The drawing modules live in ``scripts/spinebench_images/``.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "evals" / "data" / "spinebench_mini"
IMAGES = DATA / "images"
JSONL = DATA / "image_mcq.jsonl"
PREFIXES = ("sag-", "mr-", "axial-", "coronal-")


def same_png(old: bytes, new: bytes) -> bool:
    if old == new:
        return True
    try:
        a, b = Image.open(io.BytesIO(old)), Image.open(io.BytesIO(new))
        return a.mode == b.mode and a.size == b.size and a.tobytes() == b.tobytes()
    except OSError:
        return False


def check(images: dict[str, bytes], jsonl: str) -> list[str]:
    """Paths of the committed files that differ from the fresh drawing (or are missing/stale)."""
    bad = []
    for name, data in images.items():
        path = IMAGES / name
        if not path.is_file() or not same_png(path.read_bytes(), data):
            bad.append(str(path))
    stale = (
        [
            p
            for p in sorted(IMAGES.glob("*.png"))
            if p.name.startswith(PREFIXES) and p.name not in images
        ]
        if IMAGES.is_dir()
        else []
    )
    bad += [f"{p} (not drawn by this script)" for p in stale]
    if not JSONL.is_file() or JSONL.read_text(encoding="utf-8") != jsonl:
        bad.append(str(JSONL))
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if str(HERE) not in sys.path:  # the drawing package next to this file
        sys.path.insert(0, str(HERE))
    from spinebench_images.catalog import build

    images, jsonl = build()
    if args.check:
        bad = check(images, jsonl)
        for path in bad:
            print(f"differs: {path}", file=sys.stderr)
        print(f"{len(images)} images and {JSONL.name}: {'DIFFERENT' if bad else 'up to date'}")
        return 1 if bad else 0
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        (IMAGES / name).write_bytes(data)
    JSONL.write_text(jsonl, encoding="utf-8")
    print(f"wrote {len(images)} images to {IMAGES} and {jsonl.count(chr(10))} items to {JSONL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
