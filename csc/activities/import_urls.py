"""Import of past attendance, included in the `activities` namespace."""

urlpatterns: list = []
