"""The proposals section of the deputy archive (一人一档)."""

from .selectors import proposal_list_for_deputy


def deputy_archive_context(deputy, year, user):
    proposals = proposal_list_for_deputy(user=user, deputy=deputy).filter(year=year)
    return {"proposals": list(proposals)}
