from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from csc.core import audit
from csc.core.tenancy import require_capability

from .module import DEMO_DONE, DEMO_VIEW


@login_required
def home(request):
    centre = require_capability(request, DEMO_VIEW)
    audit.record(DEMO_DONE, centre=centre, actor=request.user)
    return HttpResponse("Le module de démonstration répond.")
