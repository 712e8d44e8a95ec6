"""Generic detail page: fields (optionally linked), action buttons, related tables, breadcrumbs, audit link.

Used by the network, association, village and user pages (template ``web/network_detail.html``), so each
detail view only lists what to show. Links are only given for objects the viewer may open, so navigation
never leads to a 404.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from uythac.web.crud import Breadcrumb, Column, table


@dataclass(frozen=True)
class DetailField:
    label: str
    value: Any
    url: str | None = None


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    secondary: bool = False


@dataclass
class Section:
    """A related table continuing the navigation, with its own buttons (e.g. "Thêm thôn")."""

    title: str
    columns: Sequence[Column]
    objects: Iterable
    actions: Sequence[Action] = field(default_factory=tuple)
    note: str = ""

    @property
    def table(self) -> dict:
        return table(self.columns, self.objects)


def detail_page(
    request,
    *,
    title: str,
    fields: Sequence[DetailField],
    breadcrumbs: Iterable[Breadcrumb] = (),
    actions: Sequence[Action] = (),
    sections: Sequence[Section] = (),
    audit_url: str | None = None,
    subtitle: str = "",
):
    context = {
        "title": title,
        "subtitle": subtitle,
        "fields": list(fields),
        "breadcrumbs": list(breadcrumbs),
        "actions": [action for action in actions if action is not None],
        "sections": list(sections),
        "audit_url": audit_url,
    }
    return render(request, "web/network_detail.html", context)


def edit_action(url_name: str, key, allowed: bool) -> Action | None:
    """The "Sửa" button of a detail page, only for those who may change the object."""
    return Action(_("Sửa"), reverse(url_name, args=[key])) if allowed else None


def link_if(visible: bool, url: str) -> str | None:
    """A link only to what the viewer may open (anything else would answer 404)."""
    return url if visible else None
