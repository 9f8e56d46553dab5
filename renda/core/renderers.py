"""The form renderer (settings.FORM_RENDERER): Django's, with select boxes written in Python.

Django renders a <select> through a template include per option, which on a filter form with a
few long lists (ethnicities, groups, terms) costs more than the rest of a list page. The HTML
written here is the same, character for character, as Django's select.html, select_option.html
and attrs.html (tests/core/test_renderers.py compares them); any other template, and a select
whose options use another template, goes to Django's renderer as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs):
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def render_select(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            widget = context["widget"]
            if all(o["template_name"] == OPTION for _g, options, _i in widget["optgroups"] for o in options):
                return render_select(widget)
        return super().render(template_name, context, request=request)
