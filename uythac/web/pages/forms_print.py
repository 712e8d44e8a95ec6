"""Downloads of the official forms (issue 5 item 5) as DOCX or PDF, built from data by ``uythac.reports.forms``.

* ``/groups/<code>/forms/13td.<docx|pdf>?period=YYYY-MM`` — 13/TD (default: the current month)
* ``/groups/<code>/forms/15td.<docx|pdf>?date=YYYY-MM-DD`` — 15/TD (default: today)
* ``/groups/<code>/forms/due-notice.<docx|pdf>?period=YYYY-MM`` — notice of debts due (default: next month)
* ``/loans/<number>/forms/14td.<docx|pdf>?date=YYYY-MM-DD`` — 14/TD
* ``/applications/<id>/forms/04td.<docx|pdf>`` — 04/TD of the application's notice
* ``/review-meetings/<id>/forms/03td.<docx|pdf>`` — 03/TD of a review meeting

Every object comes through its guarded fetch (out of scope = 404 like missing); a wrong period or date answers 400
with the Vietnamese message, nothing half-rendered.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path

from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.reports.forms import build_form
from uythac.reports.forms.common import parse_date, parse_period
from uythac.reports.forms.render import CONTENT_TYPES, FORMATS, render_form


def _download(request, kind: str, key, fmt: str):
    try:
        form = build_form(
            kind,
            key=key,
            user=request.user,
            today=today(),
            period=parse_period(request.GET.get("period"), None),
            day=parse_date(request.GET.get("date"), None),
        )
    except DomainError as exc:
        return HttpResponseBadRequest(exc.text(), content_type="text/plain; charset=utf-8")
    response = HttpResponse(render_form(form, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{form.filename}.{fmt}"'
    return response


def _view(kind: str, fmt: str):
    @login_required
    def view(request, key):
        return _download(request, kind, key, fmt)

    view.__name__ = f"form_{kind.replace('-', '_')}_{fmt}"
    return view


ROUTES = (
    ("groups/<str:key>/forms/13td", "13td", "group-form-13td"),
    ("groups/<str:key>/forms/15td", "15td", "group-form-15td"),
    ("groups/<str:key>/forms/due-notice", "due-notice", "group-form-due-notice"),
    ("loans/<str:key>/forms/14td", "14td", "loan-form-14td"),
    ("applications/<str:key>/forms/04td", "04td", "application-form-04td"),
    ("review-meetings/<str:key>/forms/03td", "03td", "review-meeting-form-03td"),
)

urlpatterns = [
    path(f"{route}.{fmt}", _view(kind, fmt), name=f"{name}-{fmt}") for route, kind, name in ROUTES for fmt in FORMATS
]
