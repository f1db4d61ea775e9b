from django.urls import path

from essaim.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("echeances/", views.deadlines, name="deadlines"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/coordonnees/", views.my_contact_edit, name="my_contact_edit"),
    path("import/", views.member_import, name="import"),
    path("export/", views.member_export, name="export"),
    path("rendez-vous/nouveau/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/modifier/", views.member_edit, name="edit"),
    path("<int:pk>/etapes/ajouter/", views.stage_create, name="stage_create"),
    path("<int:pk>/etapes/<int:stage_pk>/", views.stage_edit, name="stage_edit"),
    path("<int:pk>/sortie/", views.member_exit, name="exit"),
    path("<int:pk>/accompagnement/", views.advisor_change, name="advisor_change"),
]
