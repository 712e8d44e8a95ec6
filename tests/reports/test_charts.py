"""The inline SVG charts: exact coordinates and labels for small series, gaps, negatives, empty series, numbers."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from uythac.reports.charts import Series, bar_chart, format_number, line_chart, nice_scale


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_format_number_vietnamese_and_english():
    assert format_number(1234567) == "1.234.567"
    assert format_number(Decimal("1234567.45"), 1) == "1.234.567,5"  # ROUND_HALF_UP
    assert format_number(Decimal("0.0995"), 3) == "0,100"
    assert format_number(-1234) == "-1.234"
    assert format_number(0) == "0"
    assert format_number(Decimal("1234.5"), 1, language="en") == "1,234.5"


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0, 30, (0, 30, 10)),
    (-7, 12, (-10, 15, 5)),
    (Decimal("0.099"), Decimal("0.125"), (0, Decimal("0.15"), Decimal("0.05"))),
    (0, 0, (0, 1, Decimal("0.5"))),  # nothing but zeros: a unit scale
    (5, 5, (0, 6, 2)),  # zero always on the axis
    (-40, -10, (-40, 0, 10)),
])
def test_nice_scale(low, high, expected):
    assert nice_scale(Decimal(low), Decimal(high)) == tuple(Decimal(v) for v in expected)


@given(st.integers(-10**12, 10**12), st.integers(-10**12, 10**12))
def test_nice_scale_covers_the_values_and_zero(a, b):
    low, high = min(a, b), max(a, b)
    bottom, top, step = nice_scale(Decimal(low), Decimal(high))
    assert bottom <= min(low, 0) and top >= max(high, 0) and step > 0
    assert (top - bottom) / step <= 8  # a handful of ticks, never hundreds
    assert (bottom / step) == (bottom / step).to_integral_value()


def test_line_chart_points_labels_and_accessible_text():
    svg = str(line_chart("t", ["01/2020", "02/2020", "03/2020"], [Series("Dư nợ", [10, 20, 30])],
                         title="Dư nợ", unit=" triệu đ"))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 640 240" role="img"'
                          ' aria-labelledby="t-t t-d"><title id="t-t">Dư nợ</title>')
    # plot 72..628 × 28..204; scale 0..30 step 10: y(10) = 28 + 20 × 176 / 30 = 145.3
    assert 'points="72.0,145.3 350.0,86.7 628.0,28.0"' in svg
    assert re.findall(r'class="chart-tick"[^>]*>([^<]*)<', svg) == ["0", "10", "20", "30"]
    assert re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg) == ["01/2020", "02/2020", "03/2020"]
    assert "<title>Dư nợ 02/2020: 20 triệu đ</title>" in svg
    assert ('<desc id="t-d">Dư nợ: đầu kỳ 10 triệu đ (01/2020), thấp nhất 10 triệu đ (01/2020), cao nhất 30 triệu đ'
            ' (03/2020), cuối kỳ 30 triệu đ (03/2020).</desc>') in svg


def test_line_chart_breaks_at_gaps_and_formats_decimals():
    svg = str(line_chart("r", ["a", "b", "c", "d"], [Series("NQH", [Decimal("0.125"), Decimal("0.1"), None,
                                                                      Decimal("0.05")])],
                         title="Tỷ lệ", unit="%", places=3))
    # x: 72, 257.3, 442.7, 628; scale 0..0.15 step 0.05: y(0.125) = 28 + 0.025 × 176 / 0.15 = 57.3
    assert svg.count("<polyline") == 1  # a lone point after the gap is only a dot
    assert 'points="72.0,57.3 257.3,86.7"' in svg
    assert '<circle cx="628.0" cy="145.3" r="3"' in svg
    assert "<title>NQH a: 0,125%</title>" in svg
    assert re.findall(r'class="chart-tick"[^>]*>([^<]*)<', svg) == ["0,000", "0,050", "0,100", "0,150"]


def test_bar_chart_negative_values_hang_below_the_zero_line():
    svg = str(bar_chart("b", ["A", "B"], [-5, 10], title="Thay đổi", series_label="Δ"))
    # scale -5..10 step 5: zero at 28 + 10 × 176 / 15 = 145.3; bars 0.7 × 278 = 194.6 wide, centred at 211 and 489
    assert re.findall(r'class="chart-tick"[^>]*>([^<]*)<', svg) == ["-5", "0", "5", "10"]
    assert '<line class="chart-axis" x1="72" y1="145.3" x2="628" y2="145.3"/>' in svg
    assert '<rect class="chart-bar" x="113.7" y="145.3" width="194.6" height="58.7"' in svg
    assert '<rect class="chart-bar" x="391.7" y="28.0" width="194.6" height="117.3"' in svg
    assert "<title>A: -5</title>" in svg and "<title>B: 10</title>" in svg


def test_empty_series_say_so():
    for svg in (line_chart("e", [], [], title="Trống"), line_chart("e", ["a"], [Series("x", [None])], title="Trống"),
                bar_chart("e", ["a", "b"], [None, None], title="Trống", series_label="x")):
        assert 'role="img"' in svg and "Chưa có số liệu" in svg and "<polyline" not in svg and "chart-bar" not in svg


def test_labels_are_thinned_on_long_series_and_text_is_escaped():
    labels = [f"{m:02d}/2020" for m in range(1, 13)] + [f"{m:02d}/2021" for m in range(1, 13)]
    svg = str(line_chart("l", labels, [Series("<b>x</b>", list(range(24)))], title="a & b"))
    shown = re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg)
    assert shown == ["01/2020", "04/2020", "07/2020", "10/2020", "01/2021", "04/2021", "07/2021", "10/2021"]
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg and "a &amp; b" in svg
    assert svg.count("<circle") == 24


def test_english_numbers():
    with translation.override("en"):
        svg = str(bar_chart("b", ["x"], [1500], title="t", series_label="s"))
    assert "<title>x: 1,500</title>" in svg
