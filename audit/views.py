"""The audit trail for heads of digital: everything, one person's, or one object's history, and
each as a CSV. Read only: there is no way to change an entry in the service."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import selectors
from common import roles
from common.exports import attachment_filename, download_response
from people.models import StaffProfile

PAGE_SIZE = 50


def _page(
    request: HttpRequest, items: QuerySet[LogEntry], *, title: str, context: dict
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return _csv(items, title=title)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entries.html",
        {
            "title": title,
            "page": page,
            "rows": selectors.rows(page.object_list),
            "query": query.urlencode(),
            **context,
        },
    )


def _csv(items: QuerySet[LogEntry], *, title: str) -> HttpResponse:
    head = ["When", "Who", "Action", "What", "Object", "Object id", "Field", "Before", "After"]
    body = []
    for chunk_start in range(0, items.count(), 2000):
        for row in selectors.rows(items[chunk_start : chunk_start + 2000]):
            base = [
                timezone.localtime(row.when).strftime("%Y-%m-%d %H:%M:%S"),
                row.who,
                row.action,
                row.kind,
                row.label,
                row.object_id,
            ]
            for change in row.changes or [selectors.Change("", "", "")]:
                body.append([*base, change.field, change.before, change.after])
    return download_response(
        "csv",
        filename=attachment_filename("audit trail", title, extension="csv"),
        head=head,
        rows=body,
        preamble=[["Audit trail", title], ["Downloaded", timezone.localtime().isoformat()]],
    )


@require_GET
@roles.head_of_digital_required
def audit_list(request: HttpRequest) -> HttpResponse:
    email = (request.GET.get("person") or "").strip()
    if email:
        person = StaffProfile.objects.filter(user__email__iexact=email[:254]).first()
        if person:
            return redirect("audit:person", person_id=person.pk)
        messages.error(request, f"Nobody with the email address {email[:254]} is in the service")
    kind = request.GET.get("kind", "")
    items = selectors.of_kind(kind) if kind in selectors.KINDS else selectors.entries()
    return _page(
        request,
        items,
        title=selectors.KINDS.get(kind, "Everything"),
        context={
            "kinds": selectors.KINDS,
            "kind": kind if kind in selectors.KINDS else "",
            "person_query": email[:254],
        },
    )


@require_GET
@roles.head_of_digital_required
def person_audit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(StaffProfile.objects.select_related("user"), pk=person_id)
    return _page(
        request, selectors.about_person(person), title=str(person), context={"person": person}
    )


@require_GET
@roles.head_of_digital_required
def object_audit(request: HttpRequest, model: str, object_id: int) -> HttpResponse:
    if model not in selectors.KINDS:
        raise Http404("No such kind of record")
    items = selectors.about_object(model=model, object_id=object_id)
    first = items.last()
    if first is None:
        raise Http404("Nothing is recorded about this")
    title = f"{selectors.KINDS[model]}: {selectors.rows([first])[0].label}"
    return _page(request, items, title=title, context={"object_kind": selectors.KINDS[model]})
