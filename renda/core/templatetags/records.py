"""{% records_fragment "name" part… %}…{% endrecords_fragment %}: a piece of a page rendered from
the records alone, served from the records cache (renda.core.records_cache) until the next
committed write to any record.

The key holds, besides the name and the parts given, everything a page's records depend on:
the user (role, permissions, township), the township a county user picked, the page's address
with its query (filters, page number), the day and the language. A fragment may hold forms to
post: what is unique to one rendering (the CSRF token, each form's submission token) is kept as
a placeholder and written fresh into every page served, so a form served from the cache is the
form rendered now. Every fragment of a page answering a post (a refused form shown again with
what was typed) is rendered live.
"""

import re
import uuid

from django import template

from renda.core import records_cache
from renda.core.idempotency import TOKEN_FIELD

register = template.Library()

# NUL never reaches a page from the records (form fields refuse it), so it cannot be mistaken.
_CSRF_HOLE = "\x00csrf\x00"
_SUBMISSION_HOLE = f'name="{TOKEN_FIELD}" value="\x00submission\x00"'
_SUBMISSION = re.compile(f'name="{TOKEN_FIELD}" value="[0-9a-f-]{{36}}"')


class RecordsFragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        parts = (
            self.name.resolve(context),
            [p.resolve(context) for p in self.parts],
            *_request_parts(context),
        )
        request = context.get("request")
        # A page shown in answer to a post (a refused form, with what was typed) is rendered live.
        live = request is not None and request.method not in ("GET", "HEAD")
        key = None if live else records_cache.cache_key("fragment", parts)
        if key is None:
            return self.nodelist.render(context)
        kept = records_cache.cached(key)
        if kept is None:
            kept = _with_holes(self.nodelist.render(context), context)
            records_cache.store(key, kept)
        return _filled(kept, context)


def _with_holes(html, context):
    """The fragment with this rendering's tokens taken out."""
    csrf = context.get("csrf_token")
    if csrf and str(csrf) != "NOTPROVIDED":
        html = html.replace(str(csrf), _CSRF_HOLE)
    return _SUBMISSION.sub(_SUBMISSION_HOLE, html)


def _filled(kept, context):
    """The fragment with this page's CSRF token and a new submission token for each form."""
    html = kept.replace(_CSRF_HOLE, str(context.get("csrf_token"))) if _CSRF_HOLE in kept else kept
    if _SUBMISSION_HOLE not in html:
        return html
    pieces = html.split(_SUBMISSION_HOLE)
    fresh = [f'name="{TOKEN_FIELD}" value="{uuid.uuid4()}"' for _ in pieces[1:]]
    return "".join(piece for pair in zip(pieces, [*fresh, ""], strict=True) for piece in pair)


def _request_parts(context):
    request = context.get("request")
    return () if request is None else records_cache.request_parts(request)


@register.tag
def records_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("records_fragment needs a name")
    nodelist = parser.parse(("endrecords_fragment",))
    parser.delete_first_token()
    return RecordsFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
