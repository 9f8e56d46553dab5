"""Writes of the year-end assessment: schemes, computing a year, adjustments, state changes.

Every service asks the access policy first (authorize); computing every township's year
(beat, the command line, the demo) and creating missing schemes run with no user
(SYSTEM_SERVICES)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from renda.core.access import authorize
from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor
from renda.core.models import Township

from . import sources
from .defaults import PRESETS, default_items, preset_fields
from .dormancy import dormant_ids
from .eligibility import Eligible, eligible_deputies
from .engine import GROUP, group_score, items_for, scheme_snapshot, township_score
from .models import Assessment, GroupScoreResult, ScoreAdjustment, ScoreResult, ScoringItem, ScoringScheme
from .rules import ITEM_FIELDS, SCHEME_FIELDS, item_validate, thresholds_check, year_bounds
from .schemes import locked_township_ids, schemes_new

SYSTEM_SERVICES = frozenset({"schemes_ensure", "assessments_compute"})


class SchemeFields(TypedDict, total=False):
    """A scheme's name, grade thresholds and options (scheme_update's keyword arguments)."""

    name: str
    partial_year: str
    excellent_min: Decimal
    competent_min: Decimal
    basic_min: Decimal
    excellent_max_percent: int | None
    notes: str


class ItemFields(TypedDict, total=False):
    """A scoring item (scheme_item_save's keyword arguments)."""

    order: int
    scope: str
    category: str
    name: str
    source: str
    rule: str
    points: Decimal | None
    step: Decimal | None
    count: int | None
    floor: Decimal | None
    cap: Decimal | None


# --- permissions: the one access policy (renda.core.access) -----------------------------
# Staff compute and adjust; the chair alone publishes to the county, locks, recomputes a
# locked year (sign-off steps); the chair or the county admin edits the scheme.

SIGN_OFF = "assessments.signoff_lock_assessment"
COMPUTE = "assessments.change_assessment"


def _edits_scheme(township):
    return lambda access: access.can_edit_scheme(township)


def _signs_off(township):
    return lambda access: access.can_sign_off(township, SIGN_OFF)


def _known(fields, names, what):
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"not a {what} field: {', '.join(sorted(unknown))}")


# --- schemes -----------------------------------------------------------------------------


def schemes_ensure(*, townships: Iterable[Township], year: int) -> dict[int, ScoringScheme]:
    """The scheme of each township for `year`, created where missing: copied from the township's
    latest earlier scheme, or the shipped default. A fixed number of queries for any count.
    A write: call it from a service or a POST, never while showing a page."""
    townships = list(townships)
    ids = [t.pk for t in townships]
    existing = {s.township_id: s for s in ScoringScheme.objects.filter(township_id__in=ids, year=year)}
    missing = [t for t in townships if t.pk not in existing]
    if missing:
        new_schemes, item_specs = schemes_new(missing, year)
        with transaction.atomic():
            ScoringScheme.objects.bulk_create(new_schemes)
            ScoringItem.objects.bulk_create(
                [
                    ScoringItem(township_id=s.township_id, scheme=s, **spec)
                    for s, specs in zip(new_schemes, item_specs)
                    for spec in specs
                ]
            )
        for s in new_schemes:
            existing[s.township_id] = s
    return existing


def scheme_get_or_create(*, township: Township, year: int, by) -> ScoringScheme:
    """The township's scheme of the year, created (from last year's or the default) when its
    editor first saves it."""
    authorize(by, allowed=_edits_scheme(township))
    return schemes_ensure(townships=[township], year=year)[township.pk]


def _check_not_locked(scheme):
    if scheme.township_id in locked_township_ids([scheme.township_id], scheme.year):
        raise ApplicationError(
            _("The assessment of %(year)s is locked; its scheme can no longer change.")
            % {"year": scheme.year}
        )


def scheme_update(*, scheme: ScoringScheme, by, **data: Unpack[SchemeFields]) -> ScoringScheme:
    """Change the grade thresholds and options given (not for a locked year)."""
    authorize(by, allowed=_edits_scheme(scheme.township))
    _known(data, SCHEME_FIELDS, "scheme")
    message = thresholds_check(
        excellent_min=data.get("excellent_min"),
        competent_min=data.get("competent_min"),
        basic_min=data.get("basic_min"),
    )
    if message:
        raise ApplicationError(message, field="competent_min")
    percent = data.get("excellent_max_percent")
    if percent is not None and not 0 <= percent <= 100:
        raise ApplicationError(
            _("The share of 优秀 must be between 0 and 100%."), field="excellent_max_percent"
        )
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        _check_not_locked(scheme)
        for field in SCHEME_FIELDS:
            if field in data:
                setattr(scheme, field, data[field])  # type: ignore[literal-required]
        scheme._change_reason = _("scheme changed")  # type: ignore[attr-defined]
        history_actor(scheme, by)
        scheme.save(update_fields=[f for f in SCHEME_FIELDS if f in data] + ["updated_at"])
    return scheme


def scheme_item_save(
    *, scheme: ScoringScheme, by, item: ScoringItem | None = None, **data: Unpack[ItemFields]
) -> ScoringItem:
    """Add an item to a scheme, or change the fields given of one (not for a locked year)."""
    authorize(by, allowed=_edits_scheme(scheme.township))
    _known(data, ITEM_FIELDS, "scoring item")
    item_validate(data)
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        _check_not_locked(scheme)
        if item is None:
            item = ScoringItem(scheme=scheme, township_id=scheme.township_id)
        elif item.scheme_id != scheme.pk:
            raise ApplicationError(_("This item belongs to another scheme."))
        for field in ITEM_FIELDS:
            if field in data:
                setattr(item, field, data[field])  # type: ignore[literal-required]
        history_actor(item, by)
        item.save()
    return item


def scheme_item_delete(*, item: ScoringItem, by) -> None:
    """Remove an item from a scheme (not for a locked year)."""
    authorize(by, allowed=_edits_scheme(item.township))
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=item.scheme_id)
        _check_not_locked(scheme)
        history_actor(item, by)
        item.delete()


def scheme_reset_from_previous(*, scheme: ScoringScheme, by) -> ScoringScheme:
    """Replace a scheme's items by last year's (or the default when there is none)."""
    authorize(by, allowed=_edits_scheme(scheme.township))
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        _check_not_locked(scheme)
        prev = (
            ScoringScheme.objects.filter(township_id=scheme.township_id, year__lt=scheme.year)
            .order_by("-year")
            .first()
        )
        if prev:
            specs = [{f: getattr(i, f) for f in ITEM_FIELDS} for i in prev.items.order_by("order", "pk")]
            for f in SCHEME_FIELDS:
                setattr(scheme, f, getattr(prev, f))
        else:
            specs = default_items(has_presidium=scheme.township.has_presidium)
            for f, v in preset_fields().items():
                setattr(scheme, f, v)
        scheme._change_reason = _("items replaced by last year's")  # type: ignore[attr-defined]
        history_actor(scheme, by)
        scheme.save()
        scheme.items.all().delete()
        ScoringItem.objects.bulk_create(
            [ScoringItem(scheme=scheme, township_id=scheme.township_id, **spec) for spec in specs]
        )
    return scheme


def scheme_apply_preset(*, scheme: ScoringScheme, preset: str, by) -> ScoringScheme:
    """Replace a scheme's name, thresholds and items by a shipped preset (not for a locked year)."""
    authorize(by, allowed=_edits_scheme(scheme.township))
    if preset not in PRESETS:
        raise ApplicationError(_("Choose one of the shipped schemes."), field="preset")
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        _check_not_locked(scheme)
        for f, v in preset_fields(preset).items():
            setattr(scheme, f, v)
        scheme._change_reason = _("items replaced by the scheme “%(name)s”") % {"name": scheme.name}  # type: ignore[attr-defined]
        history_actor(scheme, by)
        scheme.save()
        scheme.items.all().delete()
        ScoringItem.objects.bulk_create(
            [
                ScoringItem(scheme=scheme, township_id=scheme.township_id, **spec)
                for spec in default_items(has_presidium=scheme.township.has_presidium, preset=preset)
            ]
        )
    return scheme


# --- computing ---------------------------------------------------------------------------


def _latest_adjustments(assessment_ids):
    """{assessment_id: {(deputy_id, item_key): (points, reason)}} from the latest row of each line."""
    out = defaultdict(dict)
    rows = (
        ScoreAdjustment.objects.filter(assessment_id__in=assessment_ids)
        .order_by("assessment_id", "deputy_id", "item_key", "-created_at", "-pk")
        .values_list("assessment_id", "deputy_id", "item_key", "points", "reason")
    )
    for assessment_id, deputy_id, key, points, reason in rows:
        out[assessment_id].setdefault((deputy_id, key), (points, reason))
    return out


def assessments_compute(*, townships: Iterable[Township], year: int) -> dict[str, Any]:
    """Compute (or recompute) the year for each township whose assessment is a draft, with no
    user (beat, the command line, the demo; the page computes through assessment_compute).

    Set-based: one query per scoring source for all townships together, then pure-Python rules.
    Returns {"computed": [assessments], "skipped": [assessments not in draft]}.
    """
    return _compute(townships=townships, year=year, by=None)


def _compute(*, townships, year, by):
    townships = list(townships)
    with transaction.atomic():
        schemes = schemes_ensure(townships=townships, year=year)
        todo, skipped = _drafts_locked(townships, year)
        if not todo:
            return {"computed": [], "skipped": skipped}
        inputs = _year_inputs(schemes, todo, year)
        ScoreResult.objects.filter(assessment__in=list(todo.values())).delete()
        GroupScoreResult.objects.filter(assessment__in=list(todo.values())).delete()
        results, group_results, now = [], [], timezone.now()
        for tid, assessment in todo.items():
            rows = _township_rows(tid, assessment, inputs)
            results += _score_results(tid, assessment, rows, inputs.year_days)
            group_results += _group_results(tid, assessment, rows, inputs)
            _assessment_summarise(assessment, inputs.snapshots[tid], rows, now=now, by=by)
        _results_store(todo, results, group_results)
    return {"computed": list(todo.values()), "skipped": skipped}


def _drafts_locked(townships, year):
    """({township_id: draft assessment}, [assessments not in draft]), every row locked; the
    missing assessments are created as drafts."""
    existing = {
        a.township_id: a
        for a in Assessment.objects.select_for_update().filter(
            township_id__in=[t.pk for t in townships], year=year
        )
    }
    new = [Assessment(township=t, year=year) for t in townships if t.pk not in existing]
    Assessment.objects.bulk_create(new)
    for a in new:
        existing[a.township_id] = a
    skipped = [a for a in existing.values() if a.state != Assessment.State.DRAFT]
    todo = {tid: a for tid, a in existing.items() if a.state == Assessment.State.DRAFT}
    return todo, skipped


@dataclass(frozen=True)
class _YearInputs:
    """What scoring the draft townships of a year reads, gathered for all of them at once."""

    year_days: int
    snapshots: dict[int, dict]  # township id → scheme snapshot
    counts: dict  # source → {deputy id: n}
    group_counts: dict  # source → {group id: n}
    deputies: dict[int, list[Eligible]]
    dormant: set[int]
    adjustments: dict  # assessment id → {(deputy id, item key): (points, reason)}


def _year_inputs(schemes, todo, year) -> _YearInputs:
    """One query per scoring source for all the townships together."""
    start, end, year_days = year_bounds(year)
    tids = list(todo)
    snapshots = _snapshots(schemes, tids)
    needed = {i["source"] for s in snapshots.values() for i in s["items"] if i.get("scope") != GROUP}
    counts = sources.source_counts(sorted(needed), township_ids=tids, start=start, end=end)
    deputies = eligible_deputies(township_ids=tids, start=start, end=end)
    dormant = dormant_ids(township_ids=tids, year=year)
    members = {e.deputy_id: e.group_id for rows in deputies.values() for e in rows if e.group_id}
    group_needed = {i["source"] for s in snapshots.values() for i in items_for(s, GROUP)}
    group_counts = sources.group_source_counts(
        sorted(group_needed), township_ids=tids, start=start, end=end, members=members
    )
    return _YearInputs(
        year_days=year_days,
        snapshots=snapshots,
        counts=counts,
        group_counts=group_counts,
        deputies=deputies,
        dormant=dormant,
        adjustments=_latest_adjustments([a.pk for a in todo.values()]),
    )


def _snapshots(schemes, tids):
    """{township id: snapshot of its scheme and items}, the items read in one query."""
    items_by_scheme = defaultdict(list)
    for item in ScoringItem.objects.filter(scheme__in=[schemes[t] for t in tids]).order_by("order", "pk"):
        items_by_scheme[item.scheme_id].append(item)
    return {t: scheme_snapshot(schemes[t], items_by_scheme[schemes[t].pk]) for t in tids}


def _township_rows(tid, assessment, inputs: _YearInputs):
    return township_score(
        inputs.snapshots[tid],
        deputies=inputs.deputies.get(tid, []),
        counts=inputs.counts,
        adjustments=inputs.adjustments.get(assessment.pk, {}),
        year_days=inputs.year_days,
        dormant=inputs.dormant,
    )


def _score_results(tid, assessment, rows, year_days):
    return [
        ScoreResult(
            township_id=tid,
            assessment=assessment,
            deputy_id=r["deputy_id"],
            group_id=r["group_id"],
            served_days=r["served_days"],
            year_days=year_days,
            lines=r["lines"],
            computed_total=r["computed_total"],
            adjustment_total=r["adjustment_total"],
            total=r["total"],
            rank=r["rank"],
            grade=r["grade"],
            dormant=r["dormant"],
        )
        for r in rows
    ]


def _group_results(tid, assessment, rows, inputs: _YearInputs):
    """The township's groups scored; a group's size is its members scored this year."""
    group_sizes: dict[int, int] = defaultdict(int)
    for r in rows:
        if r["group_id"]:
            group_sizes[r["group_id"]] += 1
    scored = group_score(
        inputs.snapshots[tid], groups=sorted(group_sizes.items()), counts=inputs.group_counts
    )
    return [
        GroupScoreResult(
            township_id=tid,
            assessment=assessment,
            group_id=g["group_id"],
            members=g["members"],
            lines=g["lines"],
            total=g["total"],
            rank=g["rank"],
        )
        for g in scored
    ]


def _assessment_summarise(assessment, snapshot, rows, *, now, by):
    assessment.snapshot = snapshot
    assessment.computed_at = now
    assessment.computed_by = by if by is not None and by.is_authenticated else None
    assessment.deputy_count = len(rows)
    assessment.dormant_count = sum(1 for r in rows if r["dormant"])
    total = sum((r["total"] for r in rows), Decimal(0))
    assessment.average = (total / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)


def _results_store(todo, results, group_results):
    ScoreResult.objects.bulk_create(results, batch_size=2000)
    GroupScoreResult.objects.bulk_create(group_results, batch_size=2000)
    Assessment.objects.bulk_update(
        list(todo.values()),
        [
            "snapshot",
            "computed_at",
            "computed_by",
            "deputy_count",
            "dormant_count",
            "average",
            "updated_at",
        ],
        batch_size=200,
    )


def assessment_compute(*, township: Township, year: int, by) -> Assessment:
    """Compute one township's year from the page: township staff, draft only."""
    authorize(by, township, COMPUTE)
    outcome = _compute(townships=[township], year=year, by=by)
    if outcome["skipped"]:
        raise ApplicationError(_("Only a draft can be recomputed; return it to draft first."))
    return outcome["computed"][0]


def _transition(assessment, *, allowed_from, to, by, extra=None, reason=None):
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if a.state not in allowed_from:
            if a.state == Assessment.State.LOCKED:
                raise ApplicationError(_("This year is locked: nothing can change any more."))
            raise ApplicationError(
                _("This cannot be done in the state “%(state)s”.") % {"state": a.get_state_display()}
            )
        if a.computed_at is None:
            raise ApplicationError(_("Compute the scores first."))
        a.state = to
        fields = ["state", "updated_at"]
        for k, v in (extra or {}).items():
            setattr(a, k, v)
            fields.append(k)
        a._change_reason = reason or str(Assessment.State(to).label)
        history_actor(a, by)
        a.save(update_fields=fields)
    return a


def assessment_publish(*, assessment: Assessment, by) -> Assessment:
    """Draft → published, by the chair: the county sees it."""
    authorize(by, allowed=_signs_off(assessment.township))
    return _transition(
        assessment,
        allowed_from=[Assessment.State.DRAFT],
        to=Assessment.State.PUBLISHED,
        by=by,
        extra={"published_at": timezone.now()},
    )


def assessment_unpublish(*, assessment: Assessment, by) -> Assessment:
    """Published → draft, by the chair, to correct it before it is locked."""
    authorize(by, allowed=_signs_off(assessment.township))
    return _transition(
        assessment, allowed_from=[Assessment.State.PUBLISHED], to=Assessment.State.DRAFT, by=by
    )


def assessment_lock(*, assessment: Assessment, by) -> Assessment:
    """Published → locked, by the chair: no more changes, whatever happens to the scheme."""
    authorize(by, allowed=_signs_off(assessment.township))
    return _transition(
        assessment,
        allowed_from=[Assessment.State.PUBLISHED],
        to=Assessment.State.LOCKED,
        by=by,
        extra={"locked_at": timezone.now(), "locked_by": by},
    )


def assessment_relock(*, assessment: Assessment, by) -> Assessment:
    """Locked → recomputed from today's records → locked again, by the chair, in one transaction.

    For records corrected after locking (the page counts them); the history keeps the earlier
    lock and this one ("recomputed and locked again")."""
    authorize(by, allowed=_signs_off(assessment.township))
    with transaction.atomic():
        a = Assessment.objects.select_for_update().select_related("township").get(pk=assessment.pk)
        if a.state != Assessment.State.LOCKED:
            raise ApplicationError(_("Only a locked year can be recomputed and locked again."))
        Assessment.objects.filter(pk=a.pk).update(state=Assessment.State.DRAFT)
        _compute(townships=[a.township], year=a.year, by=by)
        return _transition(
            a,
            allowed_from=[Assessment.State.DRAFT],
            to=Assessment.State.LOCKED,
            by=by,
            extra={"locked_at": timezone.now(), "locked_by": by},
            reason=_("recomputed and locked again"),
        )


def score_adjust(
    *,
    assessment: Assessment,
    deputy: Deputy,
    item_key: str | int,
    points: Decimal | int | float | str,
    reason: str,
    by,
) -> ScoreAdjustment:
    """Set the manual adjustment of one line (0 removes it). A reason is mandatory; the year is
    recomputed so totals, ranks and grades follow."""
    authorize(by, assessment, COMPUTE)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the adjustment."), field="reason")
    try:
        points = Decimal(str(points)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Enter the points as a number."), field="points") from None
    if abs(points) > 1000:
        raise ApplicationError(_("An adjustment of more than 1000 points is not plausible."), field="points")
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if a.state != Assessment.State.DRAFT:
            if a.state == Assessment.State.LOCKED:
                raise ApplicationError(_("This year is locked: nothing can change any more."))
            raise ApplicationError(_("Return the assessment to draft before adjusting scores."))
        item = next((i for i in a.items if i["key"] == str(item_key)), None)
        if item is None:
            raise ApplicationError(_("This item is not part of the computed scheme."), field="item_key")
        if not ScoreResult.objects.filter(assessment=a, deputy=deputy).exists():
            raise ApplicationError(_("This deputy is not scored in this year."))
        adjustment = ScoreAdjustment.objects.create(
            township_id=a.township_id,
            assessment=a,
            deputy=deputy,
            item_key=str(item_key),
            item_name=item["name"],
            points=points,
            reason=reason[:300],
            by=by,
        )
        _compute(townships=[a.township], year=a.year, by=by)
    return adjustment
