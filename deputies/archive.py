"""The roster's part of the deputy archive (一人一档, composed by renda.core.archive): who the
archives are about with their profile, and the section of the mandates, group and station held
in the year. Each for any number of deputies in a fixed number of queries."""

import datetime as dt

from django.utils.translation import gettext as _

from renda.core import hooks
from renda.core.archive import ArchiveDeputy, ArchiveSection, Link, choice_labels, date_text
from renda.core.links import pk_url

from .models import ContactAssignment, Deputy, GroupMembership, LiaisonStation, Mandate, PresidiumMembership
from .serving import deputy_serving_during_q, mandate_active_during_q


def _in_year_terms(year):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return {"term__start_date__lte": end, "term__end_date__gte": start}


def archive_deputies(*, township_ids, year, deputy_ids=None, today=None) -> list[ArchiveDeputy]:
    """The townships' deputies who served during `year` (or those of `deputy_ids`), in roster
    order, with the profile the .docx opens with. Two queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    deputies = Deputy.objects.filter(township_id__in=list(township_ids)).select_related("township")
    if deputy_ids is not None:
        deputies = deputies.filter(pk__in=list(deputy_ids))
    else:
        deputies = deputies.filter(deputy_serving_during_q(start=start, end=end, level=None))
    deputies = list(deputies.order_by("surname_strokes", "name_pinyin", "pk"))
    groups = dict(
        GroupMembership.objects.filter(deputy__in=[d.pk for d in deputies], **_in_year_terms(year))
        .order_by("term__start_date", "pk")
        .values_list("deputy_id", "group__name")
    )
    gender, affiliation, education, occupation = (
        choice_labels(Deputy, f) for f in ("gender", "affiliation", "education", "occupation")
    )
    labels = [
        _("Name"),
        _("Gender"),
        _("Ethnicity"),
        _("Birth date"),
        _("Political affiliation"),
        _("Education"),
        _("Occupation"),
        _("Work unit and post"),
        _("Constituency"),
        _("Deputy group"),
    ]
    out = []
    for d in deputies:
        values = [
            d.name,
            gender(d.gender),
            d.ethnicity,
            d.birth_date.strftime("%Y-%m") if d.birth_date else "",
            affiliation(d.affiliation),
            education(d.education),
            occupation(d.occupation),
            d.work_unit,
            d.constituency,
            groups.get(d.pk, ""),
        ]
        out.append(
            ArchiveDeputy(
                deputy_id=d.pk,
                township_id=d.township_id,
                township_name=d.township.name,
                name=d.name,
                profile=tuple(zip(labels, values, strict=True)),
            )
        )
    return out


def roster_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """Mandates held during `year`, with the group, station, presidium role and contact of the
    year in the summary. Five queries."""
    ids = [d.deputy_id for d in deputies]
    mandates = _mandate_rows(ids, year)
    facts, links = _year_facts(ids, year)
    title, separator = _("Mandates"), _("; ")
    headers = (_("Level"), _("Term"), _("How it began"), _("From"), _("Until"))
    empty = _("No mandate in %(year)s.") % {"year": year}
    return {
        i: ArchiveSection(
            key="deputies.roster",
            title=title,
            summary=separator.join(facts[i]),
            headers=headers,
            rows=mandates[i],
            widths=(34, 18, 30, 30, 44),
            links=links[i],
            empty_text=empty,
        )
        for i in ids
    }


def _mandate_rows(ids, year) -> dict[int, list]:
    """{deputy id: [(level, term, how it began, from, until)]} of the mandates held during `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    level, start_reason, end_reason = (
        choice_labels(Mandate, f) for f in ("level", "start_reason", "end_reason")
    )
    mandates: dict[int, list] = {i: [] for i in ids}
    for m in (
        Mandate.objects.filter(mandate_active_during_q(start=start, end=end), deputy_id__in=ids)
        .select_related("term")
        .order_by("start_date", "level", "pk")
    ):
        mandates[m.deputy_id].append(
            (
                level(m.level),
                str(m.term_number or (m.term.number if m.term else "")),
                start_reason(m.start_reason),
                date_text(m.start_date),
                " ".join(x for x in (date_text(m.end_date), end_reason(m.end_reason)) if x),
            )
        )
    return mandates


def _year_facts(ids, year) -> tuple[dict[int, list[str]], dict[int, list[Link]]]:
    """The summary's facts of the year (group, station, presidium role, contact) and the page's
    links to them, per deputy. Four queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    group_url, station_url, deputy_url = (
        pk_url("deputies:group"),
        pk_url("deputies:station"),
        pk_url("deputies:detail"),
    )
    facts: dict[int, list[str]] = {i: [] for i in ids}
    links: dict[int, list[Link]] = {i: [] for i in ids}
    group_label, station_label, presidium_label, contact_label = (
        _("Group"),
        _("Liaison station"),
        _("Presidium"),
        _("Contacted by"),
    )
    for deputy_id, group_id, name in (
        GroupMembership.objects.filter(deputy_id__in=ids, **_in_year_terms(year))
        .order_by("term__start_date", "pk")
        .values_list("deputy_id", "group_id", "group__name")
    ):
        facts[deputy_id].append(f"{group_label}：{name}")
        links[deputy_id].append(Link(name, group_url(group_id)))
    for deputy_id, station_id, name in (
        LiaisonStation.resident_deputies.through.objects.filter(deputy_id__in=ids)
        .order_by("liaisonstation__name")
        .values_list("deputy_id", "liaisonstation_id", "liaisonstation__name")
    ):
        facts[deputy_id].append(f"{station_label}：{name}")
        links[deputy_id].append(Link(name, station_url(station_id)))
    role = choice_labels(PresidiumMembership, "role")
    for p in (
        PresidiumMembership.objects.filter(deputy_id__in=ids, start_date__lte=end)
        .exclude(end_date__lt=start)
        .order_by("start_date", "pk")
    ):
        facts[p.deputy_id].append(f"{presidium_label}：{role(p.role)}")
    for deputy_id, member_id, name in (
        ContactAssignment.objects.filter(deputy_id__in=ids, **_in_year_terms(year))
        .order_by("term__start_date", "pk")
        .values_list("deputy_id", "member_id", "member__name")
    ):
        facts[deputy_id].append(f"{contact_label}：{name}")
        links[deputy_id].append(Link(name, deputy_url(member_id)))
    return facts, links


# --- the group page --------------------------------------------------------------------------

GROUP_SECTION = "deputy_group_section"


def group_sections(group, year: int, user) -> list[dict]:
    """Sections other apps plug into a deputy group's page (the meetings app: the group's yearly
    plan against what it held), each a hooks.Section: context(group, year, user)."""
    return [section(group, year, user) for section in hooks.get(GROUP_SECTION)]
