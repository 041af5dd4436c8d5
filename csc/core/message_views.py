"""The centre's e-mails that did not leave (« Messages non partis »): staff see why, correct the
address and send them again (csc.core.notify does the sending)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import audit, notify
from .capabilities import MESSAGES_VIEW
from .forms import ResendForm
from .tenancy import require_capability

PAGE_SIZE = 50


def _page(request, centre, *, failing_form=None, failing_id=None, status=200):
    page = Paginator(notify.needing_attention(centre).only(*notify.LISTED_FIELDS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for message in page:
        message.form = (
            failing_form
            if message.pk == failing_id
            else ResendForm(initial={"email": message.recipient}, prefix=f"m{message.pk}")
        )
    return render(
        request,
        "core/messages.html",
        {"centre": centre, "page": page, "late_after": notify.LATE_AFTER, "failing_form": failing_form},
        status=status,
    )


@login_required
def messages_list(request):
    centre = require_capability(request, MESSAGES_VIEW)
    return _page(request, centre)


@login_required
@require_POST
def message_resend(request, message_id):
    centre = require_capability(request, MESSAGES_VIEW)
    message = get_object_or_404(notify.needing_attention(centre), pk=message_id)
    form = ResendForm(request.POST, prefix=f"m{message.pk}")
    if not form.is_valid():
        return _page(request, centre, failing_form=form, failing_id=message.pk, status=400)
    if notify.resend(message, to=form.cleaned_data["email"]):
        audit.record("message_resent", centre=centre, obj=message)
        messages.success(request, f"Le message « {message.subject} » repart vers {message.recipient}.")
    else:
        messages.info(
            request, "Ce message ne peut pas être renvoyé d'ici (il est parti ou en cours d'envoi)."
        )
    return redirect("core:messages")
