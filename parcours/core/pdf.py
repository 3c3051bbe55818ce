"""Rendering a template to PDF with WeasyPrint, without fetching anything from outside:
the documents carry their own styles and inline SVG charts."""

from django.template.loader import render_to_string


def _refusing_fetcher():
    from weasyprint.urls import URLFetcher  # loads Pango: only when a PDF is asked for

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"External resources are not fetched: {url}")

    return NoFetching()


def render_document(template, context):
    """The laid-out WeasyPrint document (to merge several into one file)."""
    import weasyprint  # loads Pango: only when a PDF is asked for

    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher()).render()


def render_pdf(template, context) -> bytes:
    return render_document(template, context).write_pdf()


def merge_documents(documents) -> bytes:
    """One PDF with the pages of every document, in order."""
    documents = list(documents)
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
