import pytest

from parcours.core.plurals import plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 files"), (1, "1 file"), (2, "2 files"), (-1, "-1 files")],
)
def test_the_word_agrees_with_the_count(count, expected):
    assert plural(count, "file", "files") == expected
