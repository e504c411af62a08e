"""The consumer's case tracking: tracking code plus the last four digits of
the phone, sent by POST so neither lands in a URL query or an access log.
The status page then follows the case live over `ws/track/<code>/`."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from complaints.forms import TrackingForm
from complaints.models import Case, Status
from complaints.views.labels import masked_phone

SESSION_KEY = "tracked_case_ids"
# Four digits are easy to guess: a client gets a few tries per window.
MAX_FAILURES = 10
FAILURE_WINDOW_SECONDS = 15 * 60

# The complainant's view of the legal lifecycle: a coarse step per status.
PUBLIC_STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("received", (Status.REGISTERED, Status.MATERIALS_REQUESTED, Status.TRANSFERRED)),
    ("accepted", (Status.ACCEPTED, Status.VERIFYING, Status.CASE_OPENED)),
    ("in_progress", (Status.MEDIATING, Status.INSPECTION_PENDING, Status.INVESTIGATING)),
    ("outcome", (Status.AGREEMENT_REACHED, Status.FULFILMENT, Status.FOLLOW_UP)),
]
STEP_LABELS = {
    "received": pgettext_lazy("tracking step", "received"),
    "accepted": pgettext_lazy("tracking step", "accepted"),
    "in_progress": pgettext_lazy("tracking step", "in progress"),
    "outcome": pgettext_lazy("tracking step", "outcome"),
}


def _client_key(request: HttpRequest) -> str:
    return f"track-fail:{request.META.get('REMOTE_ADDR', '')}"


def _phone_matches(case: Case, last4: str) -> bool:
    digits = re.sub(r"\D", "", case.complainant_phone or "")
    return len(digits) >= 4 and digits[-4:] == last4


@never_cache
@require_http_methods(["GET", "POST"])
def track_form(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.POST or None)
    if request.method != "POST":
        return render(request, "complaints/track/form.html", {"form": form})
    key = _client_key(request)
    if (cache.get(key) or 0) >= MAX_FAILURES:
        form.is_valid()
        form.add_error(None, _("Too many attempts. Please try again in a quarter of an hour."))
        return render(request, "complaints/track/form.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "complaints/track/form.html", {"form": form}, status=400)
    case = Case.objects.filter(tracking_code__iexact=form.cleaned_data["tracking_code"]).first()
    if case is None or not _phone_matches(case, form.cleaned_data["phone_last4"]):
        cache.add(key, 0, FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, FAILURE_WINDOW_SECONDS)
        # One message for both: the page must not reveal which codes exist.
        form.add_error(None, _("No case matches this tracking code and phone number."))
        return render(request, "complaints/track/form.html", {"form": form}, status=400)
    allowed = set(request.session.get(SESSION_KEY, []))
    allowed.add(case.pk)
    request.session[SESSION_KEY] = sorted(allowed)[-20:]
    return redirect("complaints:track-status", tracking_code=case.tracking_code)


def public_steps(status: str) -> list[dict[str, object]]:
    current = next((i for i, (_k, states) in enumerate(PUBLIC_STEPS) if status in states), None)
    final = current is None
    steps = []
    for i, (key, _states) in enumerate(PUBLIC_STEPS):
        steps.append(
            {
                "key": key,
                "label": STEP_LABELS[key],
                "done": final or (current is not None and i < current),
                "current": i == current,
            }
        )
    return steps


@never_cache
@require_GET
def track_status(request: HttpRequest, tracking_code: str) -> HttpResponse:
    case = Case.objects.filter(tracking_code=tracking_code).first()
    if case is None or case.pk not in request.session.get(SESSION_KEY, []):
        return redirect("complaints:track")
    status_labels = {value: str(label) for value, label in Status.choices}
    step_of = {status: key for key, states in PUBLIC_STEPS for status in states}
    context = {
        "case": case,
        "phone": masked_phone(case.complainant_phone),
        "status_label": status_labels.get(case.status, case.status),
        "steps": public_steps(case.status),
        "status_labels": status_labels,
        "step_of": step_of,
        "step_keys": [key for key, _states in PUBLIC_STEPS],
    }
    return render(request, "complaints/track/status.html", context)
