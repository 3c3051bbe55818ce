"""The white space WeasyPrint would parse and throw away is left out of a PDF's HTML;
the one it draws, between words and inline tags, is kept."""

import pytest

from parcours.core.pdf import compact


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<tr>\n  <td>a b</td>\n  <td class='x'>c</td>\n</tr>",
            "<tr><td>a b</td><td class='x'>c</td></tr>",
        ),
        ("<div class='key'>\n  <div>1</div>\n</div>", "<div class='key'><div>1</div></div>"),
        ("<p>Closed\n</p>\n<table>", "<p>Closed</p><table>"),
        (
            "<p><strong>Closed</strong> · <em>x</em> <b>y</b></p>",
            "<p><strong>Closed</strong> · <em>x</em> <b>y</b></p>",
        ),
        ("<span>a</span>\n<span>b</span>", "<span>a</span>\n<span>b</span>"),
        ("<th>Lu<br>3</th>", "<th>Lu<br>3</th>"),
    ],
)
def test_only_the_space_touching_a_block_or_table_tag_goes(html, expected):
    assert compact(html) == expected
