"""What the PDF tests look at: text per page, embedded fonts, warnings, pixels."""

import io
import os
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageChops
from pypdf import PdfReader

GOLDEN = Path(__file__).resolve().parent / "golden"
# Share of pixels differing by more than 64/255 that still counts as the same
# layout: a removed "(加盖公章)" changes 0.6 %, a font or poppler update ~0.05 %.
GOLDEN_TOLERANCE = 0.002
BAD_WARNINGS = (".notdef", "cannot be loaded", "fontTools")


def reader(data):
    return PdfReader(io.BytesIO(data))


def page_texts(data):
    """Each page's text without any whitespace: CJK table cells wrap mid-word."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader(data).pages]


def fonts(pdf):
    """(BaseFont, has ToUnicode, is a CID font) of every font on every page."""
    names = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(
                (
                    str(font["/BaseFont"]),
                    "/ToUnicode" in font,
                    "/DescendantFonts" in font,
                )
            )
    return names


def assert_fonts_embedded_and_subset(data):
    """Only Noto CJK faces, each subset ("ABCDEF+"), with a Unicode map."""
    found = fonts(reader(data))
    assert found
    for name, has_unicode, cid in found:
        prefix, _, family = name.lstrip("/").partition("+")
        assert re.fullmatch(r"[A-Z]{6}", prefix), name
        assert family.startswith("Noto-S"), name
        assert has_unicode and cid, name


def bad_warnings(caplog):
    """WeasyPrint warnings about fallback glyphs, unloadable fonts or slow subsetting."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("weasyprint")
        and any(bad in record.getMessage() for bad in BAD_WARNINGS)
    ]


def rasterise(data, tmp_path, *, page=1, dpi=50):
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("L")


def assert_matches_golden(data, name, tmp_path, *, page=1):
    """Page ``page`` rasterised equals pdf/tests/golden/NAME.png (UPDATE_GOLDEN=1 rewrites it)."""
    image = rasterise(data, tmp_path, page=page)
    golden = GOLDEN / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN") or not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        image.save(golden)
        assert not os.environ.get("CI"), f"{golden.name} was missing: commit it"
    expected = Image.open(golden).convert("L")
    assert image.size == expected.size, f"{name}: page size changed"
    difference = ImageChops.difference(image, expected).point(lambda v: v > 64 and 255)
    changed = difference.histogram()[255] / (image.width * image.height)
    assert changed <= GOLDEN_TOLERANCE, f"{name}: {changed:.2%} of the page changed"
