"""Vietnamese-style display: VND with "." thousands ("1.234.567 đ"), dates dd/mm/yyyy, provisional badges."""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def group_thousands(value: int, separator: str) -> str:
    sign = "-" if value < 0 else ""
    digits = f"{abs(int(value)):,}".replace(",", separator)
    return f"{sign}{digits}"


def _separator() -> str:
    return "," if (get_language() or "vi").startswith("en") else "."


@register.filter
def vnd(value):
    """Integer VND → "1.234.567 đ" (Vietnamese) or "1,234,567 đ" (English grouping, same currency sign)."""
    if value is None or value == "":
        return "—"
    return f"{group_thousands(int(value), _separator())} đ"


@register.filter
def number(value):
    if value is None or value == "":
        return "—"
    return group_thousands(int(value), _separator())


@register.filter
def dmy(value):
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return value.strftime("%d/%m/%Y")


@register.filter
def cell(value):
    """Format a table cell by type: dates dd/mm/yyyy, integers grouped, booleans as Có/Không."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.date):
        return dmy(value)
    if isinstance(value, int):
        return number(value)
    return value


@register.simple_tag
def provisional_badge(rule):
    """Marks a rule value that is not confirmed by a high-confidence source."""
    if rule is None or not getattr(rule, "is_provisional", False):
        return ""
    return format_html(
        '<span class="badge badge-provisional" title="{}">{}</span>',
        rule.source_document,
        _("tạm tính"),
    )
