"""Small shared machinery for list, detail and form pages, so each page is a few lines of configuration.

- ``list_page``: search (codes and diacritics-free names), pagination, columns → rows, optional create link.
- ``form_page``: GET shows the form; POST validates the form, calls ONE service, shows DomainErrors on the
  form (nothing is saved on error: services are atomic), then redirects with a success message.
  ``object_form_page`` and ``edit_page``: the same for a form acting on one existing object.
- ``Column`` describes a table column (``code_and_name``: the usual linked first two); ``Breadcrumb`` a step of
  the navigation trail.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.text import search_key

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any] | str
    link: Callable[[Any], str] | None = None

    def render(self, obj) -> tuple[Any, str | None]:
        if callable(self.value):
            value = self.value(obj)
        else:
            value = obj
            for part in self.value.split("."):
                value = getattr(value, part, None) if value is not None else None
                if callable(value) and not isinstance(value, type):
                    value = value()
        return value, (self.link(obj) if self.link else None)


def detail_link(url_name: str) -> Callable[[Any], str]:
    """Link of an object's page from its code, e.g. ``detail_link("office-detail")``."""
    return lambda obj: reverse(url_name, args=[obj.code])


def code_and_name(code_header: str, link: Callable[[Any], str], name_header: str | None = None) -> list[Column]:
    """The usual first two columns of a table: the code and the name, both linking to the object's page."""
    return [Column(code_header, "code", link=link), Column(name_header or _("Tên"), "name", link=link)]


@dataclass(frozen=True)
class Breadcrumb:
    label: str
    url: str | None = None


def search_filter(query: str, *, code_fields: Sequence[str] = (), name_fields: Sequence[str] = ("name_search",)) -> Q:
    """Codes match by prefix/containment; names by the diacritics-free key, every word in any order."""
    query = (query or "").strip()
    if not query:
        return Q()
    condition = Q()
    for field in code_fields:
        condition |= Q(**{f"{field}__icontains": query})
    words = search_key(query).split()
    if words and name_fields:
        for field in name_fields:
            per_field = Q()
            for word in words:
                per_field &= Q(**{f"{field}__contains": word})
            condition |= per_field
    return condition


def list_page(
    request,
    *,
    title: str,
    queryset,
    columns: Sequence[Column],
    code_fields: Sequence[str] = ("code",),
    name_fields: Sequence[str] = ("name_search",),
    create_url: str | None = None,
    create_label: str | None = None,
    breadcrumbs: Iterable[Breadcrumb] = (),
    filters_template: str | None = None,
    extra: dict | None = None,
):
    query = request.GET.get("q", "")
    filtered = queryset.filter(search_filter(query, code_fields=code_fields, name_fields=name_fields))
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [[column.render(obj) for column in columns] for obj in page.object_list]
    context = {
        "title": title,
        "columns": columns,
        "rows": rows,
        "page": page,
        "query": query,
        "create_url": create_url,
        "create_label": create_label or _("Thêm mới"),
        "breadcrumbs": list(breadcrumbs),
        "filters_template": filters_template,
    }
    context.update(extra or {})
    return render(request, "web/list.html", context)


def form_page(
    request,
    *,
    title: str,
    form_class: type[forms.BaseForm],
    service: Callable[[dict], Any],
    success_url: Callable[[Any], str] | str,
    success_message: str,
    form_kwargs: dict | None = None,
    breadcrumbs: Iterable[Breadcrumb] = (),
    cancel_url: str | None = None,
    submit_label: str | None = None,
    intro: str | None = None,
    extra: dict | None = None,
    template: str = "web/form.html",
):
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                result = service(form.cleaned_data)
            except DomainError as error:
                _attach_error(form, error)
            else:
                messages.success(request, success_message)
                return redirect(success_url(result) if callable(success_url) else success_url)
    else:
        form = form_class(**form_kwargs)
    context = {
        "title": title,
        "form": form,
        "breadcrumbs": list(breadcrumbs),
        "cancel_url": cancel_url,
        "submit_label": submit_label or _("Lưu"),
        "intro": intro,
    }
    context.update(extra or {})
    return render(request, template, context, status=400 if form.errors else 200)


def object_form_page(request, *, back_url: str, trail: Iterable[Breadcrumb], step: str, **options):
    """A form page acting on one existing object (edit it, admit a member, record a status …): its breadcrumbs
    are the object's ``trail`` then ``step``; after saving, and on "Hủy", the user goes back to ``back_url``."""
    return form_page(
        request, success_url=back_url, cancel_url=back_url, breadcrumbs=[*trail, Breadcrumb(step)], **options
    )


def edit_page(request, obj, *, link: Callable[[Any], str], trail: Iterable[Breadcrumb], form_class, **options):
    """The "Sửa" page of a master-data object: the form (which takes ``actor``) starts from
    ``form_class.initial_for(obj)``; extra ``form_kwargs`` are added to those."""
    form_kwargs = {"actor": request.user, "initial": form_class.initial_for(obj), **options.pop("form_kwargs", {})}
    return object_form_page(
        request, back_url=link(obj), trail=trail, step=_("Sửa"), form_class=form_class, form_kwargs=form_kwargs,
        **options,
    )


def _attach_error(form: forms.BaseForm, error: DomainError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input: typed the Vietnamese way on any phone keyboard."""

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        base.update(attrs or {})
        super().__init__(attrs=base, format="%d/%m/%Y")


class StyledFormMixin:
    """Gives date fields the dd/mm/yyyy widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not isinstance(field.widget, forms.HiddenInput):
                field.widget = DateInput()
                field.input_formats = ["%d/%m/%Y", "%Y-%m-%d"]


def table(columns: Sequence[Column], objects: Iterable) -> dict:
    """A related-objects table for detail pages (rendered by web/related_table.html)."""
    return {"columns": columns, "rows": [[column.render(obj) for column in columns] for obj in objects]}
