"""`{% csrf_token %}` that also writes the form's idempotency token.

Every POST form of the app carries `{% csrf_token %}`; this library (a template builtin, see
settings.TEMPLATES) replaces that tag so each rendered form also carries a fresh
`submission_token`. IdempotentSubmitMiddleware then lets one submission of that form take
effect, whatever the number of clicks, tabs or retries."""

import uuid

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from renda.core.idempotency import TOKEN_FIELD

register = template.Library()


class CsrfAndSubmissionTokenNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, uuid.uuid4())


@register.tag
def csrf_token(parser, token):
    return CsrfAndSubmissionTokenNode()


@register.simple_tag
def submission_token():
    """The idempotency field alone (for a form that takes its CSRF token from a header)."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, uuid.uuid4())
