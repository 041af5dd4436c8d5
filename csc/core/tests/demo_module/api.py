from ninja import Router

from csc.core.tenancy import has_capability

from .module import DEMO_VIEW

router = Router(tags=["Démonstration"])


@router.get("/demonstration", summary="Le module de démonstration répond")
def ping(request):
    return {"branché": True, "ouvert": has_capability(request.user, DEMO_VIEW)}
