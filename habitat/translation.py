"""Texts that exist in the site's three languages, with the original one as fallback.

Each translated text is three real columns (``name_en``, ``name_fr``, ``name_es``) made by
django-translated-fields. Reading ``obj.name`` gives the active language's text, or the
text in the object's ``original_language`` when no translation has been written yet, so a
page never shows an empty title because nobody has translated it.
"""

from django.conf import settings
from django.utils.translation import get_language
from translated_fields import TranslatedField, to_attribute

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def fallback_to_original(name, field):
    def getter(self):
        value = getattr(self, to_attribute(name), "")
        if value:
            return value
        original = getattr(self, "original_language", None) or LANGUAGE_CODES[0]
        value = getattr(self, to_attribute(name, original), "")
        if value:
            return value
        return next(
            (
                getattr(self, to_attribute(name, code))
                for code in LANGUAGE_CODES
                if getattr(self, to_attribute(name, code))
            ),
            "",
        )

    return getter


def translated(field):
    """A TranslatedField whose reading falls back to the original language."""
    return TranslatedField(field, attrgetter=fallback_to_original)


def shown_language(obj, name):
    """The language code of the text that ``obj.<name>`` shows in the active language.

    Templates put it in a ``lang`` attribute, so screen readers pronounce an untranslated
    French summary on the English page as French.
    """
    active = (get_language() or LANGUAGE_CODES[0])[:2]
    if getattr(obj, to_attribute(name, active), ""):
        return active
    original = getattr(obj, "original_language", None) or LANGUAGE_CODES[0]
    if getattr(obj, to_attribute(name, original), ""):
        return original
    return next((code for code in LANGUAGE_CODES if getattr(obj, to_attribute(name, code), "")), active)
