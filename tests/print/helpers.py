"""Shared helpers of the print tests: text extraction and font inspection."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from collections.abc import Iterator

import pypdf
from pypdf.generic import DictionaryObject, IndirectObject


def reader(pdf: bytes) -> pypdf.PdfReader:
    """A pypdf reader over PDF bytes in memory."""
    return pypdf.PdfReader(io.BytesIO(pdf))


def nfkc(text: str) -> str:
    """NFKC-normalised text with runs of white space folded to one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def page_texts(pdf: bytes, pages: list[int] | None = None) -> list[str]:
    """NFKC text of the given pages (all by default), extracted with pypdf."""
    doc = reader(pdf)
    wanted = range(len(doc.pages)) if pages is None else pages
    return [nfkc(doc.pages[i].extract_text()) for i in wanted]


def poppler_page_texts(pdf: bytes) -> list[str]:
    """NFKC text of every page, extracted with poppler's pdftotext (fast for big lists)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [nfkc(p) for p in pages]


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts_of(pdf: bytes) -> Iterator[DictionaryObject]:
    """Every font dictionary reachable from the pages and their form XObjects."""
    seen: set[int] = set()

    def walk(resources: object) -> Iterator[DictionaryObject]:
        res = _resolve(resources)
        if not isinstance(res, DictionaryObject):
            return
        fonts = _resolve(res.get("/Font"))
        if isinstance(fonts, DictionaryObject):
            for ref in fonts.values():
                font = _resolve(ref)
                if isinstance(font, DictionaryObject) and id(font) not in seen:
                    seen.add(id(font))
                    yield font
        xobjects = _resolve(res.get("/XObject"))
        if isinstance(xobjects, DictionaryObject):
            for ref in xobjects.values():
                xobj = _resolve(ref)
                if isinstance(xobj, DictionaryObject):
                    yield from walk(xobj.get("/Resources"))

    for page in reader(pdf).pages:
        yield from walk(page.get("/Resources"))
