"""sheet pages of Anim'connect, included in the `animation` namespace."""

from django.urls import path

from . import sheet_views as views

urlpatterns = [
    path("fiches/", views.sheet_list, name="sheet_list"),
    path("fiches/nouvelle/", views.sheet_create, name="sheet_create"),
    path("fiches/<int:sheet_id>/", views.sheet_detail, name="sheet_detail"),
    path("fiches/<int:sheet_id>/modifier/", views.sheet_edit, name="sheet_edit"),
    path("fiches/<int:sheet_id>/depublier/", views.sheet_unpublish, name="sheet_unpublish"),
    path("fiches/<int:sheet_id>/supprimer/", views.sheet_delete, name="sheet_delete"),
    path("fiches/<int:sheet_id>/copier/", views.sheet_copy, name="sheet_copy"),
    path("fiches/<int:sheet_id>/imprimer/", views.sheet_pdf, name="sheet_pdf"),
    path("fiches/<int:sheet_id>/favori/", views.sheet_favourite, name="sheet_favourite"),
    path("fiches/<int:sheet_id>/versions/", views.sheet_history, name="sheet_history"),
    path("fiches/<int:sheet_id>/versions/<int:version_number>/", views.sheet_version, name="sheet_version"),
    path(
        "fiches/<int:sheet_id>/versions/<int:version_number>/restaurer/",
        views.sheet_restore,
        name="sheet_restore",
    ),
    path("fiches/<int:sheet_id>/commentaires/", views.sheet_comment_add, name="sheet_comment_add"),
    path(
        "fiches/<int:sheet_id>/commentaires/<int:comment_id>/supprimer/",
        views.sheet_comment_delete,
        name="sheet_comment_delete",
    ),
    path("fiches/<int:sheet_id>/pieces/", views.sheet_attachment_add, name="sheet_attachment_add"),
    path(
        "fiches/<int:sheet_id>/pieces/<int:attachment_id>/", views.sheet_attachment, name="sheet_attachment"
    ),
    path(
        "fiches/<int:sheet_id>/pieces/<int:attachment_id>/supprimer/",
        views.sheet_attachment_delete,
        name="sheet_attachment_delete",
    ),
]
