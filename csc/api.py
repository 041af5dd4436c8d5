"""The JSON API at /api/v1/: one NinjaAPI with the router each installed module declares
(csc.core.registry), mounted in INSTALLED_APPS order."""

from functools import partial

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from csc.core import audit, jsonbody, registry
from csc.core.services import authenticate_token
from csc.core.tenancy import second_factor_missing


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
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # A session that has not passed its second factor yet reads nothing, here as in the pages.
        if second_factor_missing(request):
            return None
        return user


class BodyParser(Parser):
    """Request bodies read by csc.core.jsonbody: bounded in size and depth, so that « [ » × 1500 is a
    400 that says why, not a RecursionError."""

    def parse_body(self, request: HttpRequest):
        return jsonbody.loads(request.body)


class LocalSwagger(Swagger):
    """Swagger UI from the ninja package's static files (ninja is in INSTALLED_APPS), never a CDN, on a page
    that says its language. Without deep links, an operation's path is no link nested in its button."""

    template = "api/docs.html"


def build_api(urls_namespace: str = "api") -> NinjaAPI:
    """A NinjaAPI with the routers of the installed modules. Built once for the site (`api` below); a
    test that installs another module builds its own, since a NinjaAPI takes no router once its URLs
    are made."""
    api = NinjaAPI(
        title="CSC — API",
        version="1",
        description="API de la plateforme des Centres Sociaux Connectés. Authentification : jeton "
        "personnel (Authorization: Bearer …) créé dans votre profil.",
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace=urls_namespace,
        # No validator badge: Swagger UI would send the schema's address to validator.swagger.io and
        # load an image from there, which the Content-Security-Policy refuses anyway.
        docs=LocalSwagger(settings={"deepLinking": False, "validatorUrl": None}),
        parser=BodyParser(),
    )
    api.add_exception_handler(NinjaValidationError, partial(validation_errors, api))
    api.add_exception_handler(AuthenticationError, partial(authentication_error, api))
    api.add_exception_handler(HttpError, partial(http_error, api))
    api.add_exception_handler(Http404, partial(not_found, api))
    for router in registry.api_routers():
        api.add_router("/", router)
    return api


def validation_errors(api, request, exc):
    """Field errors in French, in the same shape as the forms' errors: {"champ": ["message", …]}."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        ignored = ("body", "payload", "query", "path", "filters")
        location = ".".join(str(part) for part in error.get("loc", []) if part not in ignored)
        errors.setdefault(location or "requête", []).append(_french(error))
    return api.create_response(request, {"detail": "Données invalides.", "erreurs": errors}, status=422)


def authentication_error(api, request, exc):
    return api.create_response(
        request, {"detail": "Authentification requise : jeton absent, invalide ou révoqué."}, status=401
    )


# ninja's own messages, said in French.
_HTTP_MESSAGES = {"Cannot parse request body": "Le corps de la requête n'est pas du JSON valide."}


def http_error(api, request, exc):
    # ninja turns whatever the parser raises into « Cannot parse request body »: say what was wrong.
    if isinstance(exc.__cause__, jsonbody.BodyRefused):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=exc.status_code)
    message = str(exc)
    return api.create_response(
        request, {"detail": _HTTP_MESSAGES.get(message, message)}, status=exc.status_code
    )


def not_found(api, request, exc):
    # Never name the model, never hint that the object exists in another centre.
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


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


api = build_api()
