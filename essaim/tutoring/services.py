"""Every write of collective tutoring: opening or proposing a case, the member's consent,
inviting volunteers and their answers, the session, the action plan, the follow-ups, closing.

Each function checks who acts (rules.py) and what is asked, then writes everything or nothing.
Refusals are `ValidationError`s in French, keyed by the form field they concern when there is
one. Notifications are neutral on purpose: they say that something happened in a tutoring
case, never its title nor its situation, since e-mails leave the cooperative's hands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core import roles
from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.members.models import Member
from essaim.skills.models import Node
from essaim.tutoring import rules
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    FollowUp,
    Session,
    TutoringCase,
    Volunteer,
    VolunteerStatus,
)

TITLE_MAX = 200
MAX_SKILLS = 10


def _case_url(case: TutoringCase) -> str:
    return reverse("tutoring:detail", args=[case.pk])


def _tell(users: Iterable[User | None], *, kind: str, title: str, case: TutoringCase) -> None:
    """Tell people about the case without a word of its content: neither its title nor its
    situation (a member's difficulties must not travel in e-mails)."""
    body = _(
        "Ce cas de tutorat est confidentiel : son contenu se lit dans Essaim seulement, "
        "après connexion."
    )
    notify(users=users, kind=kind, title=title, body=body, url=_case_url(case))


def _lock(case: TutoringCase) -> TutoringCase:
    """The case re-read under a row lock, with what the rules look at."""
    return (
        TutoringCase.objects.select_for_update(of=("self",))
        .select_related("member__user", "member__advisor")
        .get(pk=case.pk)
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_content(*, title: str, situation: str, nodes: Sequence[Node]) -> tuple[str, str]:
    title, situation = (title or "").strip(), (situation or "").strip()
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = _("Donnez un titre au cas : quelques mots qui le résument.")
    elif len(title) > TITLE_MAX:
        problems["title"] = _("Le titre est trop long : %(max)d caractères au plus.") % {
            "max": TITLE_MAX
        }
    if not situation:
        problems["situation"] = _(
            "Décrivez la situation : c'est ce que liront les bénévoles invité·es."
        )
    if not nodes:
        problems["nodes"] = _(
            "Choisissez au moins une compétence recherchée : elle sert à suggérer des bénévoles."
        )
    elif len(nodes) > MAX_SKILLS:
        problems["nodes"] = _("Choisissez %(max)d compétences au plus.") % {"max": MAX_SKILLS}
    if problems:
        raise ValidationError(problems)
    return title, situation


def _create(
    *,
    actor: User,
    member: Member,
    title: str,
    situation: str,
    nodes: Sequence[Node],
    by_member: bool,
) -> TutoringCase:
    title, situation = _check_content(title=title, situation=situation, nodes=nodes)
    if member.exit_date is not None:
        message = _("%(name)s a quitté la coopérative : pas de nouveau cas.")
        raise ValidationError({"member": message % {"name": member}})
    now = timezone.now()
    case = TutoringCase.objects.create(
        member=member,
        opened_by=actor,
        requested_by_member=by_member,
        consent=Consent.GIVEN if by_member else Consent.PENDING,
        consent_at=now if by_member else None,
        title=title,
        situation=situation,
        created_at=now,
    )
    case.needed_skills.set(nodes)
    log_action(
        actor=actor,
        action="tutoring.case_requested" if by_member else "tutoring.case_proposed",
        target=case,
        data={"member_id": member.pk, "skills": [n.code for n in nodes]},
    )
    return case


@transaction.atomic
def case_open(
    *, actor: User, member: Member, title: str, situation: str, nodes: Sequence[Node]
) -> TutoringCase:
    """An entrepreneur asks for a review of their own situation (consent given by asking)."""
    if roles.is_advisor(actor):
        raise ValidationError(
            _(
                "Un·e chargé·e d'accompagnement n'ouvre pas de cas pour un membre sans son "
                "accord : proposez-le lui (page « Proposer un tutorat »), il ou elle l'acceptera "
                "dans son espace."
            )
        )
    if not roles.is_entrepreneur(actor):
        raise ValidationError(
            _(
                "Seul·e un·e entrepreneur·e peut demander un tutorat collectif, pour sa propre "
                "situation : les cas sont confidentiels."
            )
        )
    if member.user_id != actor.pk:
        raise ValidationError(
            {
                "member": _(
                    "Vous ne pouvez ouvrir un cas de tutorat que pour vous-même : %(name)s "
                    "n'a pas donné son accord. Sa ou son chargé·e d'accompagnement peut le lui "
                    "proposer."
                )
                % {"name": member}
            }
        )
    case = _create(
        actor=actor, member=member, title=title, situation=situation, nodes=nodes, by_member=True
    )
    _tell(
        [member.advisor],
        kind="tutoring.requested",
        title=_("Tutorat collectif : une personne que vous suivez demande une revue de cas"),
        case=case,
    )
    return case


@transaction.atomic
def case_propose(
    *, actor: User, member: Member, title: str, situation: str, nodes: Sequence[Node]
) -> TutoringCase:
    """An advisor proposes a case to a member they follow; nothing happens until the member
    consents (`case_consent`)."""
    if not roles.is_advisor(actor):
        raise ValidationError(
            _(
                "Seul·e la ou le chargé·e d'accompagnement d'un membre peut lui proposer un "
                "tutorat collectif."
            )
        )
    if member.advisor_id != actor.pk:
        raise ValidationError(
            {
                "member": _(
                    "Vous ne suivez pas %(name)s : seul·e sa ou son chargé·e d'accompagnement "
                    "peut lui proposer un tutorat collectif."
                )
                % {"name": member}
            }
        )
    if member.user_id is None:
        raise ValidationError(
            {
                "member": _(
                    "%(name)s n'a pas de compte Essaim : sans compte, impossible de donner son "
                    "accord. Demandez d'abord un compte pour ce membre."
                )
                % {"name": member}
            }
        )
    case = _create(
        actor=actor, member=member, title=title, situation=situation, nodes=nodes, by_member=False
    )
    _tell(
        [member.user],
        kind="tutoring.proposed",
        title=_("Tutorat collectif : une proposition attend votre accord"),
        case=case,
    )
    return case


@transaction.atomic
def case_consent(*, actor: User, case: TutoringCase, given: bool) -> TutoringCase:
    """The member accepts or refuses the tutoring their advisor proposed. A refusal closes the
    proposal for good (the advisor may propose again later)."""
    case = _lock(case)
    if not rules.is_case_member(actor, case):
        raise ValidationError(
            _(
                "Seul·e le membre concerné·e peut accepter ou refuser ce tutorat : personne ne "
                "donne son accord à sa place."
            )
        )
    if case.consent != Consent.PENDING:
        raise ValidationError(
            _("Vous avez déjà répondu à cette proposition (%(answer)s).")
            % {"answer": case.get_consent_display()}
        )
    if case.is_closed:
        raise ValidationError(_("Cette proposition a été retirée : plus rien à accepter."))
    before = {"consent": case.consent, "status": case.status}
    case.consent = Consent.GIVEN if given else Consent.REFUSED
    case.consent_at = timezone.now()
    if not given:
        case.status = CaseStatus.CLOSED
        case.closed_at = case.consent_at
    case.save(update_fields=["consent", "consent_at", "status", "closed_at"])
    log_action(
        actor=actor,
        action="tutoring.consent_given" if given else "tutoring.consent_refused",
        target=case,
        changes={
            "consent": [before["consent"], case.consent],
            "status": [before["status"], case.status],
        },
    )
    _tell(
        [case.member.advisor],
        kind="tutoring.consent",
        title=_("Tutorat collectif : le membre a répondu à votre proposition"),
        case=case,
    )
    return case


@transaction.atomic
def volunteers_invite(
    *, actor: User, case: TutoringCase, members: Sequence[Member]
) -> list[Volunteer]:
    """Invite members to review the case (all of them or none)."""
    case = _lock(case)
    _require(
        rules.can_lead(actor, case),
        _("Seul·es le membre et sa ou son chargé·e d'accompagnement invitent des bénévoles."),
    )
    if not case.has_consent:
        raise ValidationError(
            _(
                "Le membre n'a pas encore donné son accord : aucun·e bénévole ne peut être "
                "invité·e avant."
            )
        )
    if case.status not in rules.INVITING:
        raise ValidationError(
            _("La séance est déjà tenue ou le cas est clos (%(status)s) : plus d'invitation.")
            % {"status": case.get_status_display()}
        )
    chosen = list({m.pk: m for m in members}.values())
    if not chosen:
        raise ValidationError({"members": _("Cochez au moins une personne à inviter.")})
    already = set(case.volunteers.values_list("member_id", flat=True))
    problems = []
    for member in chosen:
        if member.pk == case.member_id:
            problems.append(
                _("%(name)s est le membre dont le cas est examiné : pas son propre bénévole.")
                % {"name": member}
            )
        elif member.pk in already:
            problems.append(_("%(name)s est déjà invité·e à ce cas.") % {"name": member})
        elif member.exit_date is not None:
            problems.append(_("%(name)s a quitté la coopérative.") % {"name": member})
        elif member.user_id is None:
            problems.append(
                _("%(name)s n'a pas de compte Essaim : impossible de lui répondre.")
                % {"name": member}
            )
    if problems:
        raise ValidationError({"members": problems})
    now = timezone.now()
    rows = Volunteer.objects.bulk_create(
        [Volunteer(case=case, member=m, invited_by=actor, invited_at=now) for m in chosen]
    )
    before = case.status
    if case.status == CaseStatus.REQUESTED:
        case.status = CaseStatus.VOLUNTEERS_INVITED
        case.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="tutoring.volunteers_invited",
        target=case,
        changes={"status": [before, case.status]},
        data={"member_ids": [m.pk for m in chosen]},
    )
    invited = Member.objects.filter(pk__in=[m.pk for m in chosen]).select_related("user")
    _tell(
        [m.user for m in invited],
        kind="tutoring.invited",
        title=_("Tutorat collectif : vous êtes invité·e à une revue de cas"),
        case=case,
    )
    return rows


@transaction.atomic
def volunteer_answer(*, actor: User, case: TutoringCase, accept: bool) -> Volunteer:
    """The invited volunteer accepts or declines; declining also ends their access to the
    case."""
    case = _lock(case)
    row = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(case=case, member__user_id=actor.pk)
        .first()
    )
    if row is None:
        raise ValidationError(_("Vous n'êtes pas invité·e à ce cas de tutorat."))
    if row.status != VolunteerStatus.INVITED:
        raise ValidationError(
            _("Vous avez déjà répondu à cette invitation (%(answer)s).")
            % {"answer": row.get_status_display()}
        )
    if not rules.can_answer(actor, case, row):
        raise ValidationError(
            _("Ce cas n'attend plus de bénévoles (%(status)s).")
            % {"status": case.get_status_display()}
        )
    row.status = VolunteerStatus.ACCEPTED if accept else VolunteerStatus.DECLINED
    row.answered_at = timezone.now()
    row.save(update_fields=["status", "answered_at"])
    log_action(
        actor=actor,
        action="tutoring.volunteer_accepted" if accept else "tutoring.volunteer_declined",
        target=row,
        subject=case,
        changes={"status": [VolunteerStatus.INVITED, row.status]},
    )
    _tell(
        [case.member.user, case.member.advisor],
        kind="tutoring.answered",
        title=_("Tutorat collectif : un·e bénévole a répondu à l'invitation"),
        case=case,
    )
    return row


def _accepted(case: TutoringCase) -> dict[int, Member]:
    return {
        row.member_id: row.member
        for row in case.volunteers.filter(status=VolunteerStatus.ACCEPTED).select_related(
            "member__user"
        )
    }


def _participants(case: TutoringCase, actor: User) -> list[User | None]:
    """The member, the advisor and the accepted volunteers, but not whoever acted."""
    people = [case.member.user, case.member.advisor] + [m.user for m in _accepted(case).values()]
    return [u for u in people if u is not None and u.pk != actor.pk]


@transaction.atomic
def session_record(
    *,
    actor: User,
    case: TutoringCase,
    date: dt.date,
    situation: str,
    diagnosis: str,
    member_present: bool,
    advisor_present: bool,
    volunteers: Sequence[Member],
) -> Session:
    """Record (or correct) the case review: date, who attended, the situation as presented,
    the shared diagnosis."""
    case = _lock(case)
    _require(
        rules.can_lead(actor, case),
        _("Seul·es le membre et sa ou son chargé·e d'accompagnement notent la séance."),
    )
    if not rules.can_record_session(actor, case):
        raise ValidationError(
            _("Invitez d'abord des bénévoles : la séance se tient avec elles et eux.")
            if case.status == CaseStatus.REQUESTED and case.has_consent
            else _("Ce cas ne peut plus recevoir de séance (%(status)s).")
            % {"status": case.get_status_display()}
        )
    accepted = _accepted(case)
    problems: dict[str, list[str]] = {}
    situation, diagnosis = (situation or "").strip(), (diagnosis or "").strip()
    if not situation:
        problems["situation"] = [_("Notez la situation telle qu'elle a été présentée.")]
    if not diagnosis:
        problems["diagnosis"] = [_("Notez le diagnostic partagé par le groupe.")]
    if date is None:
        problems["date"] = [_("Indiquez la date de la séance.")]
    elif date < timezone.localtime(case.created_at).date():
        problems["date"] = [_("La séance ne peut pas précéder l'ouverture du cas.")]
    elif date > timezone.localdate():
        problems["date"] = [_("La séance se note une fois tenue : sa date est à venir.")]
    strangers = [m for m in volunteers if m.pk not in accepted]
    if strangers:
        problems["volunteers"] = [
            _("%(name)s n'a pas accepté l'invitation : pas parmi les bénévoles présent·es.")
            % {"name": m}
            for m in strangers
        ]
    elif not volunteers:
        problems["volunteers"] = [_("Cochez au moins un·e bénévole présent·e.")]
    if advisor_present and case.member.advisor_id is None:
        problems["advisor_present"] = [_("Ce membre n'est suivi par personne.")]
    if problems:
        raise ValidationError(problems)
    session, created = Session.objects.update_or_create(
        case=case,
        defaults={
            "date": date,
            "situation": situation,
            "diagnosis": diagnosis,
            "member_present": member_present,
            "advisor": case.member.advisor if advisor_present else None,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    session.volunteers.set(volunteers)
    before = case.status
    if case.status == CaseStatus.VOLUNTEERS_INVITED:
        case.status = CaseStatus.SESSION_HELD
        case.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="tutoring.session_recorded" if created else "tutoring.session_corrected",
        target=session,
        subject=case,
        changes={"status": [before, case.status]},
        data={"date": date, "volunteer_ids": [m.pk for m in volunteers]},
    )
    _tell(
        _participants(case, actor),
        kind="tutoring.session",
        title=_("Tutorat collectif : le compte rendu de séance est noté"),
        case=case,
    )
    return session


def _session_of(case: TutoringCase) -> Session:
    session = Session.objects.filter(case=case).first()
    if session is None:
        raise ValidationError(_("Notez d'abord la séance : le plan d'action en découle."))
    return session


@transaction.atomic
def action_add(
    *, actor: User, case: TutoringCase, action: str, owner: Member | User, due_date: dt.date
) -> ActionItem:
    """One step of the action plan, owned by the member, an accepted volunteer or the
    advisor."""
    case = _lock(case)
    _require(
        rules.can_lead(actor, case),
        _("Seul·es le membre et sa ou son chargé·e d'accompagnement tiennent le plan d'action."),
    )
    if case.is_closed:
        raise ValidationError(_("Ce cas est clos : son plan d'action ne change plus."))
    session = _session_of(case)
    action = (action or "").strip()
    problems: dict[str, str] = {}
    if not action:
        problems["action"] = _("Décrivez l'action à mener.")
    owner_member: Member | None = None
    owner_advisor: User | None = None
    if isinstance(owner, Member):
        if owner.pk == case.member_id or owner.pk in _accepted(case):
            owner_member = owner
        else:
            problems["owner"] = _(
                "%(name)s ne participe pas à ce cas : choisissez le membre, un·e bénévole qui a "
                "accepté, ou la ou le chargé·e d'accompagnement."
            ) % {"name": owner}
    elif owner is not None and owner.pk == case.member.advisor_id:
        owner_advisor = owner
    else:
        problems["owner"] = _(
            "Choisissez la personne responsable : le membre, un·e bénévole ou la ou le "
            "chargé·e d'accompagnement du membre."
        )
    if due_date is None:
        problems["due_date"] = _("Indiquez l'échéance de l'action.")
    elif due_date < session.date:
        problems["due_date"] = _("L'échéance ne peut pas précéder la séance (%(date)s).") % {
            "date": session.date.strftime("%d/%m/%Y")
        }
    if problems:
        raise ValidationError(problems)
    item = ActionItem.objects.create(
        case=case,
        action=action,
        owner_member=owner_member,
        owner_advisor=owner_advisor,
        due_date=due_date,
    )
    log_action(
        actor=actor,
        action="tutoring.action_added",
        target=item,
        subject=case,
        data={"due_date": due_date, "owner": "member" if owner_member else "advisor"},
    )
    return item


@transaction.atomic
def action_done(*, actor: User, case: TutoringCase, item: ActionItem) -> ActionItem:
    case = _lock(case)
    item = ActionItem.objects.select_for_update().get(pk=item.pk, case=case)
    row = (
        Volunteer.objects.select_related("member")
        .filter(case=case, member__user_id=actor.pk)
        .first()
    )
    if item.done_at is not None:
        raise ValidationError(
            _("Cette action est déjà faite (le %(date)s).")
            % {"date": timezone.localtime(item.done_at).strftime("%d/%m/%Y")}
        )
    _require(
        rules.can_mark_done(actor, case, item, row),
        _(
            "Seul·es les responsables de l'action, le membre et sa ou son chargé·e "
            "d'accompagnement la marquent faite."
        ),
    )
    item.done_at = timezone.now()
    item.save(update_fields=["done_at"])
    log_action(actor=actor, action="tutoring.action_done", target=item, subject=case)
    return item


@transaction.atomic
def follow_up_record(
    *, actor: User, case: TutoringCase, date: dt.date, notes: str, next_step: str = ""
) -> FollowUp:
    case = _lock(case)
    _require(
        rules.can_lead(actor, case),
        _("Seul·es le membre et sa ou son chargé·e d'accompagnement notent le suivi."),
    )
    if case.is_closed:
        raise ValidationError(_("Ce cas est clos : plus de suivi à noter."))
    session = _session_of(case)
    notes, next_step = (notes or "").strip(), (next_step or "").strip()
    problems: dict[str, str] = {}
    if not notes:
        problems["notes"] = _("Notez où en est le membre.")
    if date is None:
        problems["date"] = _("Indiquez la date du suivi.")
    elif date < session.date:
        problems["date"] = _("Le suivi ne peut pas précéder la séance (%(date)s).") % {
            "date": session.date.strftime("%d/%m/%Y")
        }
    elif date > timezone.localdate():
        problems["date"] = _("Le suivi se note une fois fait : sa date est à venir.")
    if problems:
        raise ValidationError(problems)
    follow_up = FollowUp.objects.create(
        case=case, date=date, notes=notes, next_step=next_step, recorded_by=actor
    )
    before = case.status
    case.status = CaseStatus.FOLLOW_UP
    case.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="tutoring.follow_up_recorded",
        target=follow_up,
        subject=case,
        changes={"status": [before, case.status]},
        data={"date": date},
    )
    _tell(
        _participants(case, actor),
        kind="tutoring.follow_up",
        title=_("Tutorat collectif : un suivi est noté"),
        case=case,
    )
    return follow_up


@transaction.atomic
def case_close(*, actor: User, case: TutoringCase) -> TutoringCase:
    """Close the case (or withdraw a proposal still waiting for consent): it stays readable by
    those who saw it, nothing more is written to it."""
    case = _lock(case)
    _require(
        rules.can_lead(actor, case),
        _("Seul·es le membre et sa ou son chargé·e d'accompagnement closent le cas."),
    )
    if case.is_closed:
        raise ValidationError(_("Ce cas est déjà clos."))
    before = case.status
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    log_action(
        actor=actor,
        action="tutoring.case_closed",
        target=case,
        changes={"status": [before, case.status]},
    )
    return case
