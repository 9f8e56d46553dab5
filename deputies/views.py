import json
import mimetypes
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from renda.core.access import access_for
from renda.core.archive import deputy_archive
from renda.core.converters import id_or_none, year_or_none
from renda.core.exceptions import ApplicationError
from renda.core.forms import form_error, submit
from renda.core.history import history_entries
from renda.core.links import pk_url
from renda.core.models import Term
from renda.core.rows import Row
from renda.core.selectors import term_on
from renda.core.services import audit_record, document_job_request

from . import selectors as sel
from . import services
from .archive import group_sections
from .charts import structure_charts
from .documents import roster_template_workbook
from .exports import roster_export_data, roster_template_sample
from .forms import (
    ContactAssignmentForm,
    DeputyForm,
    FirstMandateForm,
    GroupForm,
    ImportConfirmForm,
    ImportForm,
    MandateEndForm,
    MembersForm,
    PresidiumEditForm,
    PresidiumMemberForm,
    RosterFilterForm,
    StationForm,
    TermChangeForm,
)
from .importing import (
    PREVIEW_JOB,
    election_result_read,
    import_preview_delete,
    import_preview_load,
    import_preview_rows,
    import_preview_save,
    import_preview_summary,
    roster_import_apply,
    roster_import_read,
    term_change_with_election_result,
)
from .models import Deputy, DeputyGroup, LiaisonStation, Mandate, PresidiumMembership
from .rules import group_size_warning

PAGE_SIZE = 50
# The columns the roster page shows (and the access policy reads to mask the phone).
LIST_FIELDS = (
    "id",
    "township_id",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "affiliation",
    "work_unit",
    "phone",
    "id_number",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


# --- roster ----------------------------------------------------------------------------------


def deputy_list(request):
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    # The filters, the count and the rows are worked out when the page's fragment is rendered:
    # a page served from the records cache needs none of them.
    form = SimpleLazyObject(lambda: RosterFilterForm(request.GET or None, user=user, township=township))

    def rows_page():
        filters = form.filters() if request.GET else {}
        qs = sel.deputy_list(user=user, township=township, filters=filters).select_related(None)
        paginator = Paginator(sel.deputy_list_columns(qs.only(*LIST_FIELDS)), PAGE_SIZE)
        paginator.count = qs.count()  # counted without the columns' join
        return paginator.get_page(request.GET.get("page"))

    page = SimpleLazyObject(rows_page)
    deputies = SimpleLazyObject(lambda: _roster_rows(request, page))
    return render(
        request,
        "deputies/list.html",
        {
            "form": form,
            "page_obj": page,
            "deputies": deputies,
            "township": township,
            "can_write": request.access.can_write(perm="deputies.add_deputy"),
            "query": request.GET.urlencode(),
            "show_township": township is None,
        },
    )


def _roster_rows(request, page) -> list[Row]:
    """Everything a row shows, worked out once here: the template only prints it."""
    detail_url, group_url = pk_url("deputies:detail"), pk_url("deputies:group")
    # the labels translated once a page, not once a row
    genders = {value: str(label) for value, label in Deputy.Gender.choices}
    affiliations = {value: str(label) for value, label in Deputy.Affiliation.choices}
    levels = {value: str(label) for value, label in Mandate.Level.choices}
    rows = []
    for d in page.object_list:
        group = d.group_now or {}
        rows.append(
            Row(
                pk=d.pk,
                url=detail_url(d.pk),
                name=d.name,
                township_name=d.township_name,
                gender_shown=genders.get(d.gender, d.gender),
                ethnicity=d.ethnicity,
                birth_month=f"{d.birth_date.year}.{d.birth_date.month:02d}" if d.birth_date else "",
                affiliation_shown=affiliations.get(d.affiliation, d.affiliation),
                work_unit=d.work_unit,
                levels=[levels[lv] for lv in sel.deputy_list_levels(d)],
                group_url=group_url(group["id"]) if group else "",
                group_now_name=group.get("name", ""),
                phone_shown=request.access.personal(d).phone,
            )
        )
    return rows


def deputy_detail(request, pk):
    user = request.user
    request.access.require_browse()
    deputy = request.access.get_or_404(access_for(user).scope(Deputy).select_related("township"), pk=pk)
    personal = request.access.personal(deputy)
    # The records' parts are worked out when the page's fragment is rendered: a page served
    # from the records cache runs none of their queries.
    archive = SimpleLazyObject(lambda: _deputy_archive_part(deputy, request.GET.get("year"), user))
    return render(
        request,
        "deputies/detail.html",
        {
            "deputy": deputy,
            "profile": SimpleLazyObject(lambda: sel.deputy_profile(deputy=deputy)),
            "phone": personal.phone,
            "id_number": personal.id_number,
            "birth_date": personal.birth_date,
            "years": SimpleLazyObject(lambda: archive["years"]),
            "year": SimpleLazyObject(lambda: archive["year"]),
            "sections": SimpleLazyObject(lambda: archive["sections"]),
            "history": SimpleLazyObject(lambda: history_entries(deputy)),
            "can_write": request.access.can_write(deputy, "deputies.change_deputy"),
            "today": timezone.localdate(),
        },
    )


def _deputy_archive_part(deputy, asked, user) -> dict:
    """The archive's years, the year shown (the one asked for if the deputy has it, else the
    latest) and its sections."""
    years = sel.deputy_archive_years(deputy=deputy)
    year = year_or_none(asked) or years[0]
    if year not in years:
        year = years[0]
    return {
        "years": years,
        "year": year,
        "sections": deputy_archive(deputy=deputy, year=year, user=user).sections,
    }


# Served inline only as one of these; anything else (which ImageField should never let in) as a download.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}


@cache_control(private=True, max_age=3600)
def deputy_photo(request, pk):
    """The deputy's photo, for whoever may see the deputy (MEDIA_URL is not served)."""
    user = request.user
    request.access.require_browse()
    deputy = request.access.get_or_404(
        access_for(user).scope(Deputy).exclude(photo="").only("pk", "photo"), pk=pk
    )
    try:
        handle = deputy.photo.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(deputy.photo.name)[0]
    if content_type in PHOTO_TYPES:
        return FileResponse(handle, content_type=content_type)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=Path(deputy.photo.name).name,
        content_type="application/octet-stream",
    )


def deputy_create(request):
    user = request.user
    request.access.require_write(perm="deputies.add_deputy")
    township = user.township
    form = DeputyForm(request.POST or None, request.FILES or None)
    mandate_form = FirstMandateForm(request.POST or None, township=township, prefix="m")
    if request.method == "POST" and form.is_valid() and mandate_form.is_valid():
        m = mandate_form.cleaned_data
        township_level = m["level"] == Mandate.Level.TOWNSHIP
        try:
            deputy = services.deputy_create(
                township=township,
                by=user,
                mandate=services.MandateStart(
                    level=m["level"],
                    term=m["term"] if township_level else None,
                    term_number=m["term"].number if township_level else m["term_number"],
                    start_date=m["start_date"],
                    start_reason=m["start_reason"],
                ),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            target = mandate_form if exc.field in mandate_form.fields else form
            form_error(target, exc)
        else:
            messages.success(request, _("%(name)s was added to the roster.") % {"name": deputy.name})
            return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/form.html", {"form": form, "mandate_form": mandate_form, "deputy": None})


def deputy_edit(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.change_deputy")
    deputy = request.access.get_or_404(access_for(user).scope(Deputy), pk=pk)
    form = DeputyForm(request.POST or None, request.FILES or None, instance=deputy)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("photo"):
            data.pop("photo", None)
        if submit(form, services.deputy_update, deputy=deputy, by=user, **data) is not None:
            messages.success(request, _("Saved."))
            return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/form.html", {"form": form, "deputy": deputy})


def mandate_add(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.add_mandate")
    deputy = request.access.get_or_404(access_for(user).scope(Deputy), pk=pk)
    form = FirstMandateForm(request.POST or None, township=deputy.township)
    if request.method == "POST" and form.is_valid():
        m = form.cleaned_data
        township_level = m["level"] == Mandate.Level.TOWNSHIP
        added = submit(
            form,
            services.mandate_create,
            deputy=deputy,
            level=m["level"],
            term=m["term"] if township_level else None,
            term_number=m["term"].number if township_level else m["term_number"],
            start_date=m["start_date"],
            start_reason=m["start_reason"],
            by=user,
        )
        if added is not None:
            messages.success(request, _("Mandate added."))
            return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/mandate_form.html", {"form": form, "deputy": deputy, "ending": None})


def mandate_end(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.change_mandate")
    mandate = request.access.get_or_404(access_for(user).scope(Mandate).select_related("deputy"), pk=pk)
    form = MandateEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if submit(form, services.mandate_end, mandate=mandate, by=user, **form.cleaned_data) is not None:
            messages.success(request, _("The mandate has ended; the history is kept."))
            return redirect("deputies:detail", pk=mandate.deputy_id)
    return render(
        request, "deputies/mandate_form.html", {"form": form, "deputy": mandate.deputy, "ending": mandate}
    )


# --- structure statistics --------------------------------------------------------------------


def structure(request):
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    level = request.GET.get("level") or None
    if level not in Mandate.Level.values:
        level = None
    # Worked out when the page's figures are rendered: figures served from the records cache
    # (records_fragment in the template) need none of it.
    stats = SimpleLazyObject(lambda: sel.deputy_structure(user=user, township=township, level=level))
    return render(
        request,
        "deputies/structure.html",
        {
            "stats": stats,
            "township": township,
            "charts": SimpleLazyObject(lambda: structure_charts(stats)),
            "level": level,
            "levels": Mandate.Level.choices,
        },
    )


# --- Excel -----------------------------------------------------------------------------------


def roster_export(request):
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    form = RosterFilterForm(request.GET or None, user=user, township=township)
    filters = form.filters() if request.GET else {}
    data = roster_export_data(user=user, township=township, filters=filters)
    from .documents import roster_workbook

    content = roster_workbook(data)
    audit_record(
        by=user,
        action="deputies_roster_export",
        detail=data.title,
        township=township,
        row_count=len(data.rows),
    )
    return _xlsx_response(content, f"{data.title}.xlsx")


def roster_template(request):
    request.access.require_browse()
    township = request.access.selected_township
    groups, term = [], None
    if township is not None:
        term = term_on(township=township)
        groups = (
            list(
                DeputyGroup.objects.filter(township=township, term=term)
                .order_by("number")
                .values_list("name", flat=True)
            )
            if term
            else []
        )
    content = roster_template_workbook(
        groups=groups, sample=roster_template_sample(groups=groups, elected=term.start_date if term else None)
    )
    return _xlsx_response(content, _("roster import template") + ".xlsx")


# --- uploaded files kept between a preview and its confirmation -------------------------------
# The file (personal data) is kept under a random token, the session remembers whose it is; a
# confirmation or a cancel deletes it (expired copies are swept daily).

UPLOAD_LIMIT = 20 * 1024 * 1024


def _upload_read(form, field, upload):
    """The uploaded file's bytes, or None with the message next to the field when it is too large."""
    if upload.size > UPLOAD_LIMIT:
        form.add_error(field, _("The file is larger than 20 MB."))
        return None
    return upload.read()


def _preview_keep(request, kind, *, township, name, content):
    token = import_preview_save(content=content)
    request.session[f"{kind}_{token}"] = {"township": township.pk, "name": name}
    return token


def _preview_load(request, kind, *, token, township):
    """(what the session knows of it, the file's bytes) of a kept file of this township, or
    (None, None) when it has expired or belongs elsewhere."""
    info = request.session.get(f"{kind}_{token}")
    if not info or township is None or info["township"] != township.pk:
        return None, None
    content = import_preview_load(token=token)
    return (info, content) if content is not None else (None, None)


def _preview_drop(request, kind, token):
    if request.session.pop(f"{kind}_{token}", None) is not None:
        import_preview_delete(token=token)


def _import_page(request, *, township, form, preview=None, token=None, confirm=None, job=None, file_error=""):
    """`preview`: import_preview_summary of the checked file (a dict); `job`: the preview job
    still running (the page shows its progress and loads itself again when it ends);
    `file_error`: why the checked file could not be read, shown under the upload field."""
    ready = bool(preview and preview["ready"])
    if ready and confirm is None:
        confirm = ImportConfirmForm(initial={"token": token})
    return render(
        request,
        "deputies/import.html",
        {
            "form": form,
            "result": preview,
            "token": token if ready else None,
            "confirm": confirm if ready else None,
            "township": township,
            "job": job,
            "file_error": file_error,
        },
    )


def roster_import(request):
    """Step 1: upload; the file is checked row by row by a background job (a progress bar while
    it runs), then the preview shows every row's outcome and how the file was read. Nothing is
    written."""
    user = request.user
    request.access.require_write(perm="deputies.add_deputy")
    township = user.township
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = _upload_read(form, "file", upload)
        if content is not None:
            token = _preview_keep(
                request, "roster_import", township=township, name=upload.name, content=content
            )
            job = document_job_request(
                by=user,
                kind=PREVIEW_JOB,
                params={"token": token},
                township=township,
                title=_("Checking %(name)s") % {"name": upload.name},
            )
            return redirect(reverse("deputies:import") + f"?preview={job.pk}")
    job_id = id_or_none(request.GET.get("preview"))
    if request.method == "GET" and job_id is not None:
        return _import_preview_page(request, township=township, form=form, job_id=job_id)
    return _import_page(request, township=township, form=form)


def _import_preview_page(request, *, township, form, job_id):
    job = request.access.get_or_404(
        request.access.jobs().filter(kind=PREVIEW_JOB, requested_by=request.user), pk=job_id
    )
    token = job.params.get("token", "")
    if not request.session.get(f"roster_import_{token}") or job.file_deleted_at:
        messages.error(request, _("This import has expired; upload the file again."))
        return redirect("deputies:import")
    if not job.is_finished:
        return _import_page(request, township=township, form=form, job=job)
    if job.status == job.Status.FAILED:
        _preview_drop(request, "roster_import", token)
        return _import_page(request, township=township, form=form, file_error=job.error)
    with job.file.open("rb") as f:
        preview = json.load(f)
    file_error = preview["file_error"]
    if file_error:
        preview = None
    if not (preview and preview["ready"]):
        # rows with errors: nothing is kept; the secretary corrects the workbook and uploads again
        _preview_drop(request, "roster_import", token)
    return _import_page(
        request, township=township, form=form, preview=preview, token=token, file_error=file_error
    )


@require_POST
def roster_import_confirm(request):
    """Step 2: apply the checked file in one transaction (checked again against today's roster),
    with the election date and the groups to create that the preview asked for."""
    user = request.user
    request.access.require_write(perm="deputies.add_deputy")
    confirm = ImportConfirmForm(request.POST)
    token = request.POST.get("token", "")
    township = request.access.selected_township
    info, content = (
        _preview_load(request, "roster_import", token=token, township=township)
        if confirm.is_valid()
        else (None, None)
    )
    if content is None:
        messages.error(request, _("This import has expired; upload the file again."))
        return redirect("deputies:import")
    result = roster_import_read(
        township=township,
        content=content,
        elected_on=confirm.cleaned_data["elected_on"],
        create_groups=confirm.cleaned_data["create_groups"],
    )
    if result.error_rows or result.file_error:
        messages.error(
            request, _("The roster changed since the preview and the file now has errors; upload it again.")
        )
        return redirect("deputies:import")
    _confirm_form_errors(confirm, result)
    if not result.ok:
        return _import_page(
            request,
            township=township,
            form=ImportForm(),
            preview=import_preview_summary(result),
            token=token,
            confirm=confirm,
        )
    try:
        counts = roster_import_apply(township=township, result=result, by=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("deputies:import")
    _preview_drop(request, "roster_import", token)
    audit_record(
        by=user,
        action="deputies_roster_import",
        detail=info.get("name", ""),
        township=township,
        row_count=len(result.rows),
    )
    messages.success(
        request,
        _("Import done: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
        % {"new": counts["new"], "update": counts["update"], "unchanged": counts["unchanged"]},
    )
    return redirect("deputies:list")


def _confirm_form_errors(confirm, result):
    """What the confirmation still lacks, next to the field that gives it."""
    if result.needs_elected_on:
        confirm.add_error("elected_on", _("Give the date the new mandates start."))
    if result.missing_groups and not result.create_groups:
        confirm.add_error(
            "create_groups",
            _("Tick this to create the groups, or correct the group names in the file and upload it again."),
        )


@require_POST
def roster_import_cancel(request):
    """Drop a preview: its copy of the file (personal data) is deleted at once."""
    request.access.require_write(perm="deputies.add_deputy")
    _preview_drop(request, "roster_import", request.POST.get("token", ""))
    messages.info(request, _("Import cancelled; the uploaded file was deleted."))
    return redirect("deputies:import")


# --- groups ----------------------------------------------------------------------------------


def group_list(request):
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    groups = list(sel.group_list(user=user, township=township))
    sel.group_member_counts(groups=groups)
    for g in groups:
        g.size_warning = group_size_warning(g.member_count)
    return render(
        request,
        "deputies/groups.html",
        {
            "groups": groups,
            "township": township,
            "can_write": request.access.can_write(perm="deputies.add_deputygroup"),
        },
    )


def group_detail(request, pk):
    user = request.user
    request.access.require_browse()
    group = request.access.get_or_404(
        access_for(user).scope(DeputyGroup).select_related("township", "term", "leader", "deputy_leader"),
        pk=pk,
    )
    members = sel.group_members(group=group)
    serving = [d for d in members if d.serving]
    # the yearly plan against what was held: a section the meetings app provides (hook
    # archive.GROUP_SECTION), for a year of the group's term (this year when it is one)
    years = list(range(group.term.start_date.year, group.term.end_date.year + 1))
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year
    year = min(max(year, years[0]), years[-1])
    return render(
        request,
        "deputies/group_detail.html",
        {
            "group": group,
            "members": members,
            "year": year,
            "years": years,
            "sections": group_sections(group, year, user),
            "size_warning": group_size_warning(len(serving)),
            "serving_count": len(serving),
            "can_write": request.access.can_write(group, "deputies.change_deputygroup"),
            "history": history_entries(group),
        },
    )


def group_edit(request, pk=None):
    user = request.user
    request.access.require_write(perm="deputies.change_deputygroup" if pk else "deputies.add_deputygroup")
    group = request.access.get_or_404(access_for(user).scope(DeputyGroup), pk=pk) if pk else None
    initial = {}
    if group:
        initial = {
            k: getattr(group, k)
            for k in ("term", "number", "name", "activity_room", "villages", "leader", "deputy_leader")
        }
    form = GroupForm(request.POST or None, township=user.township, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form, services.group_save, township=user.township, by=user, group=group, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("deputies:group_members" if pk is None else "deputies:group", pk=saved.pk)
    return render(request, "deputies/group_form.html", {"form": form, "group": group})


def group_members(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.change_deputygroup")
    group = request.access.get_or_404(access_for(user).scope(DeputyGroup), pk=pk)
    current = sel.group_members(group=group)
    form = MembersForm(
        request.POST or None,
        township=group.township,
        label=_("members"),
        initial={"members": [d.pk for d in current]},
    )
    if request.method == "POST" and form.is_valid():
        warnings = services.group_set_members(group=group, deputies=form.cleaned_data["members"], by=user)
        for w in warnings:
            messages.warning(request, w)
        messages.success(request, _("Members saved."))
        return redirect("deputies:group", pk=group.pk)
    return render(
        request,
        "deputies/members_form.html",
        {"form": form, "object": group, "back": reverse("deputies:group", args=[group.pk])},
    )


# --- stations --------------------------------------------------------------------------------


def station_list(request):
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    return render(
        request,
        "deputies/stations.html",
        {
            "stations": sel.station_list(user=user, township=township),
            "township": township,
            "can_write": request.access.can_write(perm="deputies.add_liaisonstation"),
        },
    )


def station_detail(request, pk):
    user = request.user
    request.access.require_browse()
    station = request.access.get_or_404(
        access_for(user).scope(LiaisonStation).select_related("township", "head"), pk=pk
    )
    residents = list(station.resident_deputies.order_by(*sel.SORTS["strokes"]))
    return render(
        request,
        "deputies/station_detail.html",
        {
            "station": station,
            "residents": residents,
            "deputy_heads": list(station.deputy_heads.all()),
            "can_write": request.access.can_write(station, "deputies.change_liaisonstation"),
            "history": history_entries(station),
        },
    )


def station_edit(request, pk=None):
    user = request.user
    request.access.require_write(
        perm="deputies.change_liaisonstation" if pk else "deputies.add_liaisonstation"
    )
    station = request.access.get_or_404(access_for(user).scope(LiaisonStation), pk=pk) if pk else None
    form = StationForm(request.POST or None, instance=station, township=user.township)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form, services.station_save, township=user.township, by=user, station=station, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("deputies:station", pk=saved.pk)
    return render(request, "deputies/station_form.html", {"form": form, "station": station})


def station_residents(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.change_liaisonstation")
    station = request.access.get_or_404(access_for(user).scope(LiaisonStation), pk=pk)
    form = MembersForm(
        request.POST or None,
        township=station.township,
        label=_("resident deputies"),
        initial={"members": list(station.resident_deputies.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        for w in services.station_set_residents(
            station=station, deputies=form.cleaned_data["members"], by=user
        ):
            messages.warning(request, w)
        messages.success(request, _("Resident deputies saved."))
        return redirect("deputies:station", pk=station.pk)
    return render(
        request,
        "deputies/members_form.html",
        {"form": form, "object": station, "back": reverse("deputies:station", args=[station.pk])},
    )


# --- presidium (主席团) ----------------------------------------------------------------------


def _term_from(request, township):
    terms = list(Term.objects.filter(township=township).order_by("-number"))
    wanted = request.GET.get("term") or request.POST.get("term_pk")
    if wanted and str(wanted).isdigit():
        for t in terms:
            if t.pk == int(wanted):
                return t, terms
    return (term_on(township=township) or (terms[0] if terms else None)), terms


def presidium(request):
    """A term's presidium: 主席, 副主席 and 委员 with their dates, editable by the secretary."""
    user = request.user
    request.access.require_browse()
    township = request.access.selected_township
    if township is None:
        return render(request, "deputies/presidium.html", {"township": None})
    term, terms = _term_from(request, township)
    can_write = township is not None and request.access.can_write(
        township, "deputies.add_presidiummembership"
    )
    form = None
    if township.has_presidium and term is not None and can_write:
        form = PresidiumMemberForm(request.POST or None, township=township, term=term)
        if request.method == "POST" and form.is_valid():
            try:
                m = services.presidium_member_add(township=township, term=term, by=user, **form.cleaned_data)
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request, _("%(name)s was recorded in the presidium.") % {"name": m.deputy.name}
                )
                return redirect(reverse("deputies:presidium") + f"?term={term.pk}")
    elif request.method == "POST":
        raise PermissionDenied
    page = sel.presidium_page(township=township, term=term) if term is not None else None
    return render(
        request,
        "deputies/presidium.html",
        {
            "township": township,
            "term": term,
            "terms": terms,
            "page": page,
            "form": form,
            "can_write": can_write,
        },
    )


def contact_assignments(request):
    """两联一述 of a term: which deputies each presidium member keeps in contact with, who is left
    out, and each deputy's voters (edited on the deputy's form)."""
    request.access.require_browse()
    township = request.access.selected_township
    context = {"township": township}
    if township is not None and township.has_presidium:
        term, terms = _term_from(request, township)
        context.update(
            term=term,
            terms=terms,
            page=sel.contact_assignment_page(township=township, term=term) if term else None,
            can_write=request.access.can_write(township, "deputies.change_contactassignment"),
        )
    return render(request, "deputies/contacts.html", context)


def contact_assignment_edit(request, pk):
    """The deputies one presidium member (a membership of a term) keeps in contact with."""
    membership = request.access.get_or_404(
        request.access.scope(PresidiumMembership).select_related("deputy", "term"), pk=pk
    )
    request.access.require_write(membership, "deputies.change_contactassignment")
    term, township = membership.term, membership.township
    form = ContactAssignmentForm(
        request.POST or None,
        township=township,
        term=term,
        member=membership,
        initial={"deputies": sel.contact_assignment_deputy_ids(membership=membership)},
    )
    back = reverse("deputies:contacts") + f"?term={term.pk}"
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_assignments_set(
                township=township,
                term=term,
                member=membership,
                deputies=form.cleaned_data["deputies"],
                by=request.user,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request, "deputies/contact_edit.html", {"form": form, "membership": membership, "back": back}
    )


def presidium_edit(request, pk):
    user = request.user
    request.access.require_write(perm="deputies.change_presidiummembership")
    m = request.access.get_or_404(
        request.access.scope(PresidiumMembership).select_related("deputy", "term"), pk=pk
    )
    initial = {"role": m.role, "start_date": m.start_date, "end_date": m.end_date}
    form = PresidiumEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            submit(form, services.presidium_member_update, membership=m, by=user, **form.cleaned_data)
            is not None
        ):
            messages.success(request, _("Saved."))
            return redirect(reverse("deputies:presidium") + f"?term={m.term_id}")
    return render(request, "deputies/presidium_edit.html", {"form": form, "membership": m})


def _term_change_township(request):
    """The township a term change is for: the secretary's own, or the one an admin picked."""
    user = request.user
    if user.township_id is not None:
        request.access.require_write(perm="deputies.add_mandate")
        return user.township
    if not request.access.can_admin_county:
        raise PermissionDenied
    township = request.access.selected_township
    if township is None:
        raise Http404
    return township


def _election_preview(request, form, township, token):
    """Check an uploaded election result (nothing written); keep the file when every row is
    right, for the confirmation. Returns (result, token or None)."""
    data = form.cleaned_data
    upload = data["election_file"]
    if token:  # a file uploaded again replaces the one checked before
        _preview_drop(request, "term_change", token)
    content = _upload_read(form, "election_file", upload)
    if content is None:
        return None, None
    result = election_result_read(
        township=township,
        content=content,
        number=data["number"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        election_date=data["election_date"],
    )
    if result.file_error:
        form.add_error("election_file", result.file_error)
        return None, None
    if result.error_rows:
        return result, None
    return result, _preview_keep(request, "term_change", township=township, name=upload.name, content=content)


def _term_change_with_file(request, form, township, token):
    """The confirmation of a checked election result: the term change and the newly elected in
    one transaction. Returns the response, or None to show the form again."""
    info, content = _preview_load(request, "term_change", token=token, township=township)
    if content is None:
        form.add_error("election_file", _("The checked file has expired; upload it again."))
        return None
    data = form.cleaned_data
    try:
        new, result = term_change_with_election_result(
            township=township,
            content=content,
            number=data["number"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            election_date=data["election_date"],
            presidium=form.presidium(),
            copy_groups=data["copy_groups"],
            by=request.user,
        )
    except ApplicationError as exc:
        form_error(form, exc)
        return None
    _preview_drop(request, "term_change", token)
    audit_record(
        by=request.user,
        action="deputies_election_result_import",
        detail=info.get("name", ""),
        township=township,
        row_count=len(result.rows),
    )
    messages.success(
        request,
        _(
            "%(term)s recorded from the election result: %(re)s re-elected, %(new)s newly elected "
            "deputies have mandates in it. Check the presidium and the groups."
        )
        % {"term": new.label, "re": result.reelected_count, "new": result.newly_elected_count},
    )
    return redirect(reverse("deputies:presidium") + f"?term={new.pk}")


def term_change(request):
    """换届 as one guided step (see services.term_change): from the ticked re-elected deputies, or
    from an election result's file (checked in a preview first, then recorded with the term
    change in one transaction, see importing.term_change_with_election_result)."""
    township = _term_change_township(request)
    old = Term.objects.filter(township=township).order_by("-start_date").first()
    form = TermChangeForm(request.POST or None, request.FILES or None, township=township, old_term=old)
    result, token = None, None
    posted_token = request.POST.get("token", "") if request.method == "POST" else ""
    if township.has_presidium and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("election_file") is not None:
            result, token = _election_preview(request, form, township, posted_token)
            return _term_change_page(request, form, township, old, result, token)
        if posted_token:
            response = _term_change_with_file(request, form, township, posted_token)
            if response is not None:
                return response
            token = posted_token if request.session.get(f"term_change_{posted_token}") else None
            return _term_change_page(request, form, township, old, None, token)
        try:
            new = services.term_change(
                township=township,
                number=data["number"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                election_date=data["election_date"],
                reelected=data["reelected"],
                presidium=form.presidium(),
                copy_groups=data["copy_groups"],
                by=request.user,
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(term)s recorded: %(n)s re-elected deputies have new mandates. Add the newly "
                    "elected deputies with the roster import; check the presidium and the groups."
                )
                % {"term": new.label, "n": len(data["reelected"])},
            )
            return redirect(reverse("deputies:presidium") + f"?term={new.pk}")
    elif posted_token and request.session.get(f"term_change_{posted_token}"):
        token = posted_token  # the form has an error: the checked file stays for the next try
    return _term_change_page(request, form, township, old, result, token)


@require_POST
def term_change_cancel(request):
    """Drop a checked election result: its copy of the file (personal data) is deleted at once."""
    _term_change_township(request)
    _preview_drop(request, "term_change", request.POST.get("token", ""))
    messages.info(request, _("The checked election result was deleted; nothing was recorded."))
    return redirect("deputies:term_change")


def _term_change_page(request, form, township, old, result, token):
    return render(
        request,
        "deputies/term_change.html",
        {
            "form": form,
            "township": township,
            "old": old,
            "result": result,
            "token": token,
            "rows": import_preview_rows(result) if result else [],
        },
    )
