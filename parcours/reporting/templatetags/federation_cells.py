"""The cells of the federation's side-by-side tables: one per CPAS, up to a hundred a
row, so joined in one call rather than a template loop per cell."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def number_cells(texts):
    """``<td class="number">`` cells of the (escaped) texts."""
    return format_html_join("", '<td class="number">{}</td>', ((text,) for text in texts))
