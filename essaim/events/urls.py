"""/evenements/: the calendar, events and registrations, calendar feeds, peer trainings."""

from django.urls import path

from essaim.events.views import calendar, event, peer

app_name = "events"

urlpatterns = [
    path("", calendar.calendar_page, name="calendar"),
    path("mes-inscriptions/", calendar.my_registrations, name="mine"),
    path("ical/<str:token>.ics", calendar.ical_feed, name="ical"),
    path("nouveau/", event.event_create, name="create"),
    path("<int:pk>/", event.event_detail, name="detail"),
    path("<int:pk>/modifier/", event.event_edit, name="edit"),
    path("<int:pk>/annuler/", event.event_cancel, name="cancel"),
    path("<int:pk>/inscription/", event.register, name="register"),
    path("<int:pk>/desinscription/", event.unregister, name="unregister"),
    path("<int:pk>/decliner/", event.decline, name="decline"),
    path("<int:pk>/inviter/", event.invite, name="invite"),
    path("<int:pk>/presences/", event.attendance, name="attendance"),
    path("<int:pk>/avis/", event.feedback, name="feedback"),
    path("<int:pk>/avis/lire/", event.feedback_list, name="feedback_list"),
    path("formations-mutuelles/", peer.peer_list, name="peer_list"),
    path("formations-mutuelles/proposer/", peer.peer_create, name="peer_create"),
    path("formations-mutuelles/<int:pk>/", peer.peer_detail, name="peer_detail"),
    path("formations-mutuelles/<int:pk>/modifier/", peer.peer_edit, name="peer_edit"),
    path("formations-mutuelles/<int:pk>/interesse/", peer.peer_interest, name="peer_interest"),
    path("formations-mutuelles/<int:pk>/retirer/", peer.peer_withdraw, name="peer_withdraw"),
    path("formations-mutuelles/<int:pk>/clore/", peer.peer_close, name="peer_close"),
    path("formations-mutuelles/<int:pk>/session/", peer.peer_schedule, name="peer_schedule"),
]
