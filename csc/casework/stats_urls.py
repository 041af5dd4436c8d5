"""The addresses of the casework figures (statistics, exports, activity report), kept apart from the
follow-up pages' urls.py; included there under the same `casework` namespace."""

urlpatterns: list = []
