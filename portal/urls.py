from django.urls import path

from . import views, views_deputy, views_public

app_name = "portal"
urlpatterns = [
    path("public/", views_public.public_index, name="public"),
    path("public/<year:year>/", views_public.public_county, name="public_county"),
    path("public/t/<slug:code>/", views_public.public_township_latest, name="public_township_latest"),
    path("public/t/<slug:code>/<year:year>/", views_public.public_township_page, name="public_township"),
    path("portal/publication/", views.publication_settings, name="publication"),
    path("portal/accounts/", views.deputy_accounts, name="accounts"),
    path("portal/drafts/", views.drafts, name="drafts"),
    path("portal/drafts/<id:pk>/", views.draft_handle, name="draft_handle"),
    path("me/", views_deputy.me, name="me"),
    path("me/record/", views_deputy.me_record, name="me_record"),
    path("me/score/", views_deputy.me_score, name="me_score"),
    path("me/suggestions/<id:pk>/", views_deputy.me_proposal, name="proposal"),
    path("me/suggestions/<id:pk>/letters/<id:reply_pk>/", views_deputy.me_reply_letter, name="reply_letter"),
    path("me/activities/<id:activity_pk>/answer/", views_deputy.me_answer, name="answer"),
    path("me/draft/", views_deputy.me_draft, name="me_draft"),
    path("me/messages/", views_deputy.me_messages, name="me_messages"),
    path("me/password/", views_deputy.me_password, name="me_password"),
]
