from django.urls import path

from . import views

app_name = "demo_module"

urlpatterns = [path("demonstration/", views.home, name="home")]
