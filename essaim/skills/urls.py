from django.urls import path

from essaim.skills import views_directory, views_nomenclature, views_profile

app_name = "skills"
urlpatterns = [
    path("", views_directory.directory, name="directory"),
    path("membres/<int:pk>/", views_directory.profile_detail, name="profile"),
    path(
        "membres/<int:pk>/mise-en-relation/",
        views_directory.introduction_create,
        name="introduction_create",
    ),
    path("images/<int:pk>/", views_directory.portfolio_image, name="portfolio_image"),
    path("mises-en-relation/", views_directory.introduction_list, name="introductions"),
    path("competences/suggestions/", views_profile.skill_suggestions, name="skill_suggestions"),
    path("competences/choisir/", views_profile.node_pick, name="node_pick"),
    # The entrepreneur's own profile.
    path("mon-profil/", views_profile.my_profile, name="my_profile"),
    path("mon-profil/presentation/", views_profile.profile_edit, name="profile_edit"),
    path("mon-profil/competences/ajouter/", views_profile.skill_add, name="skill_add"),
    path(
        "mon-profil/competences/<int:pk>/retirer/",
        views_profile.skill_remove,
        name="skill_remove",
    ),
    path(
        "mon-profil/realisations/ajouter/",
        views_profile.portfolio_item_create,
        name="portfolio_create",
    ),
    path(
        "mon-profil/realisations/<int:pk>/",
        views_profile.portfolio_item_edit,
        name="portfolio_edit",
    ),
    path(
        "mon-profil/realisations/<int:pk>/supprimer/",
        views_profile.portfolio_item_delete,
        name="portfolio_delete",
    ),
    path(
        "mon-profil/realisations/<int:pk>/images/ajouter/",
        views_profile.portfolio_image_add,
        name="portfolio_image_add",
    ),
    path(
        "mon-profil/images/<int:pk>/supprimer/",
        views_profile.portfolio_image_delete,
        name="portfolio_image_delete",
    ),
    path("mon-profil/tarifs/ajouter/", views_profile.price_create, name="price_create"),
    path("mon-profil/tarifs/<int:pk>/", views_profile.price_edit, name="price_edit"),
    path("mon-profil/tarifs/<int:pk>/supprimer/", views_profile.price_delete, name="price_delete"),
    # Staff.
    path("nomenclature/", views_nomenclature.nomenclature, name="nomenclature"),
    path("nomenclature/<int:pk>/", views_nomenclature.node_detail, name="node"),
    path(
        "nomenclature/<int:pk>/enfants/",
        views_nomenclature.node_children,
        name="node_children",
    ),
    path("nomenclature/<int:pk>/ajouter/", views_nomenclature.node_create, name="node_create"),
    path("nomenclature/<int:pk>/synonymes/", views_nomenclature.alias_add, name="alias_add"),
    path("exposition/", views_nomenclature.exposure, name="exposure"),
]
