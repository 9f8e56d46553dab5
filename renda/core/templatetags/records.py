"""{% records_fragment "name" part… %}…{% endrecords_fragment %}: a piece of a page rendered from
the records alone, served from the records cache (renda.core.records_cache) until the next
committed write to any record.

The key holds, besides the name and the parts given, everything a page's records depend on:
the user (role, permissions, township), the township a county user picked, the page's address
with its query (filters, page number), the day and the language. A fragment that holds a form
to post (a CSRF or submission token, unique to one rendering) is never cached: it is rendered
each time; so is every fragment of a page answering a post (a refused form shown again with
what was typed). A form's fields may be in a fragment, its opening tag and {% csrf_token %} outside.
"""

from django import template

from renda.core import records_cache

register = template.Library()

_POST_FORM_MARK = 'name="csrfmiddlewaretoken"'


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
        fragment = records_cache.cached(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            if _POST_FORM_MARK not in fragment:
                records_cache.store(key, fragment)
        return fragment


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
