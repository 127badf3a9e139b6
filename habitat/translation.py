"""Texts that exist in the site's three languages, with the original one as fallback.

Each translated text is three real columns (``name_en``, ``name_fr``, ``name_es``) made by
django-translated-fields. Reading ``obj.name`` gives the active language's text, or the
text in the object's ``original_language`` when no translation has been written yet, so a
page never shows an empty title because nobody has translated it.

The order in which languages are tried is decided once, in ``fallback_codes``: reading an
attribute, telling a screen reader which language a text is in, and sorting by name in SQL
all follow it.
"""

from django.conf import settings
from django.db.models import Expression, F, TextField
from django.utils.translation import get_language
from translated_fields import TranslatedField, to_attribute

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def asked_language(request):
    """The language that ``?lang=`` asks for, for the addresses without a language prefix
    (map data, embedded maps) that a page in another language reads; otherwise, or if it
    is not one of ours, the visitor's."""
    language = request.GET.get("lang")
    return language if language in dict(settings.LANGUAGES) else get_language()


def active_code():
    return (get_language() or LANGUAGE_CODES[0])[:2]


def fallback_codes(original):
    """The languages to try, in order: the visitor's, the text's original one, then the others."""
    codes = [active_code(), original or LANGUAGE_CODES[0], *LANGUAGE_CODES]
    return list(dict.fromkeys(codes))


def shown_language(obj, name):
    """The language code of the text that ``obj.<name>`` shows in the active language.

    Templates put it in a ``lang`` attribute, so screen readers pronounce an untranslated
    French summary on the English page as French.
    """
    codes = fallback_codes(getattr(obj, "original_language", None))
    return next((code for code in codes if getattr(obj, to_attribute(name, code), "")), codes[0])


def fallback_to_original(name, field):
    def getter(self):
        return getattr(self, to_attribute(name, shown_language(self, name)), "")

    return getter


def translated(field):
    """A TranslatedField whose reading falls back to the original language."""
    return TranslatedField(field, attrgetter=fallback_to_original)


class FallbackText(Expression):
    """The text ``obj.<name>`` shows in ``language``, as an SQL expression (to sort by it, or to
    read it without building each object): the same order as ``fallback_codes``, with the
    original language read from each row.

    Written in one piece: as Coalesce, Case and NullIf, Django took longer to build it than
    PostgreSQL took to run the map's query of markers that reads it.
    """

    output_field = TextField()

    def __init__(self, name, language):
        super().__init__()
        self.language = language
        self.original = F("original_language")
        self.columns = [F(to_attribute(name, code)) for code in LANGUAGE_CODES]

    def get_source_expressions(self):
        return [self.original, *self.columns]

    def set_source_expressions(self, expressions):
        self.original, *self.columns = expressions

    def as_sql(self, compiler, connection):
        original, params = compiler.compile(self.original)
        texts = {}
        for code, column in zip(LANGUAGE_CODES, self.columns, strict=True):
            column_sql, column_params = compiler.compile(column)
            # An empty text is no translation: NULL, so that COALESCE goes on to the next.
            texts[code] = (f"NULLIF({column_sql}, '')", column_params)
        active, active_params = texts[self.language]
        sql = [active]
        params = [*active_params, *params]
        whens = []
        for code, (text, text_params) in texts.items():
            whens.append(f"WHEN %s THEN {text}")
            params += [code, *text_params]
        sql.append(f"CASE {original} {' '.join(whens)} END")
        for text, text_params in texts.values():
            sql.append(text)
            params += text_params
        return f"COALESCE({', '.join(sql)})", params


def fallback_expression(name):
    """``FallbackText`` of ``name`` in the active language."""
    return FallbackText(name, active_code())
