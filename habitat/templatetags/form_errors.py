"""A form sent back with errors says so first: a summary at the top of the form, which takes the
focus when the page loads, lists every error and links each to its field; and the page's title
starts with "Error:" (WCAG 2.2: 3.3.1 Error Identification, 4.1.3 Status Messages).

Templates show the summary with ``{% error_summary form %}`` (a form or a formset) at the top
of the ``<form>``; templates/base.html asks ``{% page_has_form_errors %}`` for the title.
"""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _has_errors(value):
    # By type, not isinstance(): a lazy object of the context (the user, the platform's pages)
    # would be evaluated by isinstance() asking for its __class__.
    if issubclass(type(value), BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    if issubclass(type(value), BaseForm):
        return value.is_bound and bool(value.errors)
    return False


@register.simple_tag(takes_context=True)
def page_has_form_errors(context):
    """Whether a form or formset that the view gave the page came back with errors: the ones
    each page shows in its summary."""
    return any(_has_errors(value) for value in context.flatten().values())


@register.filter
def error_title(title, has_errors):
    """The page's title, after "Error:" when a form of the page has errors."""
    if not has_errors:
        return title
    # Translators: the title of a page whose form came back with errors, e.g.
    # "Error: List a project · SPH platform".
    return _fill(gettext("Error: %(title)s"), title=title)


def _fill(text, **values):
    """A translated sentence with its placeholders filled in, every part escaped unless safe
    (an error message may be HTML on purpose)."""
    return mark_safe(conditional_escape(text) % {name: conditional_escape(value) for name, value in values.items()})


def _target(bound_field):
    """The id that a link to the field leads to: the field itself, or the first box of a group
    of radio buttons or tick boxes (their fieldset has no id); none for a hidden field."""
    if bound_field.is_hidden:
        return ""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    first = next(iter(bound_field.subwidgets), None)
    # A group with no choice at all: its container has the field's id.
    return (first and first.id_for_label) or bound_field.auto_id or ""


def _form_entries(form, number=None):
    for error in form.non_field_errors():
        yield {"target": "", "text": error}
    for bound_field in form:
        label, target = str(bound_field.label or ""), _target(bound_field)
        if label and number is not None:
            # Translators: a field of one of several similar forms on a page, e.g. "Caption, item 2"
            # for the caption of the second photo.
            label = gettext("%(field)s, item %(number)s") % {"field": label, "number": number}
        for error in bound_field.errors:
            if not (label and target):
                # A hidden field (nowhere to lead to, a name that would mean nothing to the
                # person) or a field with no label: the error alone.
                yield {"target": target, "text": error}
                continue
            # Translators: an error in the summary at the top of a form, e.g. "Your e-mail — Enter
            # a valid email address." A dash, not a colon: many labels end with a question mark.
            yield {"target": target, "text": _fill(gettext("%(field)s — %(error)s"), field=label, error=error)}


def error_entries(form):
    """Every error of ``form`` (a form or a formset) in the order of the page: those about the
    whole form as text, those of a field as a link to it."""
    if isinstance(form, BaseFormSet):
        entries = [{"target": "", "text": error} for error in form.non_form_errors()]
        for number, member in enumerate(form.forms, start=1):
            entries.extend(_form_entries(member, number))
        return entries
    return list(_form_entries(form))


@register.inclusion_tag("includes/form_errors.html")
def error_summary(form, note=""):
    """The summary of ``form``'s errors, nothing when it has none. ``note`` says what happened
    to what was sent (a file to choose again)."""
    entries = error_entries(form) if form is not None and _has_errors(form) else []
    return {"entries": entries, "count": len(entries), "note": note}
