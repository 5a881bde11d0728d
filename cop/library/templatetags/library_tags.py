from django import template
from django.utils.safestring import mark_safe

from cop.markup import render_markdown

register = template.Library()


@register.filter
def markdown(source):
    """A case study's or building block's Markdown field, through cop.markup (sanitised)."""
    return mark_safe(render_markdown(source or ""))  # noqa: S308 - sanitised by cop.markup
