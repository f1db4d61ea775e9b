"""Forms of the events' pages: an event, the calendar's filters, invitations, the attendance
sheet, feedback, and peer trainings with their sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.core.models import Role, User
from essaim.events.models import Attendance, EventKind, Registration, RegistrationMode
from essaim.events.services.events import EventData
from essaim.members.models import Member
from essaim.skills.models import Node

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def sponsor_choices() -> QuerySet[User]:
    """Who may sponsor a forum: a present member with an account, or a person of the team."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.STAFF, Role.ADMIN, Role.ADVISOR])
            | Q(role=Role.ENTREPRENEUR, member__isnull=False, member__exit_date__isnull=True)
        )
        .order_by("last_name", "first_name", "id")
    )


class SponsorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email


class PracticalFields(forms.Form):
    """When and where: shared by an event and a peer training session."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    start = forms.DateTimeField(label=_("Début"), widget=DATETIME)
    end = forms.DateTimeField(label=_("Fin"), widget=DATETIME)
    place = forms.CharField(
        label=_("Lieu"),
        required=False,
        max_length=255,
        help_text=_("Adresse ou salle. Un lieu ou un lien de connexion, l'un des deux au moins."),
    )
    online_url = forms.URLField(
        label=_("Lien de connexion"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Pour un événement en ligne (visio)."),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        required=False,
        min_value=1,
        help_text=_("Laissez vide pour un nombre illimité. Au-delà : liste d'attente."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("place") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error("place", _("Indiquez un lieu ou un lien de connexion."))
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("La fin doit venir après le début."))
        return data

    def event_data(self, *, kind: str = EventKind.PEER_TRAINING) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data.get("kind", kind),
            title=data["title"],
            description=data.get("description", ""),
            start=data["start"],
            end=data["end"],
            place=data.get("place", ""),
            online_url=data.get("online_url", ""),
            capacity=data.get("capacity"),
            registration_mode=data.get("registration_mode", RegistrationMode.OPEN),
            sponsor=data.get("sponsor"),
        )


class EventForm(PracticalFields):
    field_order = [
        "kind",
        "title",
        "description",
        "start",
        "end",
        "place",
        "online_url",
        "capacity",
        "registration_mode",
        "sponsor",
    ]

    kind = forms.ChoiceField(label=_("Type d'événement"))
    registration_mode = forms.ChoiceField(
        label=_("Inscriptions"), choices=RegistrationMode.choices, initial=RegistrationMode.OPEN
    )
    sponsor = SponsorField(
        label=_("Parrain ou marraine"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Obligatoire pour un forum thématique : un membre ou une personne de l'équipe."
        ),
    )

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, EventKind(k).label) for k in kinds]
        sponsor = self.fields["sponsor"]
        assert isinstance(sponsor, forms.ModelChoiceField)
        sponsor.queryset = sponsor_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == EventKind.FORUM and not data.get("sponsor"):
            self.add_error(
                "sponsor",
                _("Un forum thématique a un parrain ou une marraine : choisissez-le ou la."),
            )
        return data

    def event_data(self, *, kind: str = "") -> EventData:
        return super().event_data(kind=self.cleaned_data["kind"])


def event_initial(event: Any) -> dict[str, Any]:
    zone = timezone.get_current_timezone()
    return {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "start": event.start.astimezone(zone),
        "end": event.end.astimezone(zone),
        "place": event.place,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "registration_mode": event.registration_mode,
        "sponsor": event.sponsor_id,
    }


class CalendarFilterForm(forms.Form):
    mois = forms.DateField(label=_("Mois"), required=False, input_formats=["%Y-%m"], widget=MONTH)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *EventKind.choices]
    )
    mes = forms.BooleanField(label=_("Mes inscriptions seulement"), required=False)

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid value is left out rather than refusing the page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi l'événement est-il annulé ?"),
        required=False,
        help_text=_("Envoyé aux personnes inscrites, en attente ou invitées."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name} {obj.first_name}"


class InviteForm(forms.Form):
    members = MemberChoices(
        label=_("Membres à inviter"),
        queryset=Member.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Ctrl (ou Cmd) + clic pour en choisir plusieurs."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members


class AttendanceForm(forms.Form):
    """One choice (present, absent, excused) per registered member, all at once."""

    def __init__(self, *args: Any, registrations: Sequence[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for row in self.registrations:
            self.fields[self.name_of(row)] = forms.ChoiceField(
                label=str(row.member),
                choices=Attendance.choices,
                widget=forms.RadioSelect(attrs={"class": "inline-choice"}),
                initial=row.attendance or None,
                error_messages={
                    "required": _("Indiquez si %(name)s était présent·e, absent·e ou excusé·e.")
                    % {"name": row.member}
                },
            )

    @staticmethod
    def name_of(row: Registration) -> str:
        return f"member_{row.member_id}"

    def marks(self) -> dict[int, str]:
        return {row.member_id: self.cleaned_data[self.name_of(row)] for row in self.registrations}


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Votre note"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 : excellent, 1 : décevant."),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lu seulement par l'organisation de l'événement et l'équipe de gestion."),
    )


class SkillChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class PeerTrainingForm(forms.Form):
    title = forms.CharField(label=_("Titre de la formation"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que l'on y apprend, pour qui, combien de temps."),
    )
    nodes = SkillChoices(
        label=_("Compétences de votre profil"),
        queryset=Node.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une compétence de votre profil.")},
    )
    min_interested = forms.IntegerField(
        label=_("Nombre minimum d'intéressé·es"),
        min_value=1,
        max_value=50,
        initial=4,
        help_text=_("Une session se programme dès que ce nombre est atteint."),
    )

    def __init__(self, *args: Any, skills: Sequence[Node], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nodes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Node.objects.filter(pk__in=[n.pk for n in skills]).order_by("label")


class SessionForm(PracticalFields):
    """A peer training session: when and where (kind and registration are set)."""


class PeerFilterForm(forms.Form):
    tout = forms.BooleanField(label=_("Closes comprises"), required=False)
    mes = forms.BooleanField(label=_("Les miennes seulement"), required=False)

    def values(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)


def default_session_start() -> dt.datetime:
    """A fortnight from now at 18:00, as a suggestion."""
    day = timezone.localdate() + dt.timedelta(days=14)
    return dt.datetime.combine(day, dt.time(18, 0), tzinfo=timezone.get_current_timezone())
