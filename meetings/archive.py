"""The meetings section of the deputy archive (一人一档): sessions, presidium meetings, activities."""

from .models import ActivityParticipation, FloorSpeech, PresidiumAttendance, SessionAttendance


def deputy_archive_context(deputy, year, user):
    sessions = (
        SessionAttendance.objects.for_user(user)
        .filter(deputy=deputy, session__start_date__year=year)
        .select_related("session")
        .order_by("session__start_date")
    )
    speeches = (
        FloorSpeech.objects.for_user(user)
        .filter(deputy=deputy, session__start_date__year=year)
        .select_related("session")
        .order_by("session__start_date")
    )
    meetings = (
        PresidiumAttendance.objects.for_user(user)
        .filter(deputy=deputy, meeting__date__year=year)
        .select_related("meeting")
        .order_by("meeting__date")
    )
    activities = (
        ActivityParticipation.objects.for_user(user)
        .filter(deputy=deputy, activity__start_date__year=year)
        .select_related("activity")
        .order_by("activity__start_date")
    )
    return {
        "sessions": list(sessions),
        "speeches": list(speeches),
        "meetings": list(meetings),
        "activities": list(activities),
    }
