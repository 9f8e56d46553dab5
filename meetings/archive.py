"""The meetings section of the deputy archive (一人一档): sessions, presidium meetings, activities."""

from renda.core.access import access_for

from .models import ActivityParticipation, Commendation, FloorSpeech, PresidiumAttendance, SessionAttendance


def deputy_archive_context(deputy, year, user):
    sessions = (
        access_for(user)
        .scope(SessionAttendance)
        .filter(deputy=deputy, session__start_date__year=year)
        .select_related("session")
        .order_by("session__start_date")
    )
    speeches = (
        access_for(user)
        .scope(FloorSpeech)
        .filter(deputy=deputy, session__start_date__year=year)
        .select_related("session")
        .order_by("session__start_date")
    )
    meetings = (
        access_for(user)
        .scope(PresidiumAttendance)
        .filter(deputy=deputy, meeting__date__year=year)
        .select_related("meeting")
        .order_by("meeting__date")
    )
    activities = (
        access_for(user)
        .scope(ActivityParticipation)
        .filter(deputy=deputy, activity__start_date__year=year)
        .select_related("activity")
        .order_by("activity__start_date")
    )
    commendations = (
        access_for(user).scope(Commendation).filter(deputy=deputy, year=year).order_by("date", "pk")
    )
    return {
        "commendations": list(commendations),
        "sessions": list(sessions),
        "speeches": list(speeches),
        "meetings": list(meetings),
        "activities": list(activities),
    }


def deputy_rota_context(deputy, year, user):
    """The reception rota section: a higher-level deputy's turns at the stations in `year`."""
    from .selectors import rota_deputy_entries

    return {"entries": list(rota_deputy_entries(user=user, deputy=deputy, year=year))}


def deputy_training_context(deputy, year, user):
    """The training section: a new deputy's training before their first session (the term
    covering the year's reference day); the archive page checked the user may read the deputy."""
    from .selectors import new_deputy_training_of

    return {"row": new_deputy_training_of(deputy=deputy, year=year)}
