"""Rendering a template to PDF with WeasyPrint, without fetching anything from outside:
the documents carry their own styles, inline SVG charts and pictures as ``data:``
addresses (a funder's logo).

Every PDF is tagged PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): headings, paragraphs,
lists and tables are marked as such for screen readers, a chart's ``<title>`` is its
alternative text, the document's language is the ``lang`` of its ``<html>`` and its
title, shown by readers instead of the file name, the ``<title>`` of its head.
"""

import re
import ssl
from functools import cache

from django.template.loader import render_to_string

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

# The indentation of the templates between two table cells, rows or blocks: WeasyPrint
# would parse it and build a box for it to throw it away (a grant's attendance sheets
# hold thousands of cells, docs/performance.md). Before or after a block or table tag,
# white space is never drawn; between inline tags it is, and is kept.
_BLOCK_TAGS = (
    r"(?:table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col|section|header|footer|div|p"
    r"|h[1-6]|ul|ol|li|dl|dt|dd|figure|figcaption|head|body|html|meta|title|style|link)"
)
_SPACE_AROUND_BLOCKS = re.compile(rf"(</?{_BLOCK_TAGS}\b[^>]*>)\s+(?=<)|\s+(?=</?{_BLOCK_TAGS}\b)")


def compact(html: str) -> str:
    """``html`` without the white space that touches a block or table tag."""
    return _SPACE_AROUND_BLOCKS.sub(lambda match: match.group(1) or "", html)


@cache
def _no_certificates() -> ssl.SSLContext:
    # Only data: addresses are fetched: the default context would load the system's
    # certificates (60 ms) for every document, to never use them.
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def refusing_fetcher():
    from weasyprint.urls import URLFetcher  # loads Pango: only when a PDF is asked for

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):  # carried by the document itself
                return super().fetch(url, headers)
            raise ValueError(f"External resources are not fetched: {url}")

    return NoFetching(allowed_protocols={"data"}, ssl_context=_no_certificates())


def html_document(html: str, *, base_url: str | None = None):
    """The laid-out WeasyPrint document of ``html``."""
    import weasyprint  # loads Pango: only when a PDF is asked for

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=refusing_fetcher()).render()


def render_document(template, context):
    """The laid-out WeasyPrint document (to merge several into one file)."""
    return html_document(compact(render_to_string(template, context)))


def write_pdf(document) -> bytes:
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(template, context) -> bytes:
    return write_pdf(render_document(template, context))


def merge_documents(documents) -> bytes:
    """One PDF with the pages of every document, in order (the first one's title)."""
    documents = list(documents)
    pages = [page for document in documents for page in document.pages]
    return write_pdf(documents[0].copy(pages))
