"""Rendering a template to PDF with WeasyPrint, without fetching anything from outside:
the documents carry their own styles, inline SVG charts and pictures as ``data:``
addresses (a funder's logo).

Every PDF is tagged PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): headings, paragraphs,
lists and tables are marked as such for screen readers, a chart's ``<title>`` is its
alternative text, the document's language is the ``lang`` of its ``<html>`` and its
title, shown by readers instead of the file name, the ``<title>`` of its head.
"""

from django.template.loader import render_to_string

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def refusing_fetcher():
    from weasyprint.urls import URLFetcher  # loads Pango: only when a PDF is asked for

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):  # carried by the document itself
                return super().fetch(url, headers)
            raise ValueError(f"External resources are not fetched: {url}")

    return NoFetching(allowed_protocols={"data"})


def html_document(html: str, *, base_url: str | None = None):
    """The laid-out WeasyPrint document of ``html``."""
    import weasyprint  # loads Pango: only when a PDF is asked for

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=refusing_fetcher()).render()


def render_document(template, context):
    """The laid-out WeasyPrint document (to merge several into one file)."""
    return html_document(render_to_string(template, context))


def write_pdf(document) -> bytes:
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(template, context) -> bytes:
    return write_pdf(render_document(template, context))


def merge_documents(documents) -> bytes:
    """One PDF with the pages of every document, in order (the first one's title)."""
    documents = list(documents)
    pages = [page for document in documents for page in document.pages]
    return write_pdf(documents[0].copy(pages))
