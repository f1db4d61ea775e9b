"""/tutorat/: collective tutoring cases (strictly confidential)."""

from django.urls import path

from essaim.tutoring.views import cases, review

app_name = "tutoring"

urlpatterns = [
    path("", cases.mine, name="mine"),
    path("demander/", cases.case_open, name="open"),
    path("proposer/", cases.case_propose, name="propose"),
    path("<int:pk>/", cases.detail, name="detail"),
    path("<int:pk>/accord/", cases.consent, name="consent"),
    path("<int:pk>/accord/donner/", cases.consent_give, name="consent_give"),
    path("<int:pk>/accord/refuser/", cases.consent_refuse, name="consent_refuse"),
    path("<int:pk>/inviter/", cases.invite, name="invite"),
    path("<int:pk>/accepter/", cases.accept, name="accept"),
    path("<int:pk>/decliner/", cases.decline, name="decline"),
    path("<int:pk>/clore/", cases.close, name="close"),
    path("<int:pk>/seance/", review.session, name="session"),
    path("<int:pk>/actions/", review.action_add, name="action_add"),
    path("<int:pk>/actions/<int:item_id>/faite/", review.action_done, name="action_done"),
    path("<int:pk>/suivi/", review.follow_up, name="follow_up"),
]
