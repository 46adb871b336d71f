"""Inline SVG charts: what a reader sees, what a screen reader hears, and that hostile labels stay inert text."""

import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString

from explorer.charts import NO_DATA, bar_chart, column_chart

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&amp;", 'O\'Brien & "Sons"']


def parse(svg):
    assert isinstance(svg, SafeString)
    return ET.fromstring(str(svg))


def bars(root):
    return root.findall(f".//{NS}rect[@class='bar']")


def texts(root, cls):
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text") if t.get("class") == cls]


def viewbox(root):
    return [float(n) for n in root.get("viewBox").split()]


def column(points, **kwargs):
    return column_chart(points, **{"title": "TIV delivered per year", "unit": "TIV", "chart_id": "tiv", **kwargs})


def ranking(points, **kwargs):
    return bar_chart(points, **{"title": "Top recipients", "unit": "TIV", "chart_id": "top", **kwargs})


def test_column_draws_a_bar_per_nonzero_point_and_keeps_gaps_labelled():
    root = parse(column([(2015, 10), (2016, None), (2017, 0), (2018, Decimal("25.5"))]))

    assert [b.get("data-label") for b in bars(root)] == ["2015", "2018"]
    assert [b.get("data-value") for b in bars(root)] == ["10", "25.5"]
    assert [b.find(f"{NS}title").text for b in bars(root)] == ["2015: 10 TIV", "2018: 25.5 TIV"]
    assert texts(root, "label") == ["2015", "2016", "2017", "2018"]
    # The empty slots keep their place: each bar stands centred over its own slot's label.
    label_x = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text") if t.get("class") == "label"}
    for bar in bars(root):
        centre = float(bar.get("x")) + float(bar.get("width")) / 2
        assert centre == pytest.approx(label_x[bar.get("data-label")], abs=0.1)


def test_column_heights_are_proportional_and_fit_the_plot():
    root = parse(column([(2020, 100), (2021, 50), (2022, 25.0), (2023, 12345)]))
    heights = {b.get("data-label"): float(b.get("height")) for b in bars(root)}

    assert heights["2021"] == pytest.approx(heights["2020"] / 2, abs=0.1)
    assert heights["2022"] == pytest.approx(heights["2020"] / 4, abs=0.1)
    _, _, width, height = viewbox(root)
    for bar in bars(root):
        assert float(bar.get("y")) >= 0
        assert float(bar.get("y")) + float(bar.get("height")) <= height
        assert float(bar.get("x")) + float(bar.get("width")) <= width


def test_bar_widths_are_proportional_and_rows_link_when_asked():
    root = parse(ranking([("Russia", 812.0), ("France", 406.0), ("China", 203.0)]))
    widths = [float(b.get("width")) for b in bars(root)]

    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.1)
    assert max(float(b.get("x")) + float(b.get("width")) for b in bars(root)) <= viewbox(root)[2]
    assert texts(root, "value") == ["812.0", "406.0", "203.0"]
    assert root.find(f"{NS}desc").text == "3 bars; largest Russia with 812.0 TIV."


def test_value_axis_has_four_to_six_nice_ticks_from_zero():
    for top in (1, 7, 9.99, 10, 11, 99, 101, 250, 1234.5, 999999, 0.03):
        ticks = texts(parse(column([(2000, top)])), "tick")
        assert 4 <= len(ticks) <= 6, (top, ticks)
        values = [float(t.replace(",", "")) for t in ticks]
        assert values[0] == 0 and values[-1] >= top
        step = values[1]
        assert round(step / 10 ** math.floor(math.log10(step)), 6) in {1, 2, 2.5, 5}, (top, ticks)
        assert values == pytest.approx([step * i for i in range(len(values))])


def test_title_and_desc_are_wired_to_aria_labelledby():
    for svg in (column([(2013, 5), (2019, 1234.5), (2024, 3)]), ranking([("Russia", 1)]), column([])):
        root = parse(svg)
        ids = root.get("aria-labelledby").split()
        assert len(ids) == 2
        assert all(root.find(f".//*[@id='{i}']") is not None for i in ids)
        assert root.get("role") == "img"
        assert root.get("width") is None and root.get("height") is None

    root = parse(column([(2013, 5), (2019, 1234.5), (2024, 3)]))
    assert root.find(f"{NS}title").text == "TIV delivered per year"
    assert root.find(f"{NS}desc").text == "3 years from 2013 to 2024; highest 2019 with 1,234.5 TIV."


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
@pytest.mark.parametrize("points", [[], [(2019, None), (2020, 0)]])
def test_empty_input_says_so(chart, points):
    root = parse(chart(points, title="T", unit="TIV", chart_id="empty"))

    assert root.find(f"{NS}desc").text == NO_DATA
    assert texts(root, "empty") == [NO_DATA]
    assert bars(root) == []


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_escaped_everywhere(chart, hostile):
    svg = chart(
        [(hostile, 5), ("x" + hostile * 3, None)],
        title=hostile,
        unit=hostile,
        chart_id="h",
        value_format=lambda v: f"{v}{hostile}",
    )
    root = parse(svg)

    assert root.find(f"{NS}title").text == hostile
    assert bars(root)[0].get("data-label") == hostile
    assert bars(root)[0].find(f"{NS}title").text == f"{hostile}: 5{hostile} {hostile}"
    assert hostile in texts(root, "unit")[0]
    for element in root.iter():
        assert element.tag.removeprefix(NS) in {"svg", "title", "desc", "text", "line", "rect", "a"}
        assert not any(name.lower().startswith("on") for name in element.attrib)
    assert "<script" not in svg and "<img" not in svg


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
def test_no_inline_styles_and_readable_sizes_and_colours(chart):
    root = parse(chart([("Russia", 812), ("France", 0.5)], title="T", unit="TIV", chart_id="s"))

    for element in root.iter():
        assert element.tag != f"{NS}style"
        assert "style" not in element.attrib
        if "font-size" in element.attrib:
            assert float(element.get("font-size")) >= 12
    assert contrast(root.get("fill")) >= 4.5  # the text colour every text node inherits
    assert all(contrast(b.get("fill")) >= 3 for b in bars(root))


def test_control_characters_are_dropped_so_the_xml_stays_well_formed():
    root = parse(ranking([("bad\x00\x08\x1b label", 3)], title="t\x0c"))
    assert bars(root)[0].get("data-label") == "bad label"


@pytest.mark.parametrize("chart_id", ["", "a b", 'x"', "a\n", "<s>", None, 7])
def test_invalid_chart_id_is_refused(chart_id):
    with pytest.raises(ValueError):
        column([(2020, 1)], chart_id=chart_id)
    with pytest.raises(ValueError):
        ranking([("a", 1)], chart_id=chart_id)


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf")])
def test_values_that_cannot_be_drawn_from_zero_are_refused(value):
    with pytest.raises(ValueError):
        column([(2020, value)])


def test_forty_years_thin_the_axis_labels_but_keep_first_and_last():
    root = parse(column([(year, year % 7) for year in range(1985, 2025)]))
    labels = root.findall(f".//{NS}text[@class='label']")
    shown = [label.text for label in labels]

    assert shown[0] == "1985" and shown[-1] == "2024"
    assert 5 <= len(shown) < 40
    # Labels are centred on their x; about 7 units a glyph at font size 12 is a generous width for a year.
    xs = [float(label.get("x")) for label in labels]
    assert all(b - a >= 4 * 7 for a, b in zip(xs, xs[1:], strict=False))
    assert root.find(f"{NS}desc").text.startswith("40 years from 1985 to 2024; highest ")


def test_long_bar_labels_are_cut_with_the_full_text_kept():
    name = "Democratic Republic of the Congo (Kinshasa)"
    root = parse(ranking([(name, 4)]))
    label = root.find(f".//{NS}text[@class='label']")

    assert label.text == name[:27] + "…"
    assert label.find(f"{NS}title").text == name
    assert bars(root)[0].find(f"{NS}title").text == f"{name}: 4 TIV"


def test_href_wraps_labels_in_escaped_links():
    svg = ranking(
        [("A&B", 2), ("Plain", 1)],
        href=lambda label: f'/actors/?q={label}&x="1"' if label != "Plain" else None,
    )
    root = parse(svg)
    links = root.findall(f"{NS}a")

    assert [a.get("href") for a in links] == ['/actors/?q=A&B&x="1"']
    assert links[0].find(f"{NS}text").text == "A&B"
    assert 'href="/actors/?q=A&amp;B&amp;x=&quot;1&quot;"' in svg


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:x"])
def test_href_refuses_script_urls(url):
    with pytest.raises(ValueError):
        ranking([("a", 1)], href=lambda label: url)


def test_value_format_and_default_format():
    root = parse(column([(2020, 1234), (2021, 1234.56), (2022, Decimal("7"))]))
    assert [b.find(f"{NS}title").text for b in bars(root)] == ["2020: 1,234 TIV", "2021: 1,234.6 TIV", "2022: 7.0 TIV"]

    root = parse(ranking([("a", 0.25)], unit="", value_format=lambda v: f"{v:.0%}"))
    assert bars(root)[0].find(f"{NS}title").text == "a: 25%"
    assert texts(root, "value") == ["25%"]


def test_output_is_deterministic_and_compact():
    points = [(year, year * 1.37 % 11) for year in range(2000, 2020)]
    first, second = column(points), column(list(points))

    assert first == second
    assert "\n" not in first and "  " not in first
    # Geometry is rounded to a tenth; data-value keeps the caller's value as given.
    assert not re.search(r' (?:x|y|x1|y1|x2|y2|width|height)="-?\d+\.\d{2,}"', first)
    assert 'data-value="2.3700000000003456"' in first


def contrast(colour):
    """WCAG contrast ratio of a #rrggbb colour against white."""

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)
