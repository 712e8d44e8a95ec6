"""Charts as inline SVG generated on the server: no JavaScript library, no network, printable, readable in PDF/DOCX.

``line_chart(chart_id, labels, series, title=…, unit=…, places=…)`` and ``bar_chart(chart_id, labels, values, …)``
return a ``SafeString`` holding one ``<svg role="img">`` with a ``<title>``, a ``<desc>`` summing up the series in
words (first, lowest, highest and last value) for screen readers, axes with "nice" ticks (steps of 1, 2 or 5 × 10ⁿ,
zero always on the scale so negative values sit below the axis), and a ``<title>`` tooltip on every point or bar.
Numbers are written the Vietnamese way ("1.234,5") or the English way ("1,234.5") after the active language.

Coordinates are exact ``Decimal`` arithmetic rounded ROUND_HALF_UP to one decimal place, so a small series gives
the same SVG text on every machine (the tests compare the points). A value ``None`` is a gap: the line is broken
there and no bar is drawn.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 72, 12, 28, 36
TICKS = 4
MAX_X_LABELS = 8
# Colour-blind-safe palette (Okabe–Ito), darkened enough for text contrast on white.
PALETTE = ("#0b5394", "#b42318", "#1e7b34", "#9a6700", "#6b3fa0")
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | Decimal | None]


def format_number(value: int | Decimal, places: int = 0, *, language: str | None = None) -> str:
    """``1234567.5`` → "1.234.567,5" in Vietnamese, "1,234,567.5" in English (ROUND_HALF_UP to ``places``)."""
    language = language or get_language() or "vi"
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.{places}f}"
    if not language.startswith("en"):
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"-{text}" if amount < 0 else text


def nice_scale(low: Decimal, high: Decimal, ticks: int = TICKS) -> tuple[Decimal, Decimal, Decimal]:
    """(bottom, top, step) of an axis covering ``low``..``high`` and zero, the step 1, 2 or 5 × 10ⁿ."""
    low, high = min(Decimal(low), Decimal(0)), max(Decimal(high), Decimal(0))
    if low == high:
        high = low + 1
    raw = (high - low) / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    return bottom, top, step


def _c(value: Decimal) -> str:
    return str(value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class _Frame:
    count: int
    bottom: Decimal
    top: Decimal
    step: Decimal
    bars: bool

    @property
    def plot_width(self) -> Decimal:
        return Decimal(WIDTH - MARGIN_LEFT - MARGIN_RIGHT)

    @property
    def plot_height(self) -> Decimal:
        return Decimal(HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)

    def x(self, index: int) -> Decimal:
        if self.bars:
            return MARGIN_LEFT + self.plot_width * (2 * index + 1) / (2 * self.count)
        if self.count == 1:
            return MARGIN_LEFT + self.plot_width / 2
        return MARGIN_LEFT + self.plot_width * index / (self.count - 1)

    def y(self, value) -> Decimal:
        return MARGIN_TOP + (self.top - Decimal(value)) * self.plot_height / (self.top - self.bottom)


def _values(series: Sequence[Series]) -> list[Decimal]:
    return [Decimal(v) for s in series for v in s.values if v is not None]


def _empty(chart_id: str, title: str) -> SafeString:
    message = _("Chưa có số liệu")
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} 60" role="img"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d"><title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(message)}</desc>'
        f'<text x="{WIDTH // 2}" y="34" text-anchor="middle" class="chart-empty">{escape(message)}</text></svg>'
    )


def _describe(labels: Sequence[str], series: Series, unit: str, places: int, language: str | None = None) -> str:
    points = [(label, Decimal(v)) for label, v in zip(labels, series.values, strict=False) if v is not None]
    if not points:
        no_data = _("chưa có số liệu")
        return f"{series.label}: {no_data}."
    low = min(points, key=lambda p: p[1])
    high = max(points, key=lambda p: p[1])

    def said(point):
        return f"{format_number(point[1], places, language=language)}{unit} ({point[0]})"

    return _("%(series)s: đầu kỳ %(first)s, thấp nhất %(low)s, cao nhất %(high)s, cuối kỳ %(last)s.") % {
        "series": series.label, "first": said(points[0]), "low": said(low), "high": said(high),
        "last": said(points[-1]),
    }


def _axes(frame: _Frame, labels: Sequence[str], places: int, language: str | None = None) -> list[str]:
    parts = []
    tick = frame.bottom
    while tick <= frame.top:
        y = _c(frame.y(tick))
        parts.append(f'<line class="chart-grid" x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}"/>')
        parts.append(f'<text class="chart-tick" x="{MARGIN_LEFT - 6}" y="{y}" text-anchor="end"'
                     f' dominant-baseline="middle">{format_number(tick, places, language=language)}</text>')
        tick += frame.step
    zero = _c(frame.y(0))
    parts.append(f'<line class="chart-axis" x1="{MARGIN_LEFT}" y1="{zero}" x2="{WIDTH - MARGIN_RIGHT}" y2="{zero}"/>')
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(f'<text class="chart-label" x="{_c(frame.x(index))}" y="{HEIGHT - 12}"'
                         f' text-anchor="middle">{escape(label)}</text>')
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], MARGIN_LEFT
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
                     f'<text class="chart-legend" x="{x + 16}" y="18">{escape(one.label)}</text>')
        x += 24 + 8 * len(one.label)
    return parts


def _svg(chart_id: str, title: str, description: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d"><title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(body)}</svg>'
    )


def line_chart(chart_id: str, labels: Sequence[str], series: Sequence[Series], *, title: str, unit: str = "",
               places: int = 0) -> SafeString:
    """One polyline per series (broken at ``None``), a dot with a tooltip on every value."""
    values = _values(series)
    if not labels or not values:
        return _empty(chart_id, title)
    frame = _Frame(len(labels), *nice_scale(min(values), max(values)), bars=False)
    body = _axes(frame, labels, places) + _legend(series)
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        run: list[str] = []
        dots = []
        for position, (label, value) in enumerate(zip(labels, one.values, strict=False)):
            if value is None:
                body.extend(_polyline(run, colour))
                run = []
                continue
            x, y = _c(frame.x(position)), _c(frame.y(value))
            run.append(f"{x},{y}")
            dots.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{escape(one.label)} {escape(label)}:'
                        f' {format_number(value, places)}{escape(unit)}</title></circle>')
        body.extend(_polyline(run, colour))
        body.extend(dots)
    description = " ".join(_describe(labels, one, unit, places) for one in series)
    return _svg(chart_id, title, description, body)


def _polyline(points: list[str], colour: str) -> list[str]:
    """A line through two points or more (a lone point between gaps is only its dot)."""
    if len(points) < 2:
        return []
    return [f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>']


def bar_chart(chart_id: str, labels: Sequence[str], values: Sequence[int | Decimal | None], *, title: str,
              series_label: str, unit: str = "", places: int = 0, show_values: bool = False,
              style: str = "", number_language: str | None = None) -> SafeString:
    """One bar per label from the zero line (down for a negative value), a tooltip on every bar.

    ``show_values`` writes each value over its bar (printed reports: paper has no tooltips); ``style`` is a CSS text
    put in a ``<style>`` inside the SVG (PDF and the PNG of the DOCX, where the web page's app.css is absent);
    ``number_language`` writes the numbers the way of that language whatever the active one (a printed report keeps
    the Vietnamese separators of its tables in every language)."""
    series = Series(series_label, values)
    numbers = _values([series])
    if not labels or not numbers:
        return _empty(chart_id, title)
    frame = _Frame(len(labels), *nice_scale(min(numbers), max(numbers)), bars=True)
    body = _axes(frame, labels, places, number_language)
    width = frame.plot_width * Decimal("0.7") / frame.count
    zero = frame.y(0)
    for position, (label, value) in enumerate(zip(labels, values, strict=False)):
        if value is None:
            continue
        y = frame.y(value)
        top, height = min(y, zero), abs(zero - y)
        body.append(f'<rect class="chart-bar" x="{_c(frame.x(position) - width / 2)}" y="{_c(top)}"'
                    f' width="{_c(width)}" height="{_c(height)}" fill="{PALETTE[0]}"><title>{escape(label)}:'
                    f' {format_number(value, places, language=number_language)}{escape(unit)}</title></rect>')
        if show_values:
            # Above a bar going up, below one going down; the text stays inside the plot (the axis has headroom).
            text_y = top - 4 if Decimal(value) >= 0 else top + height + 12
            body.append(f'<text class="chart-value" x="{_c(frame.x(position))}" y="{_c(text_y)}"'
                        f' text-anchor="middle">{format_number(value, places, language=number_language)}</text>')
    if style:
        body.insert(0, f"<style>{style}</style>")  # a constant of the code, never user input
    return _svg(chart_id, title, _describe(labels, series, unit, places, number_language), body)
