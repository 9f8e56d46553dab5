"""Reads for the public page and the deputies' own pages.

The public page shows only what `proposals.selectors.proposal_public_rows` returns (published
columns of items not marked not for publication) of the years a township published.
"""

from django.db.models import Q
from django.utils import timezone

from renda.core.models import Township

from .models import PublishedYear


def public_years(*, township=None) -> list[int]:
    """Years published by `township` (or by any township), newest first."""
    qs = PublishedYear.objects.filter(township__is_active=True)
    if township is not None:
        qs = qs.filter(township=township)
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def public_townships(*, year) -> list[Township]:
    """Active townships that published `year`."""
    return list(
        Township.objects.filter(is_active=True)
        .filter(Q(pk__in=PublishedYear.objects.filter(year=year).values("township_id")))
        .order_by("display_order", "code")
    )


def public_township(*, code, year):
    """The township by code when it published `year`, else None."""
    return (
        Township.objects.filter(is_active=True, code=code)
        .filter(pk__in=PublishedYear.objects.filter(year=year).values("township_id"))
        .first()
    )


def publication_years(*, township) -> set[int]:
    return set(PublishedYear.objects.filter(township=township).values_list("year", flat=True))


# ---------------------------------------------------------------- the deputy's own pages


def deputy_proposals(*, deputy):
    """Proposals the deputy leads or co-signed, newest first, with what the list shows."""
    from proposals.models import Proposal

    return (
        Proposal.objects.filter(township_id=deputy.township_id)
        .filter(Q(lead_deputy=deputy) | Q(co_signers=deputy))
        .distinct()
        .select_related("category", "lead_unit", "lead_deputy")
        .order_by("-year", "-submitted_on", "-pk")
    )


def deputy_proposal(*, deputy, pk):
    """One of the deputy's own proposals; anything else is None (the view answers 404)."""
    return deputy_proposals(deputy=deputy).filter(pk=pk).first()


def deputy_invitations(*, deputy, today=None, past_days=30):
    """Activities the deputy takes part in from a month ago on, soonest first, each with the
    deputy's role and answer. Two queries."""
    import datetime as dt

    from meetings.models import ActivityParticipation

    from .models import InvitationAnswer

    today = today or timezone.localdate()
    parts = list(
        ActivityParticipation.objects.filter(
            deputy=deputy, activity__start_date__gte=today - dt.timedelta(days=past_days)
        )
        .select_related("activity")
        .order_by("activity__start_date", "activity_id")
    )
    answers = {
        a.activity_id: a
        for a in InvitationAnswer.objects.filter(
            deputy=deputy, activity_id__in=[p.activity_id for p in parts]
        )
    }
    return [
        {
            "activity": p.activity,
            "role": p.get_role_display(),
            "on_duty": p.role != ActivityParticipation.Role.PARTICIPANT,
            "answer": answers.get(p.activity_id),
            "upcoming": p.activity.start_date >= today,
        }
        for p in parts
    ]


def deputy_score(*, deputy):
    """The deputy's latest score card the office has published (published or locked), each
    point explained (assessments.selectors.score_card), or None."""
    from assessments.models import Assessment
    from assessments.selectors import COUNTY_STATES, score_card

    assessment = (
        Assessment.objects.filter(township_id=deputy.township_id, state__in=COUNTY_STATES)
        .filter(results__deputy=deputy)
        .order_by("-year")
        .first()
    )
    if assessment is None:
        return None, None
    return assessment, score_card(assessment=assessment, deputy=deputy)


def deputy_messages(*, deputy):
    from .models import Message

    return Message.objects.filter(deputy=deputy).order_by("-created_at", "-pk")


def deputy_drafts(*, deputy):
    from .models import SuggestionDraft

    return SuggestionDraft.objects.filter(deputy=deputy).select_related("proposal").order_by("-created_at")
