"""Pages of the year-end assessment. Thin: collect input, call a service or a selector."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import Deputy
from renda.core.access import access_for
from renda.core.converters import year_or_none
from renda.core.exceptions import ApplicationError
from renda.core.history import history_entries
from renda.core.models import Township
from renda.core.services import document_job_request

from . import selectors, services, sources
from .defaults import preset_choices
from .engine import DEPUTY, deputy_lines, items_for, scheme_snapshot
from .forms import AdjustForm, ItemForm, SchemeForm
from .models import Assessment, ScoreResult, ScoringItem, ScoringScheme
from .rules import year_bounds
from .schemes import scheme_draft

GRADE_COLOURS = {"excellent": "#2b9348", "competent": "#3a86ff", "basic": "#f4a261", "incompetent": "#d00000"}


def _year(request, default):
    # no valid year given and no default: the caller answers 404
    return year_or_none(request.GET.get("year") or request.POST.get("year")) or default


def _township_for(user, pk):
    """A township the user may see (their own; any for county users), else 404."""
    return access_for(user).get_or_404(access_for(user).townships(), pk=pk)


@login_required
def index(request):
    request.access.require_browse()
    selected = request.access.selected_township
    if selected is None:
        return redirect(reverse("assessments:county") + _query(request))
    return redirect(reverse("assessments:township", args=[selected.pk]) + _query(request))


def _query(request):
    year = request.GET.get("year")
    return f"?year={year}" if year and year.isdigit() else ""


def _chart_options(dist):
    labels = dict(ScoreResult.Grade.choices)
    pie = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": str(labels[g]), "value": n, "itemStyle": {"color": GRADE_COLOURS[g]}}
                    for g, n in dist["grades"].items()
                ],
            }
        ],
    }
    bars = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "top": 20, "bottom": 40},
        "xAxis": {
            "type": "category",
            "data": [label for label, _n in dist["histogram"]],
            "name": _("points"),
        },
        "yAxis": {"type": "value", "minInterval": 1, "name": _("deputies")},
        "series": [
            {"type": "bar", "data": [n for _label, n in dist["histogram"]], "itemStyle": {"color": "#a4161a"}}
        ],
    }
    return pie, bars


@login_required
def township_page(request, pk):
    """One township's year: state and actions, distribution, groups, the results table."""
    user = request.user
    request.access.require_browse()
    township = _township_for(user, pk)
    year = _year(request, selectors.default_year(user=user, township=township))
    assessment = selectors.assessment_for_year(user=user, township=township, year=year)
    context = {
        "township": township,
        "year": year,
        "assessment": assessment,
        "years": range(year + 1, year - 5, -1),
        "can_compute": request.access.can_write(township, services.COMPUTE),
        "can_sign_off": request.access.can_sign_off(township, services.SIGN_OFF),
        "can_edit_scheme": request.access.can_edit_scheme(township),
        "changes_since_lock": selectors.changes_since_lock(assessment=assessment),
        "history": (
            history_entries(assessment)
            if assessment is not None and request.access.is_township_staff
            else None
        ),
    }
    if assessment is not None and assessment.computed_at is not None:
        order = request.GET.get("sort", "rank")
        group = request.GET.get("group") or None
        grade = request.GET.get("grade") or None
        dormant = request.GET.get("dormant") == "1"
        results = selectors.score_results(
            assessment=assessment,
            group=group if group and group.isdigit() else None,
            grade=grade if grade in dict(ScoreResult.Grade.choices) else None,
            dormant=dormant,
            order=order,
        )
        page = Paginator(results, 50).get_page(request.GET.get("page"))
        dist = selectors.grade_distribution(assessment=assessment)
        pie, bars = _chart_options(dist)
        context.update(
            {
                "page_obj": page,
                "rows": selectors.result_rows(assessment=assessment, results=page.object_list),
                "item_groups": selectors.item_groups(assessment.items),
                "dist": dist,
                "pie": pie,
                "bars": bars,
                "groups": selectors.group_scores(assessment=assessment),
                "grades": ScoreResult.Grade.choices,
                "filters": {"sort": order, "group": group or "", "grade": grade or "", "dormant": dormant},
            }
        )
    return render(request, "assessments/township.html", context)


@login_required
def county_page(request):
    """County users: every township side by side for a year, and the county workbook."""
    user = request.user
    request.access.require_browse()
    if not request.access.is_county:
        return redirect("assessments:township", request.access.township_id)
    year = _year(request, selectors.default_year(user=user))
    rows = selectors.township_comparison(user=user, year=year)
    scored = [r for r in rows if r["n"]]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "top": 40, "bottom": 60},
        "xAxis": {
            "type": "category",
            "data": [r["township"].name for r in scored],
            "axisLabel": {"rotate": 30},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "stack": "g",
                "name": str(label),
                "itemStyle": {"color": GRADE_COLOURS[g]},
                "data": [r["grades"][g] for r in scored],
            }
            for g, label in ScoreResult.Grade.choices
        ],
    }
    return render(
        request,
        "assessments/county.html",
        {
            "year": year,
            "rows": rows,
            "option": option,
            "years": range(year + 1, year - 5, -1),
            "grades": ScoreResult.Grade.choices,
            "any_scored": bool(scored),
        },
    )


@login_required
@require_POST
def compute(request, pk):
    township = _township_for(request.user, pk)
    if not request.access.can_write(township, services.COMPUTE):
        raise PermissionDenied
    year = _year(request, None)
    if year is None:
        raise Http404
    try:
        services.assessment_compute(township=township, year=year, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Scores of %(year)s computed from the records.") % {"year": year})
    return redirect(reverse("assessments:township", args=[township.pk]) + f"?year={year}")


@login_required
@require_POST
def transition(request, pk, action):
    assessment = request.access.get_or_404(request.access.scope(Assessment).select_related("township"), pk=pk)
    service = {
        "publish": services.assessment_publish,
        "unpublish": services.assessment_unpublish,
        "lock": services.assessment_lock,
        "relock": services.assessment_relock,
    }.get(action)
    if service is None:
        raise Http404
    if not request.access.can_sign_off(assessment.township, services.SIGN_OFF):
        raise PermissionDenied
    try:
        assessment = service(assessment=assessment, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The assessment is now “%(state)s”.") % {"state": assessment.get_state_display()}
        )
    return redirect(
        reverse("assessments:township", args=[assessment.township_id]) + f"?year={assessment.year}"
    )


@login_required
@require_POST
def export(request, pk):
    assessment = request.access.get_or_404(selectors.assessment_visible(user=request.user), pk=pk)
    if not request.user.has_perm("core.add_documentjob"):
        raise PermissionDenied
    job = document_job_request(
        by=request.user,
        kind="assessment_scoresheet",
        params={"assessment": assessment.pk},
        township=assessment.township,
        title=_("%(township)s %(year)s scoresheet")
        % {"township": assessment.township.name, "year": assessment.year},
    )
    return render(request, "assessments/_job.html", {"job": job}) if request.htmx else redirect("documents")


@login_required
@require_POST
def export_county(request):
    if not request.access.can_request_document(None):
        raise PermissionDenied
    year = _year(request, None)
    if year is None:
        raise Http404
    job = document_job_request(
        by=request.user,
        kind="assessment_county_scoresheet",
        params={"year": year},
        title=_("County %(year)s scoresheet") % {"year": year},
    )
    return render(request, "assessments/_job.html", {"job": job}) if request.htmx else redirect("documents")


@login_required
def score_card(request, pk, deputy_pk):
    """One deputy's score: every line explained with the records it counted; adjustments."""
    user = request.user
    request.access.require_browse()
    assessment = request.access.get_or_404(selectors.assessment_visible(user=user), pk=pk)
    deputy = request.access.get_or_404(
        access_for(user).scope(Deputy), pk=deputy_pk, township=assessment.township
    )
    card = selectors.score_card(assessment=assessment, deputy=deputy)
    if card is None:
        raise Http404
    can_adjust = (
        request.access.can_write(assessment.township, services.COMPUTE)
        and assessment.state == Assessment.State.DRAFT
    )
    form = AdjustForm(request.POST or None, items=assessment.items) if can_adjust else None
    if request.method == "POST":
        if not can_adjust:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.score_adjust(
                    assessment=assessment,
                    deputy=deputy,
                    item_key=form.cleaned_data["item_key"],
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Adjustment recorded; totals, ranks and grades recomputed."))
                return redirect("assessments:card", pk=assessment.pk, deputy_pk=deputy.pk)
    elif form is not None and request.GET.get("item"):
        form.initial["item_key"] = request.GET["item"]
    return render(
        request,
        "assessments/card.html",
        {
            "assessment": assessment,
            "deputy": deputy,
            "card": card,
            "form": form,
            "can_adjust": can_adjust,
        },
    )


# --- scheme editor -------------------------------------------------------------------------


@dataclass
class _SchemeEditor:
    """The scheme page's state: the scheme (saved or an unsaved draft), its items and forms."""

    township: Township
    year: int
    can_edit: bool
    locked: bool
    scheme: ScoringScheme
    items: list[ScoringItem]
    item: ScoringItem | None  # the item being edited (?item=)
    scheme_form: SchemeForm
    item_form: ItemForm | None

    @property
    def editable(self) -> bool:
        return self.can_edit and not self.locked


@login_required
def scheme(request, pk, year):
    """The scheme of a township-year: grade thresholds and items; a live preview on one deputy."""
    request.access.require_browse()
    township = _township_for(request.user, pk)
    editor = _scheme_editor(request, township, year)
    if request.method == "POST":
        if not editor.editable:
            raise PermissionDenied
        done = _scheme_post(request, editor)
        if done:
            messages.success(request, done)
            return redirect("assessments:scheme", pk=township.pk, year=year)
    return render(request, "assessments/scheme.html", _scheme_context(editor))


def _scheme_editor(request, township, year) -> _SchemeEditor:
    can_edit = request.access.can_edit_scheme(township)
    locked = Assessment.objects.filter(township=township, year=year, state=Assessment.State.LOCKED).exists()
    if request.method == "POST" and can_edit and not locked:
        # The scheme is created (from last year's or the default) only when an editor saves.
        scheme_obj = services.scheme_get_or_create(township=township, year=year, by=request.user)
        items = list(scheme_obj.items.order_by("order", "pk"))
    else:
        scheme_obj, items = scheme_draft(township=township, year=year)
    item = None
    if request.GET.get("item") and scheme_obj.pk:
        item = request.access.get_or_404(
            ScoringItem.objects.filter(scheme=scheme_obj), pk=request.GET["item"]
        )
    next_order = max((i.order for i in items), default=0) + 10
    return _SchemeEditor(
        township=township,
        year=year,
        can_edit=can_edit,
        locked=locked,
        scheme=scheme_obj,
        items=items,
        item=item,
        scheme_form=SchemeForm(instance=scheme_obj, prefix="scheme"),
        item_form=(
            ItemForm(instance=item, prefix="item", initial=None if item else {"order": next_order})
            if can_edit and not locked
            else None
        ),
    )


def _scheme_post(request, editor: _SchemeEditor) -> str | None:
    """Run the posted form's action: its success message, or None (the page shows the errors)."""
    which = request.POST.get("form")
    action = _SCHEME_ACTIONS.get(which)
    if action is None:
        return None
    try:
        return action(request, editor)
    except ApplicationError as exc:
        # Only a posted form can show the error: a refused preset or reset is a message.
        target = {"scheme": editor.scheme_form, "item": editor.item_form}.get(which)
        if target is not None:
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
        else:
            messages.error(request, exc.message)
        return None


def _scheme_save(request, editor: _SchemeEditor) -> str | None:
    editor.scheme_form = form = SchemeForm(request.POST, instance=editor.scheme, prefix="scheme")
    if not form.is_valid():
        return None
    services.scheme_update(scheme=editor.scheme, by=request.user, **form.cleaned_data)
    return _("Grades and options saved.")


def _item_save(request, editor: _SchemeEditor) -> str | None:
    editor.item_form = form = ItemForm(request.POST, instance=editor.item, prefix="item")
    if not form.is_valid():
        return None
    services.scheme_item_save(scheme=editor.scheme, item=editor.item, by=request.user, **form.cleaned_data)
    return _("Item saved.")


def _preset_apply(request, editor: _SchemeEditor) -> str:
    services.scheme_apply_preset(scheme=editor.scheme, preset=request.POST.get("preset", ""), by=request.user)
    return _("Items replaced by the chosen scheme.")


def _items_reset(request, editor: _SchemeEditor) -> str:
    services.scheme_reset_from_previous(scheme=editor.scheme, by=request.user)
    return _("Items replaced by last year's scheme (or the default).")


_SCHEME_ACTIONS = {"scheme": _scheme_save, "item": _item_save, "preset": _preset_apply, "reset": _items_reset}


def _scheme_context(editor: _SchemeEditor) -> dict:
    scheme_obj, items = editor.scheme, editor.items
    if scheme_obj.pk:
        scheme_obj.refresh_from_db()
        items = list(scheme_obj.items.order_by("order", "pk"))
    snapshot = scheme_snapshot(scheme_obj, items)
    deputies = list(
        Deputy.objects.filter(township=editor.township, mandates__level="township")
        .filter(mandates__start_date__lte=year_bounds(editor.year)[1])
        .distinct()
        .order_by("surname_strokes", "name_pinyin")
    )
    return {
        "township": editor.township,
        "year": editor.year,
        "scheme": scheme_obj,
        "items": items,
        "explained": {i["key"]: i["explain"] for i in snapshot["items"]},
        "scheme_form": editor.scheme_form,
        "item_form": editor.item_form,
        "editing": editor.item,
        "can_edit": editor.can_edit,
        "locked": editor.locked,
        "editable": editor.editable,
        "deputies": deputies,
        "preview_deputy": deputies[0].pk if deputies else None,
        "presets": preset_choices(),
    }


@login_required
@require_POST
def scheme_item_delete(request, pk, year, item_pk):
    township = _township_for(request.user, pk)
    item = request.access.get_or_404(ScoringItem, pk=item_pk, township=township, scheme__year=year)
    try:
        services.scheme_item_delete(item=item, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Item deleted."))
    return redirect("assessments:scheme", pk=township.pk, year=year)


@dataclass(frozen=True)
class _PreviewItems:
    """The items previewed: the scheme's, with the item form's unsaved values in place."""

    items: list[ScoringItem]
    edited_key: str | None = None  # the key of the item being edited, shown highlighted
    error: str | None = None  # the item form's errors, when its values are not valid


@login_required
def scheme_preview(request, pk, year):
    """htmx: the chosen deputy's lines under the scheme as edited (the item form's unsaved values
    replace or add that item)."""
    request.access.require_browse()
    township = _township_for(request.user, pk)
    scheme_obj, items = scheme_draft(township=township, year=year)  # a read: writes nothing
    data = request.POST if request.method == "POST" else request.GET
    deputy_pk = data.get("deputy") or ""
    deputy = (
        request.access.scope(Deputy).filter(township=township, pk=deputy_pk).first()
        if deputy_pk.isdigit()
        else None
    )
    previewed = _preview_items(data, scheme_obj, items, township)
    if deputy is None:
        return render(request, "assessments/_preview.html", {"deputy": None, "error": previewed.error})
    context = _preview_context(
        deputy=deputy, township=township, year=year, scheme_obj=scheme_obj, previewed=previewed
    )
    return render(request, "assessments/_preview.html", context)


def _preview_items(data, scheme_obj, items, township) -> _PreviewItems:
    if not ((data.get("item-name") or "").strip() or data.get("editing")):
        return _PreviewItems(items)
    editing = None
    if data.get("editing"):
        editing = next((i for i in items if str(i.pk) == data["editing"]), None)
    form = ItemForm(
        data,
        instance=ScoringItem(scheme=scheme_obj if scheme_obj.pk else None, township=township)
        if editing is None
        else editing,
        prefix="item",
    )
    if not form.is_valid():
        return _PreviewItems(items, error="; ".join(str(e) for errs in form.errors.values() for e in errs))
    draft = form.save(commit=False)
    if editing is None:
        draft.pk = 0
        items.append(draft)
    else:
        items = [draft if i.pk == editing.pk else i for i in items]
    items.sort(key=lambda i: (i.order, i.pk or 0))
    return _PreviewItems(items, edited_key=str(draft.pk))


def _preview_context(*, deputy, township, year, scheme_obj, previewed: _PreviewItems) -> dict:
    """The deputy's lines under the previewed items, from this year's records."""
    snapshot = scheme_snapshot(scheme_obj, previewed.items)
    start, end, year_days = year_bounds(year)
    served = selectors.eligible_deputies(township_ids=[township.pk], start=start, end=end).get(
        township.pk, []
    )
    served_days = next((e.served_days for e in served if e.deputy_id == deputy.pk), 0)
    keys = {i["source"] for i in snapshot["items"]}
    counts = sources.source_counts(sorted(keys), township_ids=[township.pk], start=start, end=end)
    raw = deputy_lines(
        snapshot,
        deputy_id=deputy.pk,
        served_days=served_days or year_days,
        year_days=year_days,
        counts=counts,
        adjustments={},
    )
    return {
        "deputy": deputy,
        "lines": [
            {"item": i, "line": line, "edited": i["key"] == previewed.edited_key}
            for i, line in zip(items_for(snapshot, DEPUTY), raw)
        ],
        "total": sum((Decimal(line["points"]) for line in raw), Decimal(0)),
        "error": previewed.error,
        "served_days": served_days,
        "year_days": year_days,
        "scheme": scheme_obj,
    }
