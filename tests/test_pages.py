"""pages/__init__.py: what the pages share; here, how names from the data are put into markdown."""

import pytest

from pages import WORD_JOINER, escape_markdown


@pytest.mark.parametrize("name, markdown", [
    ("**bold** [x](javascript:alert(1))", r"\*\*bold\*\* \[x\]\(javascript\:alert\(1\)\)"),
    ("<img src=x>", r"\<img src=x\>"),
    # GFM autolink literals: a word joiner where the autolinker needs two characters side by side
    ("https://evil.example/x", "https\\:\u2060//evil\\.example/x"),
    ("see HTTP://a.example", "see HTTP\\:\u2060//a\\.example"),
    ("www.evil.example", "www\u2060\\.evil\\.example"),
    ("(WWW.evil.example)", "\\(WWW\u2060\\.evil\\.example\\)"),
    ("someone@example.com", "someone\u2060@example\\.com"),
    ("@handle", "\u2060@handle"),
    ("Mr. Brightside", r"Mr\. Brightside"),  # no joiner where no link could start
])
def test_escape_markdown_leaves_no_markup_and_no_link(name, markdown):
    """Regression: a name like "www.evil.example" showed as a link, escaped or not."""
    assert escape_markdown(name) == markdown


def test_escaped_names_read_the_same():
    name = "https://evil.example/x www.evil.example someone@example.com"
    shown = escape_markdown(name).replace(WORD_JOINER, "").replace("\\", "")  # what markdown then draws
    assert shown == name
