"""The proposals' part of the deputy archive (一人一档, composed by renda.core.archive): the
motions and suggestions of the year a deputy led or co-signed."""

from django.db.models import Q
from django.utils.translation import gettext as _

from renda.core.archive import ArchiveSection, Link, choice_labels
from renda.core.links import pk_url

from .models import Proposal


def proposals_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """The proposals of `year` (by their year) the deputy led or co-signed. Two queries."""
    ids = [d.deputy_id for d in deputies]
    id_set = set(ids)
    cosigned: dict[int, set[int]] = {}
    for proposal_id, deputy_id in Proposal.co_signers.through.objects.filter(
        deputy_id__in=ids, proposal__year=year
    ).values_list("proposal_id", "deputy_id"):
        cosigned.setdefault(proposal_id, set()).add(deputy_id)
    state, outcome, rating = (choice_labels(Proposal, f) for f in ("state", "outcome", "rating"))
    separator, lead, co_signer = _("; "), _("lead"), _("co-signer")
    detail_url = pk_url("proposals:detail")
    rows: dict[int, list] = {i: [] for i in ids}
    for p in (
        Proposal.objects.filter(township_id__in=sorted({d.township_id for d in deputies}), year=year)
        .filter(Q(lead_deputy_id__in=ids) | Q(pk__in=list(cosigned)))
        .select_related("lead_unit")
        .order_by("submitted_on", "pk")
    ):
        result = separator.join(x for x in (state(p.state), outcome(p.outcome), rating(p.rating)) if x)
        for deputy_id in sorted(({p.lead_deputy_id} | cosigned.get(p.pk, set())) & id_set):
            role = lead if deputy_id == p.lead_deputy_id else co_signer
            rows[deputy_id].append(
                (p.number, Link(p.title, detail_url(p.pk)), role, str(p.lead_unit or ""), result)
            )
    title = _("Motions and suggestions")
    headers = (_("Number"), _("Title"), _("Role"), _("Lead unit"), _("Outcome"))
    empty = _("No motion or suggestion in this year.")
    return {
        i: ArchiveSection(
            key="proposals",
            title=title,
            headers=headers,
            rows=rows[i],
            widths=(34, 52, 14, 28, 28),
            empty_text=empty,
        )
        for i in ids
    }
