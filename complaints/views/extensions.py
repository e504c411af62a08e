"""The office head's approval of a deadline extension from the case page.
Success and refusal both come back to the case page (post, redirect, get),
with the outcome as a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.services import StaleVersionError, case_clock_extend
from complaints.views.cases import visible_case
from core.models.clocks import kind_label


@login_required
@require_POST
def case_extension_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    version = request.POST.get("version", "")
    kind = request.POST.get("clock", "")
    try:
        extension = case_clock_extend(
            case_id=case.pk,
            clock=kind,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except StaleVersionError:
        messages.error(
            request, _("Someone else changed this case meanwhile. Check the page and try again.")
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not take this action."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(clock)s extended: now due %(due)s.")
            % {"clock": kind_label(kind), "due": extension.due_on.isoformat()},
        )
    return redirect("complaints:case-detail", pk=case.pk)
