from django.utils.text import slugify


def unique_slug(model, text, *, fallback, max_length=80, exclude_pk=None):
    """A slug for ``text`` that no other row of ``model`` has: "la-borda", then "la-borda-2"…"""
    base = slugify(text)[:max_length].strip("-") or fallback
    slug, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
