"""Sessions and attendance (« Check »), included in the `activities` namespace."""

urlpatterns: list = []
