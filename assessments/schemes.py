"""Reading a township's scoring scheme without writing: the saved one, or the one that would be
created (from the township's latest earlier scheme, or the shipped default). The services create
schemes from these; the scheme page shows a draft with them."""

from collections import defaultdict

from .defaults import default_items, preset_fields
from .models import Assessment, ScoringItem, ScoringScheme
from .rules import ITEM_FIELDS, SCHEME_FIELDS


def locked_township_ids(township_ids, year) -> set[int]:
    """The townships (of `township_ids`) whose assessment of `year` is locked."""
    return set(
        Assessment.objects.filter(
            township_id__in=township_ids, year=year, state=Assessment.State.LOCKED
        ).values_list("township_id", flat=True)
    )


def schemes_new(townships, year):
    """Unsaved schemes for `townships` and the specs of their items: copied from each township's
    latest earlier scheme, or the shipped default."""
    previous: dict = {}
    for s in ScoringScheme.objects.filter(township_id__in=[t.pk for t in townships], year__lt=year).order_by(
        "township_id", "-year"
    ):
        previous.setdefault(s.township_id, s)
    previous_items = defaultdict(list)
    for item in ScoringItem.objects.filter(scheme__in=list(previous.values())).order_by("order", "pk"):
        previous_items[item.scheme_id].append(item)
    new_schemes, item_specs = [], []
    for t in townships:
        prev = previous.get(t.pk)
        if prev:
            fields = {f: getattr(prev, f) for f in SCHEME_FIELDS}
            items = [{f: getattr(i, f) for f in ITEM_FIELDS} for i in previous_items[prev.pk]]
        else:
            fields = preset_fields()
            items = default_items(has_presidium=t.has_presidium)
        new_schemes.append(ScoringScheme(township=t, year=year, **fields))
        item_specs.append(items)
    return new_schemes, item_specs


def scheme_draft(*, township, year):
    """(scheme, items) of a township-year for showing it, without writing anything: the saved
    scheme, or the one that would be created (unsaved; its items carry negative stand-in ids and
    must never be saved)."""
    scheme = ScoringScheme.objects.filter(township=township, year=year).first()
    if scheme is not None:
        return scheme, list(scheme.items.order_by("order", "pk"))
    (scheme,), (specs,) = schemes_new([township], year)
    items = []
    for n, spec in enumerate(specs, start=1):
        item = ScoringItem(township_id=township.pk, **spec)
        item.pk = -n
        items.append(item)
    items.sort(key=lambda i: (i.order, -i.pk))
    return scheme, items
