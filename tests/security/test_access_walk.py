"""Walk every URL pattern with every role, on the own and on another township's records.

The answers a role may get:
- anonymous: a redirect to the login page (the few public URLs aside);
- township staff (secretary, chair) on their own township: the page (200), a redirect, or 405
  for POST-only URLs; never 403/404/500;
- township staff on another township's record: 403 or 404, GET or POST;
- county reviewer: reads everything, and a POST changes no township data;
- handling unit: only proposals assigned to it;
- the Django admin: only for admins.
On top of the status codes (all decided by renda.core.access):
- content: a marker written into the other township's records must never appear in a page,
  chart or file (zip members read) that the own township's staff or handling unit receive;
- every GET leaves the row counts and latest changes of every township table as they were;
- the handling unit tries every proposal URL on a proposal not assigned to it;
- the reviewer and the county admin try every township user's document.
Every violation is listed at the end with the URL and what came back.
"""

import datetime as dt
import functools

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from renda.core.access import access_for
from renda.core.models import DocumentJob, User

PUBLIC = {
    "login",
    "healthz",
    "set_language",
    "logout",
    # the public page 议案建议进行时 (tests/portal/test_public.py checks what it shows)
    "portal:public",
    "portal:public_county",
    "portal:public_township_latest",
    "portal:public_township",
}
# Pages for county users only: township staff may get 403 there.
COUNTY_ONLY = {"township_export", "assessments:county", "assessments:export_county"}
# The deputy's own pages (portal, /me/): every other role gets 403 there.
DEPUTY_ONLY = {
    "portal:me",
    "portal:me_record",
    "portal:me_score",
    "portal:proposal",
    "portal:reply_letter",
    "portal:answer",
    "portal:me_draft",
    "portal:me_messages",
    "portal:me_password",
}
# What a deputy account reaches besides its own pages and the public ones.
DEPUTY_OK = {"home": {302}}
# POSTs a reviewer may make: navigation, their own account, requesting documents.
REVIEWER_POST_OK = {"township_select", "set_language", "logout", "password_change", "document_retry"}
SLUGS = {"what": "report", "action": "register", "slug": "x"}


def _first(label, township, **filters):
    model = apps.get_model(label)
    return model.objects.filter(township=township, **filters).order_by("pk").first()


def _void_kwargs(township):
    from django.contrib.contenttypes.models import ContentType

    model = apps.get_model("meetings.Activity")
    return {"ct": ContentType.objects.get_for_model(model).pk, "pk": _first("meetings.Activity", township)}


def _assessment_first(township):
    return _first("assessments.Assessment", township)


def _deputy_with_photo(township):
    """The township's first deputy, given a photo if it has none (the demo data has no photos)."""
    from django.core.files.storage import default_storage

    deputy = _first("deputies.Deputy", township)
    if deputy is not None and not deputy.photo:
        name = default_storage.save(
            "deputies/photos/walk.gif",
            ContentFile(
                b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
                b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
            ),
        )
        type(deputy).objects.filter(pk=deputy.pk).update(photo=name)
    return deputy


# URL name -> kwargs for a township's records (a function of the township)
RESOLVERS = {
    "document_status": lambda t: {"pk": _first("core.DocumentJob", t)},
    "document_download": lambda t: {"pk": _first("core.DocumentJob", t)},
    "document_retry": lambda t: {"pk": _first("core.DocumentJob", t)},
    "deputies:detail": lambda t: {"pk": _first("deputies.Deputy", t)},
    "deputies:edit": lambda t: {"pk": _first("deputies.Deputy", t)},
    "deputies:photo": lambda t: {"pk": _deputy_with_photo(t)},
    "deputies:mandate_add": lambda t: {"pk": _first("deputies.Deputy", t)},
    "deputies:mandate_end": lambda t: {"pk": _first("deputies.Mandate", t)},
    "deputies:group": lambda t: {"pk": _first("deputies.DeputyGroup", t)},
    "deputies:group_edit": lambda t: {"pk": _first("deputies.DeputyGroup", t)},
    "deputies:group_members": lambda t: {"pk": _first("deputies.DeputyGroup", t)},
    "deputies:presidium_edit": lambda t: {"pk": _first("deputies.PresidiumMembership", t)},
    "deputies:contact_edit": lambda t: {"pk": _first("deputies.PresidiumMembership", t)},
    "deputies:station": lambda t: {"pk": _first("deputies.LiaisonStation", t)},
    "deputies:station_edit": lambda t: {"pk": _first("deputies.LiaisonStation", t)},
    "deputies:station_residents": lambda t: {"pk": _first("deputies.LiaisonStation", t)},
    "meetings:session_detail": lambda t: {"pk": _first("meetings.Session", t)},
    "meetings:session_edit": lambda t: {"pk": _first("meetings.Session", t)},
    "meetings:session_attendance": lambda t: {"pk": _first("meetings.Session", t)},
    "meetings:session_expected_change": lambda t: {"pk": _first("meetings.Session", t)},
    "meetings:session_child_add": lambda t: {"pk": _first("meetings.Session", t), "what": "speech"},
    "meetings:session_prep_mark": lambda t: {
        "pk": (item := _first("meetings.SessionPrepItem", t)) and item.session_id,
        "item_pk": item,
    },
    "meetings:meeting_detail": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_edit": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_attendance": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_agenda_add": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_non_voting_add": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_decision_add": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:meeting_minutes": lambda t: {"pk": _first("meetings.PresidiumMeeting", t)},
    "meetings:agenda_vote": lambda t: {"pk": _first("meetings.AgendaItem", t)},
    "meetings:agenda_edit": lambda t: {"pk": _first("meetings.AgendaItem", t)},
    "meetings:agenda_delete": lambda t: {"pk": _first("meetings.AgendaItem", t)},
    "meetings:decision_detail": lambda t: {"pk": _first("meetings.Decision", t)},
    "meetings:activity_detail": lambda t: {"pk": _first("meetings.Activity", t)},
    "meetings:activity_edit": lambda t: {"pk": _first("meetings.Activity", t)},
    "meetings:activity_attachment_add": lambda t: {"pk": _first("meetings.Activity", t)},
    "meetings:attachment_download": lambda t: {"pk": _first("meetings.ActivityAttachment", t)},
    "meetings:contact_detail": lambda t: {"pk": _first("meetings.DeputyContact", t)},
    "meetings:issue_create": lambda t: {"pk": _first("meetings.Activity", t, kind="reception")},
    "meetings:issue_detail": lambda t: {"pk": _first("meetings.ReceptionIssue", t)},
    "meetings:year_record": lambda t: {"what": "appraisal", "pk": _first("meetings.Appraisal", t)},
    "meetings:issue_step": lambda t: {"pk": _first("meetings.ReceptionIssue", t), "step": "sort"},
    "meetings:rota_entry": lambda t: {"pk": _first("meetings.RotaEntry", t)},
    "meetings:plan_edit": lambda t: {"pk": _first("meetings.PlannedActivity", t)},
    "proposals:detail": lambda t: {"pk": _first("proposals.Proposal", t)},
    "proposals:edit": lambda t: {"pk": _first("proposals.Proposal", t)},
    "proposals:undo": lambda t: {"pk": _first("proposals.Proposal", t)},
    "proposals:assignment_sheet": lambda t: {
        "pk": _first("proposals.Proposal", t, state="assigned") or _first("proposals.Proposal", t)
    },
    "proposals:action": lambda t: {
        "pk": _first("proposals.Proposal", t, state="submitted"),
        "action": "register",
    },
    "proposals:unit_edit": lambda t: {"pk": _first("proposals.HandlingUnit", t)},
    "proposals:attachment": lambda t: {
        "pk": (a := _first("proposals.ProposalAttachment", t)) and a.proposal_id,
        "file_pk": a,
    },
    "proposals:reply_letter": lambda t: {
        "pk": (
            r := apps.get_model("proposals.ProposalReply")
            .objects.filter(township=t)
            .exclude(file="")
            .order_by("pk")
            .first()
        )
        and r.proposal_id,
        "file_pk": r,
    },
    "assessments:township": lambda t: {"pk": t},
    "assessments:compute": lambda t: {"pk": t},
    "assessments:scheme": lambda t: {"pk": t, "year": dt.date.today().year},
    "assessments:scheme_preview": lambda t: {"pk": t, "year": dt.date.today().year},
    "assessments:scheme_item_delete": lambda t: {
        "pk": t,
        "year": dt.date.today().year,
        "item_pk": _first("assessments.ScoringItem", t, scheme__year=dt.date.today().year),
    },
    "assessments:export": lambda t: {"pk": _assessment_first(t)},
    "assessments:transition": lambda t: {"pk": _assessment_first(t), "action": "publish"},
    "proposals:publication": lambda t: {"pk": _first("proposals.Proposal", t)},
    "portal:public_county": lambda t: {"year": dt.date.today().year},
    "portal:proposal": lambda t: {"pk": _first("proposals.Proposal", t)},
    "portal:reply_letter": lambda t: {
        "pk": (
            r := apps.get_model("proposals.ProposalReply").objects.filter(township=t).order_by("pk").first()
        )
        and r.proposal_id,
        "reply_pk": r,
    },
    "portal:answer": lambda t: {"activity_pk": _first("meetings.Activity", t)},
    "portal:draft_handle": lambda t: {"pk": _first("portal.SuggestionDraft", t)},
    "portal:public_township_latest": lambda t: {"code": t.code},
    "portal:public_township": lambda t: {"code": t.code, "year": dt.date.today().year},
    "assessments:card": lambda t: {"pk": _assessment_first(t), "deputy_pk": _first("deputies.Deputy", t)},
    "record_void": lambda t: _void_kwargs(t),
    "record_restore": lambda t: _void_kwargs(t),
    "record_delete": lambda t: _void_kwargs(t),
}


# URLs whose record is named in the query string
QUERIES = {
    "dashboard:records": lambda t: f"?metric=overdue&year={dt.date.today().year}&township={t.pk}",
}


def url_patterns(resolver=None, prefix="", ns=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            n = ns
            if p.namespace:
                n = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from url_patterns(p, prefix + str(p.pattern), n)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else p.name or ""
            yield prefix + str(p.pattern), name, p


def build_path(route, kwargs):
    """Fill a route like 'deputies/<int:pk>/edit/' with the given values (objects -> pk)."""
    import re

    def value(m):
        key = m.group(2)
        v = kwargs[key]
        return str(getattr(v, "pk", v))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _param_names(route):
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _fingerprinted_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.label not in ("core.DocumentJob", "core.HistoricalDocumentJob", "core.AuditEvent")
        and any(f.name == "township" for f in model._meta.concrete_fields)
        and hasattr(model, "updated_at")
    ]


@functools.cache
def _fingerprint_sql():
    """One statement (UNION ALL) counting what every township model's default manager sees."""
    parts, params = [], []
    models = _fingerprinted_models()
    for i, model in enumerate(models):
        inner = model.objects.order_by().values(_fp_pk=F("pk"), _fp_m=F("updated_at"))
        sql, inner_params = inner.query.sql_with_params()
        parts.append(f"SELECT {i}, COUNT(s._fp_pk), MAX(s._fp_m) FROM ({sql}) s")  # noqa: S608 - the ORM's SQL
        params.extend(inner_params)
    return [model._meta.label for model in models], " UNION ALL ".join(parts), params


def data_fingerprint():
    """Row counts and latest change of every township model: a POST that changes data moves it.

    Each model's default manager (voided rows and rows of a voided parent left out) counts its rows
    and takes the latest updated_at, as `aggregate(Count("pk"), Max("updated_at"))` would; the
    queries go to the database as one statement made once, not one round trip per model, since
    the walk and the fuzz test take this fingerprint around thousands of requests."""
    labels, sql, params = _fingerprint_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {i: (n, m) for i, n, m in cursor.fetchall()}
    return {label: rows[i] for i, label in enumerate(labels)}


MARKER = "标记他乡专用字样"
MARKER_READERS = {"secretary (own)", "chair (own)", "handling unit"}


def _mark_other_township(other):
    """Write the marker into the other township's deputies, proposals, meetings and activities."""
    for label, field in [
        ("deputies.Deputy", "work_unit"),
        ("proposals.Proposal", "title"),
        ("meetings.Activity", "topic"),
        ("meetings.PresidiumMeeting", "place"),
        ("proposals.HandlingUnit", "contact_person"),
    ]:
        model = apps.get_model(label)
        if any(f.name == field for f in model._meta.concrete_fields):
            model.objects.filter(township=other).update(**{field: MARKER})


def _content_text(response):
    """The text of a response: the page, or every member of a zip file (xlsx, docx, bundles)."""
    import io
    import zipfile

    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
    else:
        body = response.content
    if body.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
        except zipfile.BadZipFile:
            return ""
    return body.decode("utf-8", "ignore")


def _client(username=None):
    c = Client(raise_request_exception=False)
    if username:
        c.force_login(User.objects.get(username=username))
    return c


def test_every_url_with_every_role(county):
    own, other = county
    anon = _client()
    sec, chair = _client(f"{own.code}_mishu"), _client(f"{own.code}_zhuxi")
    other_sec = _client(f"{other.code}_mishu")
    reviewer = _client("county_reviewer")
    unit_user = User.objects.filter(township=own, groups__name="handling_unit").first()
    unit = _client(unit_user.username) if unit_user else None
    deputy = _client(f"{own.code}_daibiao")  # seeded by portal/demo.py
    problems, walked, missing = [], [], []
    _mark_other_township(other)
    foreign_proposal = None
    if unit_user:
        from proposals.models import Proposal

        assigned = access_for(unit_user).scope(Proposal).values("pk")
        foreign_proposal = (
            Proposal.objects.filter(township=own).exclude(pk__in=assigned).order_by("pk").first()
        )

    for route, name, _pattern in url_patterns():
        if route.startswith("admin/"):
            continue
        params = _param_names(route)
        if params:
            if name not in RESOLVERS:
                problems.append(f"{route} ({name}): not in the walk's RESOLVERS; add it")
                continue
            own_kw, other_kw = RESOLVERS[name](own), RESOLVERS[name](other)
            if any(v is None for v in [*own_kw.values(), *other_kw.values()]):
                missing.append(name)
                continue
            own_path = build_path(route, own_kw)
        else:
            own_path = build_path(route, {})
        if name in QUERIES:
            own_path += QUERIES[name](own)
            if name not in COUNTY_ONLY:
                params = ["pk"]  # the query names a township's record: check the other township too
        walked.append(name)

        def check(who, client, method, path, allowed, note="", name=name):
            before = data_fingerprint() if method == "get" else None
            response = getattr(client, method)(path)
            if before is not None and data_fingerprint() != before:
                problems.append(f"GET {path} ({name}) as {who} wrote to the database")
            if who in MARKER_READERS and MARKER in _content_text(response):
                problems.append(f"{method.upper()} {path} ({name}) as {who}: shows the other township's data")
            code = response.status_code
            if code == 302 and "/accounts/login/" in response.get("Location", ""):
                code = "login"
            if code not in allowed:
                problems.append(
                    f"{method.upper()} {path} ({name}) as {who}: got {code}, expected {allowed} {note}"
                )
            return response

        # anonymous: the login page
        if name not in PUBLIC:
            check("anonymous", anon, "get", own_path, {"login"})
        if name in PUBLIC:
            continue

        # own township staff: the page (or 405 for POST-only), never 403/404/500
        staff_ok = {200, 302, 405} | ({403} if name in COUNTY_ONLY | DEPUTY_ONLY else set())
        check("secretary (own)", sec, "get", own_path, staff_ok)
        check("chair (own)", chair, "get", own_path, staff_ok)

        # another township's staff on this township's record: refused, GET and POST
        if params and "pk" in params and name not in COUNTY_ONLY | DEPUTY_ONLY:
            # 405: a POST-only URL refuses a GET before looking anything up
            check("secretary (other township)", other_sec, "get", own_path, {403, 404, 405})
            before = data_fingerprint()
            check("secretary (other township)", other_sec, "post", own_path, {403, 404})
            if data_fingerprint() != before:
                problems.append(f"POST {own_path} ({name}) as secretary of another township changed data")

        # county reviewer: reads; a POST changes nothing
        # …except documents a township user asked for: never another user's file
        reviewer_get_ok = {404} if name in ("document_status", "document_download") else {200, 302, 403, 405}
        check("county reviewer", reviewer, "get", own_path, reviewer_get_ok)
        if name not in REVIEWER_POST_OK:
            before = data_fingerprint()
            check("county reviewer", reviewer, "post", own_path, {200, 302, 400, 403, 404, 405})
            after = data_fingerprint()
            if after != before:
                changed = [k for k in after if after[k] != before.get(k)]
                problems.append(f"POST {own_path} ({name}) as county reviewer changed {changed}")

        # handling unit: nothing outside the proposals assigned to it
        if (
            unit
            and not name.startswith("proposals:")
            and name
            not in {
                "home",
                "documents",
                "password_change",
                "password_change_done",
                "document_status",
                "document_download",
                "document_retry",
            }
        ):
            check("handling unit", unit, "get", own_path, {403, 404, 405})
        # …and on every proposal URL with a proposal not assigned to its unit
        if unit and name.startswith("proposals:") and "pk" in params and foreign_proposal is not None:
            kw = dict(own_kw)
            kw["pk"] = foreign_proposal
            if "file_pk" not in kw or name == "proposals:detail":
                check("handling unit", unit, "get", build_path(route, kw), {403, 404, 405})

        # a deputy's own account: their own pages; the office's pages are closed (GET and POST)
        if name in DEPUTY_ONLY:
            if not params:
                check("deputy", deputy, "get", own_path, {200})
        else:
            check("deputy", deputy, "get", own_path, DEPUTY_OK.get(name, {403, 404, 405}))
            if name not in {"logout"}:
                before = data_fingerprint()
                check("deputy", deputy, "post", own_path, DEPUTY_OK.get(name, {403, 404, 405}))
                if data_fingerprint() != before:
                    problems.append(f"POST {own_path} ({name}) as a deputy changed data")

    # the Django admin: only for admins (one seeded county serves every check here)
    for username in [f"{own.code}_mishu", f"{own.code}_zhuxi", "county_reviewer"]:
        response = _client(username).get("/admin/")
        if not (response.status_code == 302 and "/admin/login/" in response["Location"]):
            problems.append(
                f"GET /admin/ as {username}: got {response.status_code}, expected the admin login"
            )
    if _client("county_admin").get("/admin/").status_code != 200:
        problems.append("GET /admin/ as county_admin: not 200")

    # file downloads go through the permission check
    # the job made for the walk (POSTs during the walk may have requested more documents)
    job = DocumentJob.objects.filter(township=own, title="测试文件").order_by("pk").first()
    path = f"/documents/{job.pk}/download/"
    for who, client, expected in [
        ("secretary (own)", sec, 200),
        ("secretary (other township)", other_sec, 404),
        ("county reviewer", reviewer, 404),
        ("county admin", _client("county_admin"), 404),
        ("anonymous", anon, 302),
    ]:
        if client.get(path).status_code != expected:
            problems.append(f"GET {path} as {who}: expected {expected}")

    # every document a township user asked for: never for the reviewer or the county admin
    county_admin = _client("county_admin")
    for job in DocumentJob.objects.filter(requested_by__township__isnull=False):
        for who, client in (("county reviewer", reviewer), ("county admin", county_admin)):
            for what in ("download", "status"):
                if client.get(f"/documents/{job.pk}/{what}/").status_code != 404:
                    problems.append(f"GET /documents/{job.pk}/{what}/ as {who}: expected 404")

    assert not problems, f"{len(problems)} access problems:\n" + "\n".join(problems)
    assert len(walked) > 20
    assert not missing or len(missing) < len(RESOLVERS) // 2, f"no demo records for {missing}"
