"""planning pages of Anim'connect, included in the `animation` namespace."""

urlpatterns = []
