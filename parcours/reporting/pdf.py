"""The report as a print-quality PDF (WeasyPrint)."""

from parcours.reporting.figures import Report


def report_pdf(report: Report) -> bytes:
    raise NotImplementedError
