import math
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString
from django.utils.translation import override

from parcours.core.charts import STYLES, Series, radar_svg
from parcours.testing import pdf_fonts, pdf_text

SVG = "{http://www.w3.org/2000/svg}"
AXES = [
    "Situation administrative",
    "Vie familiale",
    "Vie sociale et culturelle",
    "Logement",
    "Situation financière",
    "Santé",
    "Emploi et formation",
]
ENTRY = Series("Entrée", [1, 2, 2, 3, 2, 3, 1])
MIDDLE = Series("Milieu", [2, 3, 3, 3, 2, 3, 2])
END = Series("Fin", [3, 4, 4, 4, 3, 4, 3])


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def find(root, path):
    return root.findall(path.replace("svg:", SVG))


def series_groups(root):
    return find(root, ".//svg:g[@class='radar__series']")


def test_returns_safe_markup_that_parses_as_svg():
    svg = radar_svg(axes=AXES, series=[ENTRY, MIDDLE, END])

    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox").startswith("0 0 ")


def test_is_described_for_screen_readers():
    with override("en"):
        root = parse(radar_svg(axes=AXES, series=[ENTRY, Series("Fin", [3, None, 4, 4, 3, 4, 3])]))

    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text == "Ratings per domain"
    assert "Entrée: Situation administrative 1, Vie familiale 2" in desc.text
    assert "Vie familiale not rated" in desc.text


def test_grid_numbers_spokes_and_axis_labels():
    root = parse(radar_svg(axes=AXES, series=[ENTRY]))
    grid = find(root, ".//svg:g[@class='radar__grid']")[0]

    rings = find(grid, "svg:polygon")
    assert len(rings) == 5
    assert all(len(ring.get("points").split()) == 7 for ring in rings)
    assert [text.text for text in find(grid, "svg:text")] == ["1", "2", "3", "4", "5"]
    assert len(find(grid, "svg:line")) == 7
    labels = find(root, ".//svg:g[@class='radar__labels']/svg:text")
    assert [" ".join(t.text for t in find(label, "svg:tspan")) for label in labels] == AXES


def test_series_differ_by_dash_pattern_and_marker_not_only_by_colour():
    root = parse(radar_svg(axes=AXES, series=[ENTRY, MIDDLE, END]))
    groups = series_groups(root)

    assert [group.get("data-series") for group in groups] == ["Entrée", "Milieu", "Fin"]
    shapes = [find(group, "svg:polygon")[0] for group in groups]
    assert len({shape.get("stroke-dasharray") for shape in shapes}) == 3
    assert all(len(shape.get("points").split()) == 7 for shape in shapes)
    # One marker per rated axis: circles, squares, triangles.
    assert len(find(groups[0], "svg:circle")) == 7
    assert len(find(groups[1], "svg:rect")) == 7
    assert len(find(groups[2], "svg:polygon")) == 1 + 7  # the shape, then the triangles


def test_the_legend_repeats_each_pattern_and_marker():
    root = parse(radar_svg(axes=AXES, series=[ENTRY, MIDDLE, END]))
    items = find(root, ".//svg:g[@class='radar__legend-item']")

    assert [find(item, "svg:text")[0].text for item in items] == ["Entrée", "Milieu", "Fin"]
    for item, style in zip(items, STYLES, strict=True):
        line = find(item, "svg:line")[0]
        assert line.get("stroke-dasharray") == (style.dasharray or None)
        assert line.get("stroke") == style.stroke
    assert find(items[0], "svg:circle")
    assert find(items[1], "svg:rect")
    assert find(items[2], "svg:polygon")


def test_no_script_and_no_inline_style():
    svg = str(radar_svg(axes=AXES, series=[ENTRY, MIDDLE, END]))
    root = parse(svg)

    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert "<script" not in svg


def test_labels_and_names_are_escaped():
    hostile = "<script>alert('x')</script>"
    svg = str(radar_svg(axes=[hostile, *AXES[1:]], series=[Series(f'"{hostile}', ENTRY.values)]))

    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well-formed
    labels = find(root, ".//svg:g[@class='radar__labels']/svg:text")
    assert "".join(t.text for t in find(labels[0], "svg:tspan")) == hostile


def _marker_positions(group):
    positions = [(float(c.get("cx")), float(c.get("cy"))) for c in find(group, "svg:circle")]
    return positions


def test_a_missing_value_leaves_a_gap():
    values = [3, 3, None, 3, 3, 3, 3]
    root = parse(radar_svg(axes=AXES, series=[Series("Entrée", values)]))
    group = series_groups(root)[0]

    # No closed shape: an open line through the rated axes, broken at the missing one.
    assert not find(group, "svg:polygon")
    lines = find(group, "svg:polyline")
    assert len(lines) == 1
    assert len(lines[0].get("points").split()) == 6
    assert lines[0].get("fill") == "none"
    # The line starts right after the gap and ends right before it.
    markers = _marker_positions(group)
    assert len(markers) == 6
    first = tuple(float(v) for v in lines[0].get("points").split()[0].split(","))
    last = tuple(float(v) for v in lines[0].get("points").split()[-1].split(","))
    centre_x = float(root.get("viewBox").split()[2]) / 2
    assert first[0] > centre_x  # axis 3 (bottom right)
    assert last[0] > centre_x  # axis 1 (top right)
    assert first[1] > last[1]


def test_gaps_split_the_line_and_a_lone_rating_keeps_its_marker():
    values = [2, 2, None, 4, None, None, 1]
    group = series_groups(parse(radar_svg(axes=AXES, series=[Series("Entrée", values)])))[0]

    lines = find(group, "svg:polyline")
    # Axes 6, 0, 1 are consecutive round the chart; axis 3 stands alone.
    assert [len(line.get("points").split()) for line in lines] == [3]
    assert len(_marker_positions(group)) == 4


def test_a_series_without_any_value_draws_nothing():
    group = series_groups(parse(radar_svg(axes=AXES, series=[Series("Fin", [None] * 7)])))[0]
    assert list(group) == []


def test_values_sit_on_their_ring():
    root = parse(radar_svg(axes=AXES, series=[Series("Fin", [5, 5, 5, 5, 5, 5, 1])]))
    outer_ring = find(root, ".//svg:g[@class='radar__grid']/svg:polygon")[-1]
    inner_ring = find(root, ".//svg:g[@class='radar__grid']/svg:polygon")[0]
    shape = find(series_groups(root)[0], "svg:polygon")[0]

    shape_points = shape.get("points").split()
    assert shape_points[:6] == outer_ring.get("points").split()[:6]
    assert shape_points[6] == inner_ring.get("points").split()[6]


def test_the_maximum_sets_the_rings():
    root = parse(radar_svg(axes=AXES[:4], series=[Series("x", [10, 5, 0, 12])], maximum=10))
    grid = find(root, ".//svg:g[@class='radar__grid']")[0]

    assert len(find(grid, "svg:polygon")) == 10
    shape = find(series_groups(root)[0], "svg:polygon")[0]
    outer = find(grid, "svg:polygon")[-1].get("points").split()
    # Above the maximum is drawn at the edge.
    assert shape.get("points").split()[3] == outer[3]
    assert shape.get("points").split()[0] == outer[0]


def test_the_top_axis_points_up():
    root = parse(
        radar_svg(axes=AXES, series=[Series("x", [5, None, None, None, None, None, None])])
    )
    x, y = _marker_positions(series_groups(root)[0])[0]
    spoke = find(root, ".//svg:g[@class='radar__grid']/svg:line")[0]
    assert math.isclose(x, float(spoke.get("x1")))
    assert y < float(spoke.get("y1"))


def test_needs_three_axes():
    with pytest.raises(ValueError, match="three axes"):
        radar_svg(axes=["a", "b"], series=[])


def test_the_same_chart_twice_gets_the_same_ids_and_another_chart_others():
    first = parse(radar_svg(axes=AXES, series=[ENTRY]))
    again = parse(radar_svg(axes=AXES, series=[ENTRY]))
    other = parse(radar_svg(axes=AXES, series=[END]))

    assert first.get("aria-labelledby") == again.get("aria-labelledby")
    assert first.get("aria-labelledby") != other.get("aria-labelledby")


def test_weasyprint_renders_it_on_one_page():
    weasyprint = pytest.importorskip("weasyprint")
    svg = radar_svg(axes=AXES, series=[ENTRY, MIDDLE, Series("Fin", [3, 4, None, 4, 3, 4, 3])])
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Bilan</title></head>'
        f"<body style=\"font-family: 'DejaVu Sans'\"><h1>Distance parcourue</h1>{svg}</body></html>"
    )

    document = weasyprint.HTML(string=html).render()
    pdf = document.write_pdf()

    assert len(document.pages) == 1
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert "Distance parcourue" in pdf_text(pdf)
    # What a reader on another machine sees: the text's font travels inside the file.
    fonts = pdf_fonts(pdf)
    assert fonts
    assert all(font.embedded for font in fonts), fonts
    assert any("DejaVu" in font.name for font in fonts), fonts
    # The chart was laid out as an image of its own size, not dropped (WeasyPrint's box
    # tree is not public API: if this breaks on an upgrade, look for the SVG box again).
    charts = [box for box in _boxes(document.pages[0]._page_box) if box_tag(box) == "svg"]
    assert [(round(box.width), round(box.height)) for box in charts] == [(600, 454)]


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def box_tag(box):
    return (getattr(box, "element_tag", "") or "").rpartition("}")[2]
