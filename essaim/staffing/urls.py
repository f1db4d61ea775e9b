from django.urls import path

from essaim.staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("nouvelle/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/modifier/", views.opportunity_edit, name="edit"),
    path("<int:pk>/proposer/", views.opportunity_solve, name="solve"),
    path("<int:pk>/relancer/", views.opportunity_resolve, name="resolve"),
    path("<int:pk>/annuler/", views.opportunity_cancel, name="cancel"),
    path("<int:pk>/groupe-projet/", views.opportunity_project_group, name="project_group"),
    path("propositions/<int:pk>/inviter/", views.proposal_invite, name="invite"),
    path("mes-invitations/", views.my_invitations, name="my_invitations"),
    path("invitations/<int:pk>/accepter/", views.invitation_accept, name="accept"),
    path("invitations/<int:pk>/decliner/", views.invitation_decline, name="decline"),
    path("competences/suggestions/", views.skill_suggestions, name="skill_suggestions"),
    path("politique/", views.policy_page, name="policy"),
]
