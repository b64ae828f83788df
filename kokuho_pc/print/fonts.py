"""The shipped IPAexGothic font and cached text measurement for the lists."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from kokuho_pc.domain.errors import PrintError
from kokuho_pc.formats.resources import resource_path

FONT_NAME = "IPAexGothic"
ELLIPSIS = "…"
NO_LINE_START = frozenset("、。，．・：；！？」』）］｝〕〉》ー")


def register_font() -> str:
    """Register IPAexGothic with reportlab once and return its font name.

    The font is embedded (as a subset) in every PDF that uses it.
    """
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = resource_path("fonts", "ipaexg.ttf")
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    except (OSError, TTFError) as exc:
        raise PrintError(
            "帳票用フォント(IPAexゴシック)を読み込めません。",
            "情報システム管理者に連絡してください。",
        ) from exc
    return FONT_NAME


class TextFitter:
    """Measures text in one font and fits it to a cell width, with caches.

    Widths are cached per string at unit size; fitted results are cached per
    (text, width, size, minimum size), so repeated values (dates, labels,
    municipality names) cost one dictionary lookup.
    """

    def __init__(self, font_name: str) -> None:
        self._font = pdfmetrics.getFont(font_name)
        self._unit: dict[str, float] = {}
        self._char: dict[str, float] = {}
        self._fit: dict[tuple[str, float, float, float], tuple[str, float]] = {}

    def unit_width(self, text: str) -> float:
        """Width of ``text`` at font size 1 (points)."""
        width = self._unit.get(text)
        if width is None:
            width = self._font.stringWidth(text, 1.0)
            self._unit[text] = width
        return width

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` points."""
        return self.unit_width(text) * size

    def _char_width(self, ch: str) -> float:
        width = self._char.get(ch)
        if width is None:
            width = self._font.stringWidth(ch, 1.0)
            self._char[ch] = width
        return width

    def fit(self, text: str, max_width: float, size: float, min_size: float) -> tuple[str, float]:
        """Return ``(text, size)`` that fits ``max_width``: shrunk, else clipped with ``…``.

        The text keeps ``size`` when it fits; otherwise it is shrunk down to
        ``min_size``; if it still does not fit, it is cut and ends in ``…``.
        The result never exceeds ``max_width``.
        """
        key = (text, max_width, size, min_size)
        done = self._fit.get(key)
        if done is not None:
            return done
        unit = self.unit_width(text)
        if unit * size <= max_width:
            result = (text, size)
        elif unit * min_size <= max_width:
            result = (text, max_width / unit)
        else:
            result = (self._clip(text, max_width / min_size), min_size)
        self._fit[key] = result
        return result

    def _clip(self, text: str, unit_budget: float) -> str:
        """Longest prefix of ``text`` that, with ``…`` appended, fits ``unit_budget``."""
        budget = unit_budget - self._char_width(ELLIPSIS)
        used = 0.0
        end = 0
        for ch in text:
            used += self._char_width(ch)
            if used > budget:
                break
            end += 1
        return text[:end].rstrip() + ELLIPSIS if end else ""

    def wrap_tokens(
        self, tokens: list[str], max_width: float, size: float, min_size: float, lines: int
    ) -> tuple[list[str], float]:
        """Lay space-separated ``tokens`` on ``lines`` lines of ``max_width`` if they fit.

        Tries ``size``, then smaller sizes down to ``min_size``; when even that
        is not enough, the tokens take as many lines as they need at ``min_size``
        (nothing is left out). A token wider than the cell is broken between characters.
        """
        space = self._char_width(" ")
        trial = size
        while True:
            laid = self._greedy(tokens, max_width / trial, space, lines)
            if laid is not None:
                return laid, trial
            if trial <= min_size:
                break
            trial = max(min_size, trial - 0.5)
        laid = self._greedy(tokens, max_width / min_size, space, len(tokens) + 1)
        if laid is None:
            laid = self.break_text(" ".join(tokens), max_width, min_size)
        return laid, min_size

    def wrap_text(self, text: str, max_width: float, size: float, min_size: float,
                  lines: int) -> tuple[list[str], float]:
        """Break ``text`` between characters onto ``lines`` lines of ``max_width`` if it fits.

        Keeps ``size`` when it fits, else shrinks down to ``min_size`` (never below);
        a text that does not fit ``lines`` lines even then takes as many lines as it
        needs at ``min_size``: nothing is ever cut.
        """
        trial = size
        while True:
            laid = self._char_lines(text, max_width / trial, lines)
            if laid is not None:
                return laid, trial
            if trial <= min_size:
                break
            trial = max(min_size, trial - 0.5)
        return self.break_text(text, max_width, min_size), min_size

    def break_text(self, text: str, max_width: float, size: float) -> list[str]:
        """``text`` broken between characters onto as many lines of ``max_width`` as needed."""
        return self._char_lines(text, max_width / size, len(text) + 1) or [text]

    def _char_lines(self, text: str, unit_budget: float, lines: int, *,
                    rest: bool = False) -> list[str] | None:
        """Greedy character breaking; None when more than ``lines`` lines are needed
        (with ``rest``: the first ``lines`` full lines, the remainder left out)."""
        out = [""]
        used = 0.0
        for ch in text:
            w = self._char_width(ch)
            if used + w <= unit_budget or not out[-1]:
                out[-1] += ch
                used += w
                continue
            if len(out) == lines:
                return out if rest else None
            carried = ""
            if ch in NO_LINE_START and len(out[-1]) > 1:  # 、。」 never start a line
                carried, out[-1] = out[-1][-1], out[-1][:-1]
            out.append(carried + ch)
            used = self.unit_width(out[-1])
        return out if not rest or len(out) <= lines else out[:lines]

    def _greedy(
        self, tokens: list[str], unit_budget: float, space: float, lines: int
    ) -> list[str] | None:
        out: list[list[str]] = [[]]
        used = 0.0
        for token in tokens:
            w = self.unit_width(token)
            if w > unit_budget:
                return None
            extra = w if not out[-1] else space + w
            if used + extra <= unit_budget:
                out[-1].append(token)
                used += extra
            else:
                if len(out) == lines:
                    return None
                out.append([token])
                used = w
        return [" ".join(line) for line in out]
