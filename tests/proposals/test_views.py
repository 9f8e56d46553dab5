"""Pages through the test client: scoping per role, query bounds, actions, documents."""

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from proposals.models import Proposal
from renda.core.models import DocumentJob


@pytest.fixture
def many(make_proposal, other_unit):
    mine = [make_proposal("in_progress", title=f"我的单位建议{i}") for i in range(3)]
    theirs = [make_proposal("in_progress", title=f"别的单位建议{i}", lead_unit=other_unit) for i in range(2)]
    return mine, theirs


def test_handling_unit_user_sees_only_their_items(client_for, unit_user, many):
    mine, theirs = many
    c = client_for(unit_user)
    r = c.get(reverse("proposals:list"))
    assert r.status_code == 200
    body = r.content.decode()
    assert all(p.title in body for p in mine)
    assert not any(p.title in body for p in theirs)
    assert c.get(reverse("proposals:detail", args=[mine[0].pk])).status_code == 200
    assert c.get(reverse("proposals:detail", args=[theirs[0].pk])).status_code == 404
    # posting a reply to another unit's item: 404, nothing changed
    r = c.post(
        reverse("proposals:action", args=[theirs[0].pk, "reply"]),
        {"reply-text": "x", "reply-outcome": "A", "reply-replied_on": "2025-04-01"},
    )
    assert r.status_code == 404
    assert Proposal.objects.get(pk=theirs[0].pk).state == "in_progress"
    # and nothing else of the app
    for name in ("proposals:statistics", "proposals:units", "proposals:create", "proposals:settings"):
        assert c.get(reverse(name)).status_code == 403, name


def test_handling_unit_user_replies_through_the_page(client_for, unit_user, many):
    mine, _theirs = many
    c = client_for(unit_user)
    page = c.get(reverse("proposals:detail", args=[mine[0].pk])).content.decode()
    assert reverse("proposals:action", args=[mine[0].pk, "reply"]) in page
    assert reverse("proposals:action", args=[mine[0].pk, "evaluate"]) not in page
    r = c.post(
        reverse("proposals:action", args=[mine[0].pk, "reply"]),
        {
            "reply-text": "已硬化道路",
            "reply-outcome": "A",
            "reply-met_in_person": "on",
            "reply-replied_on": "2025-04-01",
        },
    )
    assert r.status_code == 302
    p = Proposal.objects.get(pk=mine[0].pk)
    assert p.state == "replied" and p.met_in_person


def test_bad_reply_shows_message_beside_the_field(client_for, unit_user, many):
    mine, _theirs = many
    c = client_for(unit_user)
    r = c.post(
        reverse("proposals:action", args=[mine[0].pk, "reply"]),
        {"reply-text": "", "reply-outcome": "A", "reply-replied_on": "2025-04-01"},
    )
    assert r.status_code == 400
    assert "invalid-feedback" in r.content.decode()
    assert Proposal.objects.get(pk=mine[0].pk).state == "in_progress"


def test_other_township_and_reviewer(client_for, other_secretary, reviewer, make_proposal):
    p = make_proposal("registered")
    c = client_for(other_secretary)
    assert c.get(reverse("proposals:detail", args=[p.pk])).status_code == 404
    assert p.title not in c.get(reverse("proposals:list") + "?year=").content.decode()
    r = client_for(reviewer)
    assert r.get(reverse("proposals:detail", args=[p.pk])).status_code == 200
    assert r.get(reverse("proposals:statistics")).status_code == 200
    assert r.get(reverse("proposals:create")).status_code == 403
    assert r.get(reverse("proposals:settings")).status_code == 403
    assert r.post(reverse("proposals:action", args=[p.pk, "assign"]), {}).status_code == 403
    assert Proposal.objects.get(pk=p.pk).state == "registered"


def test_secretary_records_and_assigns_through_pages(client_for, secretary, deputies, unit):
    c = client_for(secretary)
    assert c.get(reverse("proposals:create")).status_code == 200
    r = c.post(
        reverse("proposals:create"),
        {"kind": "suggestion", "title": "", "content": "", "submitted_on": "2025-03-01", "origin": "deputy"},
    )
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    assert not Proposal.objects.exists()
    r = c.post(
        reverse("proposals:create"),
        {
            "kind": "motion",
            "title": "关于修建集镇停车场的议案",
            "content": "集镇停车难。",
            "lead_deputy": deputies[0].pk,
            "co_signers": [d.pk for d in deputies[1:4]],
            "submitted_on": "2025-01-08",
            "during_session": "on",
            "session_number": "4",
            "origin": "deputy",
        },
    )
    assert r.status_code == 200 and not Proposal.objects.exists()  # four signers: refused
    r = c.post(
        reverse("proposals:create"),
        {
            "kind": "suggestion",
            "title": "关于加装路灯的建议",
            "content": "东风村缺少路灯。",
            "lead_deputy": deputies[0].pk,
            "submitted_on": "2025-03-01",
            "origin": "deputy",
        },
    )
    p = Proposal.objects.get()
    assert r.status_code == 302 and p.state == "submitted"
    c.post(reverse("proposals:action", args=[p.pk, "register"]), {"register-note": ""})
    r = c.post(
        reverse("proposals:action", args=[p.pk, "assign"]),
        {"assign-lead_unit": unit.pk, "assign-assigned_on": "2025-03-05", "assign-deadline": "2025-03-01"},
    )
    assert r.status_code == 400 and Proposal.objects.get(pk=p.pk).state == "registered"
    r = c.post(
        reverse("proposals:action", args=[p.pk, "assign"]),
        {
            "assign-lead_unit": unit.pk,
            "assign-assigned_on": "2025-03-05",
            "assign-responsible_leader": "张副镇长",
        },
    )
    p.refresh_from_db()
    assert p.state == "assigned" and p.deadline == dt.date(2025, 6, 5)
    page = c.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert "张副镇长" in page and "2025-06-05" in page


def test_register_page_query_count_is_bounded(
    client_for, secretary, make_proposal, django_assert_max_num_queries
):
    for i in range(12):
        make_proposal("assigned" if i % 2 else "closed", title=f"建议{i}")
    c = client_for(secretary)
    # the category and unit options are read once each (a select asks for its options twice)
    with django_assert_max_num_queries(12):
        r = c.get(reverse("proposals:list") + "?year=2025")
    assert r.status_code == 200 and "建议11" in r.content.decode()
    with django_assert_max_num_queries(12):
        r = c.get(reverse("proposals:list") + "?year=2025&overdue=on&q=建议&kind=suggestion")
    assert r.status_code == 200


def test_statistics_page_query_count_is_bounded(
    client_for, reviewer, make_proposal, django_assert_max_num_queries
):
    for i in range(8):
        make_proposal("closed" if i % 2 else "replied", title=f"建议{i}")
    c = client_for(reviewer)
    with django_assert_max_num_queries(16):
        r = c.get(reverse("proposals:statistics") + "?year=2025")
    assert r.status_code == 200
    assert r.context["stats"]["received"] == 8


def test_register_xlsx_read_back(
    client_for, secretary, make_proposal, township, django_capture_on_commit_callbacks
):
    make_proposal("closed", title="关于硬化通组道路的建议", rating="basically")
    make_proposal("in_progress", title="关于加装路灯的建议", assigned_on=dt.date(2025, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(secretary).post(reverse("proposals:export"), {"year": "2025"})
    assert r.status_code == 302
    job = DocumentJob.objects.get(kind="proposals_register")
    assert job.status == "done", job.error
    wb = openpyxl.load_workbook(io.BytesIO(job.file.read()))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert "2025" in rows[0][0]
    header = rows[1]
    data = {r[3]: dict(zip(header, r)) for r in rows[2:]}
    assert set(data) == {"关于硬化通组道路的建议", "关于加装路灯的建议"}
    closed = data["关于硬化通组道路的建议"]
    assert closed["乡镇"] == township.name and closed["主办单位"] == "村镇建设办公室"
    assert closed["满意度"] and closed["答复日期"] is not None  # rating and reply date
    assert closed["办结日期"] is not None and closed["按期答复"] in ("是", "否")
    open_row = data["关于加装路灯的建议"]
    assert open_row["办理期限"].date() == dt.date(2025, 8, 1) and open_row["超期"]  # deadline, overdue
    assert open_row["按期答复"] is None and open_row["办结日期"] is None  # not replied, not closed


def test_export_register_command(make_proposal, township, tmp_path):
    make_proposal("closed")
    make_proposal("replied", submitted_on=dt.date(2024, 6, 1))  # carried over into 2025
    out = tmp_path / "register.xlsx"
    call_command("export_register", "--township", township.code, "--year", "2025", "--out", str(out))
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 4  # title, header, 2 rows
    out2 = tmp_path / "all.xlsx"
    call_command("export_register", "--all", "--year", "2026", "--out", str(out2))
    assert openpyxl.load_workbook(out2).active.max_row == 3  # only the carried-over open one


def test_assignment_sheet_docx_read_back(
    client_for, secretary, make_proposal, django_capture_on_commit_callbacks
):
    p = make_proposal("assigned", assigned_on=dt.date(2025, 3, 12))
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(secretary).post(reverse("proposals:assignment_sheet", args=[p.pk]))
    assert r.status_code == 302
    job = DocumentJob.objects.get(kind="proposals_assignment")
    assert job.status == "done", job.error
    d = docx.Document(io.BytesIO(job.file.read()))
    text = "\n".join(par.text for par in d.paragraphs)
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert p.title in cells and "村镇建设办公室" in cells
    assert p.number in text
    assert any("2025" in c and "6" in c and "12" in c for c in cells)  # deadline 2025-06-12


def test_handling_report_docx_has_figures(
    client_for, secretary, make_proposal, django_capture_on_commit_callbacks
):
    make_proposal("closed", rating="satisfied")
    make_proposal("replied")
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(secretary).post(reverse("proposals:report"), {"year": "2025"})
    assert r.status_code == 302
    job = DocumentJob.objects.get(kind="proposals_report")
    assert job.status == "done", job.error
    text = "\n".join(par.text for par in docx.Document(io.BytesIO(job.file.read())).paragraphs)
    assert "50.0%" in text  # completion rate 1 / 2
    assert "100.0%" in text  # on-time, satisfaction


def test_units_and_settings_pages(client_for, secretary, unit_user, unit):
    c = client_for(secretary)
    r = c.post(reverse("proposals:unit_create"), {"name": "", "is_active": "on"})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    r = c.post(
        reverse("proposals:unit_create"), {"name": "水利站", "is_active": "on", "users": [unit_user.pk]}
    )
    assert r.status_code == 302
    assert c.get(reverse("proposals:units")).content.decode().count("水利站") == 1
    r = c.post(
        reverse("proposals:settings"),
        {"deadline_amount": "20", "deadline_unit": "workdays", "categories": "民生\n交通"},
    )
    assert r.status_code == 302
    assert "民生" in c.get(reverse("proposals:settings")).content.decode()


def test_failed_action_shows_the_page_as_on_get(client_for, secretary, make_proposal):
    # given a submitted proposal, which the secretary may still edit
    p = make_proposal("submitted")
    c = client_for(secretary)
    page = c.get(reverse("proposals:detail", args=[p.pk]))
    assert page.context["can_edit"] is True
    # when the "do not accept" form is sent without its reason
    failed = c.post(reverse("proposals:action", args=[p.pk, "reject"]), {"reject-reason": ""})
    # then the page comes back with that form open and its error, and otherwise as on a GET
    assert failed.status_code == 400
    assert failed.context["open_action"] == "reject"
    assert {a: f for a, _l, f in failed.context["action_forms"]}["reject"].errors
    for key in ("can_edit", "p", "history", "events", "replies", "evaluations"):
        assert failed.context[key] == page.context[key], key
    assert [a for a, _l, _f in failed.context["action_forms"]] == [
        a for a, _l, _f in page.context["action_forms"]
    ]
    html = failed.content.decode()
    assert reverse("proposals:edit", args=[p.pk]) in html and "修改信息" in html
    assert Proposal.objects.get(pk=p.pk).state == "submitted"


def test_edit_button_only_where_editing_is_allowed(client_for, secretary, reviewer, make_proposal):
    assigned = make_proposal("assigned")
    assert (
        client_for(secretary).get(reverse("proposals:detail", args=[assigned.pk])).context["can_edit"]
        is False
    )
    submitted = make_proposal("submitted")
    assert (
        client_for(reviewer).get(reverse("proposals:detail", args=[submitted.pk])).context["can_edit"]
        is False
    )


def _required_labels(html):
    import re

    return set(
        re.findall(r'<label class="form-label" for="id_(\w+)">[^<]*<span class="text-danger">\*</span>', html)
    )


def test_title_and_content_are_marked_required(client_for, secretary, make_proposal):
    c = client_for(secretary)
    p = make_proposal("submitted")
    for url in (reverse("proposals:create"), reverse("proposals:edit", args=[p.pk])):
        response = c.get(url)
        html, form = response.content.decode(), response.context["form"]
        # every field the form requires is marked, title and content among them
        required = {name for name, f in form.fields.items() if f.required and not f.widget.is_hidden}
        assert {"title", "content"} <= required
        assert _required_labels(html) == required, url
    # a title of blanks only is refused beside the field, with its own message
    r = c.post(
        reverse("proposals:edit", args=[p.pk]),
        {"title": "   ", "content": "内容", "origin": "deputy", "lead_deputy": p.lead_deputy_id},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["title"] == ["请填写标题。"]


def test_edit_page_saves_and_shows_refusals_beside_the_form(client_for, secretary, make_proposal, deputies):
    c = client_for(secretary)
    p = make_proposal("registered")
    r = c.get(reverse("proposals:edit", args=[p.pk]))
    assert (
        r.context["form"].initial["title"] == p.title
        and r.context["form"].initial["lead_deputy"] == deputies[0].pk
    )
    data = {
        "title": "关于修缮村小学校舍的建议",
        "content": "校舍漏雨。",
        "origin": "deputy",
        "lead_deputy": deputies[1].pk,
        "co_signers": [deputies[2].pk],
    }
    r = c.post(reverse("proposals:edit", args=[p.pk]), data)
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.title, p.content, p.lead_deputy_id) == (
        "关于修缮村小学校舍的建议",
        "校舍漏雨。",
        deputies[1].pk,
    )
    assert list(p.co_signers.all()) == [deputies[2]]
    # a key suggestion without its supervising leader: the service refuses, beside the field
    r = c.post(reverse("proposals:edit", args=[p.pk]), {**data, "is_key": "on"})
    assert r.status_code == 200 and r.context["form"].errors["supervising_leader"]


def test_register_rows_show_what_the_model_says(client_for, secretary, make_proposal):
    """The register works out each row's badges and dates in the view (no per-row template
    work): they agree with the proposal's own methods, read again from the database."""
    make_proposal("in_progress", title="往年未办结", submitted_on=dt.date(2024, 6, 1))  # carried over
    make_proposal("closed", title="已办结", rating="basically")
    make_proposal("assigned", title="刚交办", assigned_on=dt.date.today(), deadline=dt.date.today())
    r = client_for(secretary).get(reverse("proposals:list") + "?year=2025")
    assert r.status_code == 200
    rows = list(r.context["page_obj"].object_list)
    assert {p.title for p in rows} >= {"往年未办结", "已办结"}
    today = dt.date.today()
    body = r.content.decode()
    for p in rows:
        fresh = Proposal.objects.get(pk=p.pk)
        assert p.url == reverse("proposals:detail", args=[p.pk]) and f'href="{p.url}"' in body
        assert p.is_overdue_now == fresh.is_overdue(today)
        assert p.is_due_soon_now == (not fresh.is_overdue(today) and fresh.is_due_soon(today))
        assert p.carried == (fresh.year < today.year and fresh.state not in ("closed", "not_accepted"))
        assert p.deadline_shown == (fresh.deadline.strftime("%Y-%m-%d") if fresh.deadline else "—")
        assert p.replied_shown == (fresh.replied_on.strftime("%Y-%m-%d") if fresh.replied_on else "—")
        assert p.state_shown == fresh.get_state_display()
        assert p.rating_shown == (fresh.get_rating_display() or "—")
        assert p.kind_shown == fresh.get_kind_display()
    carried = next(p for p in rows if p.title == "往年未办结")
    assert carried.carried and carried.is_overdue_now
