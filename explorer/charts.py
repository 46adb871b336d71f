"""Server-rendered inline SVG charts (column and horizontal bar) for pages under a strict Content-Security-Policy.

The output carries no ``style`` attribute or element (CSP ``style-src 'self'`` would block them), no script and no
external resource: colours and sizes are SVG presentation attributes, and class names let a stylesheet override them.
Every label, title and unit comes from third parties, so all text goes through Django's escaping, in text nodes and
attributes alike, and the result is well-formed XML.
"""

import math
import re
from decimal import ROUND_CEILING, Decimal
from urllib.parse import urlsplit

from django.utils.html import format_html, format_html_join

__all__ = ["bar_chart", "column_chart", "NO_DATA"]

NO_DATA = "No data for this selection."

WIDTH = 640
FONT_SIZE = 12
# An average sans-serif glyph at 12 units is a little under 7 wide; overestimating keeps labels apart.
CHAR_W = 7
TEXT = "#1a1a1a"
BAR = "#1f5f99"  # 6.6:1 on white, so it also passes as link text.
AXIS = "#595959"
GRID = "#d9d9d9"
# A non-zero value must not vanish into a zero-height bar, or it would read as a gap.
MIN_BAR = 0.5

_CHART_ID = re.compile(r"[A-Za-z0-9_-]+")
# Characters XML 1.0 forbids: one stray control byte in a label would make the whole document ill-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SAFE_SCHEMES = {"", "http", "https"}


def column_chart(points, *, title, unit, chart_id, value_format=None):
    """Vertical bars, one slot per point in order; a None or 0 value leaves its slot empty but labelled."""
    chart_id, points, axis = _prepared(points, chart_id)
    if axis is None:
        return _empty(chart_id, title)
    ticks, tick_labels = axis
    fmt = value_format or default_format
    top, plot_h = 28, 240
    left = max(32, max(len(t) for t in tick_labels) * CHAR_W + 12)
    right = WIDTH - 16
    bottom = top + plot_h
    height = bottom + 32
    slot = (right - left) / len(points)
    bar_w = min(slot * 0.72, 56)
    scale = plot_h / float(ticks[-1])

    parts = [_text(_clean(unit), x=4, y=14, cls="unit")]
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        y = bottom - float(tick) * scale
        if tick:
            parts.append(_line(left, y, right, y, cls="grid", stroke=GRID))
        parts.append(_text(tick_label, x=left - 6, y=y + 4, cls="tick", anchor="end"))
    parts.append(_line(left, bottom, right, bottom, cls="axis", stroke=AXIS))

    labelled = _thinned(points, slot)
    for i, (label, value) in enumerate(points):
        centre = left + slot * (i + 0.5)
        if value:
            h = max(float(value) * scale, MIN_BAR)
            parts.append(_bar(label, value, fmt, unit, x=centre - bar_w / 2, y=bottom - h, w=bar_w, h=h))
        if i in labelled:
            parts.append(_text_truncated(label, 16, x=centre, y=bottom + 18, cls="label", anchor="middle"))

    highest_label, highest = _highest(points)
    noun = "year" if all(isinstance(label, int) for label, _ in points) else "column"
    span = f" from {points[0][0]} to {points[-1][0]}" if len(points) > 1 else f", {points[0][0]}"
    desc = f"{_count(len(points), noun)}{span}; highest {highest_label} with {_with_unit(fmt(highest), unit)}."
    return _svg(chart_id, title, desc, height, parts)


def bar_chart(points, *, title, unit, chart_id, value_format=None, href=None):
    """Horizontal bars for a ranking, in the order given; ``href(label)`` may return a URL to link that row's label."""
    chart_id, points, axis = _prepared(points, chart_id)
    if axis is None:
        return _empty(chart_id, title)
    ticks, tick_labels = axis
    fmt = value_format or default_format
    top, row, bar_h = 8, 24, 16
    # 28 characters of label on the left, and room after the longest bar for its printed value.
    left, right = 208, WIDTH - 88
    plot_h = row * len(points)
    bottom = top + plot_h
    height = bottom + 44
    scale = (right - left) / float(ticks[-1])

    parts = []
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        x = left + float(tick) * scale
        if tick:
            parts.append(_line(x, top, x, bottom, cls="grid", stroke=GRID))
        parts.append(_text(tick_label, x=x, y=bottom + 16, cls="tick", anchor="middle"))
    parts.append(_line(left, top, left, bottom, cls="axis", stroke=AXIS))
    parts.append(_text(_clean(unit), x=right, y=bottom + 34, cls="unit", anchor="end"))

    for i, (label, value) in enumerate(points):
        y = top + row * i
        url = _clean(href(label) or "") if href else ""
        text = _text_truncated(label, 28, x=left - 8, y=y + 16, cls="label", anchor="end", link=bool(url))
        if url:
            _check_url(url)
            text = format_html('<a href="{}">{}</a>', url, text)
        parts.append(text)
        if value is None:
            continue
        w = max(float(value) * scale, MIN_BAR) if value else 0
        if value:
            parts.append(_bar(label, value, fmt, unit, x=left, y=y + (row - bar_h) / 2, w=w, h=bar_h))
        parts.append(_text(_clean(fmt(value)), x=left + w + 4, y=y + 16, cls="value"))

    largest_label, largest = _highest(points)
    desc = f"{_count(len(points), 'bar')}; largest {largest_label} with {_with_unit(fmt(largest), unit)}."
    return _svg(chart_id, title, desc, height, parts)


def default_format(value):
    """Thousands separators; whole numbers only for ints, so a float or Decimal always shows its tenth."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


def _check_id(chart_id):
    # aria-labelledby is a space-separated list of ids, so anything beyond a plain token would break the wiring.
    if not isinstance(chart_id, str) or not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must match [A-Za-z0-9_-]+, got {chart_id!r}")
    return chart_id


def _clean_points(points):
    cleaned = []
    for label, value in points:
        if value is not None and (isinstance(value, bool) or not math.isfinite(value) or value < 0):
            raise ValueError(f"chart values must be finite and non-negative numbers, got {value!r} for {label!r}")
        cleaned.append((label, value))
    return cleaned


def _prepared(points, chart_id):
    """The checked id, the cleaned points and the value axis's ticks and labels (None: nothing to draw)."""
    chart_id = _check_id(chart_id)
    points = _clean_points(points)
    if not _has_data(points):
        return chart_id, points, None
    return chart_id, points, _nice_ticks(max(float(v) for _, v in points if v))


def _has_data(points):
    return any(value for _, value in points)


def _highest(points):
    # The first of equal maxima, so the summary follows the caller's order and stays deterministic.
    return max(((label, value) for label, value in points if value), key=lambda p: p[1])


def _count(n, noun):
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _with_unit(text, unit):
    return f"{text} {unit}" if unit else text


def _clean(text):
    return _NOT_XML.sub("", str(text))


def _check_url(url):
    # Escaping stops markup but not a javascript: URL; only a relative or web address may become a link.
    if urlsplit(url.strip()).scheme.lower() not in _SAFE_SCHEMES:
        raise ValueError(f"href must return a relative or http(s) URL, got {url!r}")


def _nice_ticks(top):
    """0 and 3 to 5 equal steps of 1, 2, 2.5 or 5 x 10^n reaching at least ``top``, with their labels.

    Decimal keeps 0.1 * 3 from printing as 0.30000000000000004. Starting one decade below the value's own, the first
    step always needs more than five intervals, and each next step is at most twice the last, so the first step that
    fits needs at least three: between four and six ticks, always.
    """
    top = Decimal(repr(top))
    decade = top.adjusted()
    for exponent in (decade - 1, decade, decade + 1):
        for mantissa in ("1", "2", "2.5", "5"):
            step = Decimal(mantissa).scaleb(exponent)
            intervals = int((top / step).to_integral_value(rounding=ROUND_CEILING))
            if intervals <= 5:
                ticks = [step * i for i in range(intervals + 1)]
                places = max(0, -step.normalize().as_tuple().exponent)
                return ticks, [f"{t:,.{places}f}" for t in ticks]
    raise AssertionError("unreachable: a step of 10^(decade+1) always fits")


def _thinned(points, slot):
    """Indexes of the slots whose x label is drawn: every Nth so labels never overlap, plus always the last."""
    widest = max(min(len(str(label)), 16) for label, _ in points) * CHAR_W + 6
    every = max(1, math.ceil(widest / slot))
    shown = list(range(0, len(points), every))
    last = len(points) - 1
    if shown[-1] != last:
        if len(shown) > 1 and last - shown[-1] < every:
            shown.pop()
        shown.append(last)
    return set(shown)


def _n(x):
    """A coordinate rounded to one decimal, without a trailing .0, so the markup stays short."""
    s = f"{x:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _bar(label, value, fmt, unit, *, x, y, w, h):
    label = _clean(label)
    return format_html(
        '<rect class="bar" data-label="{}" data-value="{}" x="{}" y="{}" width="{}" height="{}" fill="{}">'
        "<title>{}: {}</title></rect>",
        label,
        _clean(value),
        _n(x),
        _n(y),
        _n(w),
        _n(h),
        BAR,
        label,
        _with_unit(_clean(fmt(value)), _clean(unit)),
    )


def _line(x1, y1, x2, y2, *, cls, stroke):
    return format_html(
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', cls, _n(x1), _n(y1), _n(x2), _n(y2), stroke
    )


def _text(content, *, x, y, cls, anchor=None, link=False):
    extra = [("text-anchor", anchor)] if anchor else []
    if link:
        extra += [("fill", BAR), ("text-decoration", "underline")]
    return format_html(
        '<text class="{}" x="{}" y="{}"{}>{}</text>',
        cls,
        _n(x),
        _n(y),
        format_html_join("", ' {}="{}"', extra),
        content,
    )


def _text_truncated(label, limit, **kwargs):
    """A label cut to ``limit`` characters with an ellipsis; the full text stays in a <title> a reader can hover."""
    label = _clean(label)
    if len(label) <= limit:
        return _text(label, **kwargs)
    return _text(format_html("{}…<title>{}</title>", label[: limit - 1], label), **kwargs)


def _svg(chart_id, title, desc, height, parts):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" class="chart" preserveAspectRatio="xMinYMin meet" '
        'font-family="sans-serif" font-size="{3}" fill="{4}">'
        '<title id="{0}-title">{5}</title><desc id="{0}-desc">{6}</desc>{7}</svg>',
        chart_id,
        WIDTH,
        _n(height),
        FONT_SIZE,
        TEXT,
        _clean(title),
        _clean(desc),
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _empty(chart_id, title):
    return _svg(chart_id, title, NO_DATA, 80, [_text(NO_DATA, x=WIDTH / 2, y=44, cls="empty", anchor="middle")])
