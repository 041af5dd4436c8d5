"""The JSON API at /api/v1/: one NinjaAPI, each app adds its router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from csc.core import audit
from csc.core.services import authenticate_token


class TokenAuth(HttpBearer):
    """Personal access tokens created in the staff profile: `Authorization: Bearer csc_…`."""

    def authenticate(self, request: HttpRequest, token: str):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            audit.set_actor(user)
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in staff session, so pages can call the API too (CSRF-checked)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="CSC — API",
    version="1",
    description="API de la plateforme des Centres Sociaux Connectés. Authentification : jeton personnel "
    "(Authorization: Bearer …) créé dans votre profil.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def validation_errors(request, exc):
    """Field errors in French, one entry per field, never a 500."""
    errors = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")
        ]
        errors.append({"champ": ".".join(location), "message": _french(error)})
    return api.create_response(request, {"detail": "Données invalides.", "erreurs": errors}, status=422)


_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "decimal_parsing": "Un nombre est attendu.",
    "date_from_datetime_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "string_too_long": "Texte trop long.",
    "string_type": "Du texte est attendu.",
    "bool_parsing": "Vrai ou faux est attendu.",
    "enum": "Valeur non reconnue.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "json_invalid": "Le corps de la requête n'est pas du JSON valide.",
}


def _french(error: dict) -> str:
    if error.get("type") == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", "Valeur invalide.")))
    return _MESSAGES.get(error.get("type", ""), "Valeur invalide.")


from csc.core.api import router as core_router  # noqa: E402  (routers import `api` helpers above)
from csc.people.api import router as people_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", people_router)
