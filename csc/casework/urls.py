from django.urls import path

from . import views
from .stats_urls import urlpatterns as stats_urlpatterns

app_name = "casework"

urlpatterns = [
    path("accompagnement/", views.home, name="home"),
    path("accompagnement/personnes/<int:person_id>/", views.person_file, name="person"),
    path(
        "accompagnement/personnes/<int:person_id>/nouveau-parcours/",
        views.period_create,
        name="period_create",
    ),
    path("accompagnement/parcours/<int:case_period_id>/", views.period_detail, name="period"),
    path(
        "accompagnement/parcours/<int:case_period_id>/echanges/",
        views.exchange_create,
        name="exchange_create",
    ),
    path("accompagnement/parcours/<int:case_period_id>/taches/", views.task_create, name="task_create"),
    path("accompagnement/parcours/<int:case_period_id>/cloturer/", views.period_close, name="period_close"),
    path("accompagnement/parcours/<int:case_period_id>/rouvrir/", views.period_reopen, name="period_reopen"),
    path(
        "accompagnement/parcours/<int:case_period_id>/confirmer/", views.period_confirm, name="period_confirm"
    ),
    path("accompagnement/mes-taches/", views.my_tasks, name="my_tasks"),
    path("accompagnement/taches/<int:task_id>/faite/", views.task_done, name="task_done"),
]

urlpatterns += stats_urlpatterns
