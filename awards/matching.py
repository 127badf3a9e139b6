"""Which directory project, if any, an award result is about.

Award lists name projects their own way ("Granby4Streets CLT, Liverpool"; "More than
Housing (mehr als wohnen)") and the directory names them another ("Granby Four Streets
Community Land Trust"; "mehr als wohnen (Hunziker Areal)"). The rule is in
``match_project``; it must be explainable to the people named, so it is plain word
comparison, not a score learnt from data.
"""

import re
import unicodedata
from dataclasses import dataclass

# Words that say what kind of thing a project is, not which one. Two projects sharing
# only these ("Zona 3 cooperative housing complex", "FUCVAM ... housing cooperative") are
# not the same project.
_GENERIC_TEXT = """
    a an and at by for from in of on the to with
    de del des di du el en et la las le les los y da do dos das
    project projects projet proyecto programme program programa scheme schemes
    housing house houses home homes vivienda viviendas habitat habitation logement logements
    cooperative cooperatives cooperativa cooperativas cooperation co op coop society sociedad
    association asociacion associacao federation community communities comunidad communaute
    land trust trusts clt fideicomiso tierra national network self build built
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
NUMBER_WORDS = {
    "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
    "6": "six", "7": "seven", "8": "eight", "9": "nine",
}  # fmt: skip
# Share of the shorter name's distinctive words that the two names must have in common.
OVERLAP_THRESHOLD = 2 / 3
WORLD_HABITAT = "world habitat awards"


@dataclass(frozen=True)
class Candidate:
    """A directory project as the rule sees it: its name, country and, for the demo
    directory, the award its own data names (projects.csv's ``award`` column)."""

    key: object
    name: str
    country: str
    award: str = ""


@dataclass(frozen=True)
class AwardRow:
    name: str
    country: str
    award: str
    year: int
    label: str = ""
    result: str = ""
    level: str = ""


def plain(text):
    """Lower case, without accents, apostrophes, or anything but letters and digits."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)  # Granby4Streets
    return " ".join(re.findall(r"[a-z0-9]+", text))


def words(text):
    """The distinctive words of a name: plain, numbers spelled out, generic words dropped."""
    result = set()
    for word in plain(text).split():
        word = NUMBER_WORDS.get(word, word)
        if word not in GENERIC_WORDS and len(word) > 1:
            result.add(word)
    return frozenset(result)


def name_variants(name):
    """The ways a name may be read: whole; before its first comma (", Barcelona" names the
    city); without what is in parentheses; and what is in parentheses on its own (often
    the project's other name: "More than Housing (mehr als wohnen)")."""
    inside = re.findall(r"\(([^)]*)\)", name)
    outside = re.sub(r"\([^)]*\)", " ", name)
    variants = [outside, outside.split(",")[0], *inside]
    return [found for found in (words(variant) for variant in variants) if found]


def same_name(a, b):
    """How surely two names name the same project: 0 when they do not, else the share of
    words in common (up to 1).

    They do when some variant of each has the same distinctive words, or they share at least two (one
    if the shorter has only one) that make up at least two thirds of the shorter one's.
    """
    best = 0.0
    for left in name_variants(a):
        for right in name_variants(b):
            common = left & right
            shorter = min(len(left), len(right))
            if len(common) >= min(2, shorter) and len(common) / shorter >= OVERLAP_THRESHOLD:
                best = max(best, len(common) / max(len(left), len(right)))
    return best


def directory_claims(candidate, row):
    """True when the project's own data says it had this result of this award.

    The demo directory writes e.g. "World Habitat Awards 2015-16 winner" or "World
    Habitat Awards 2025 Silver"; a claim without a year ("finalist (year not confirmed)")
    proves nothing.
    """
    claim = plain(candidate.award)
    if not claim.startswith(WORLD_HABITAT) or not plain(row.award).startswith(WORLD_HABITAT):
        return False
    claim_match = re.search(r"\b(\d{4})(?: (\d{2}))?\b", claim)
    if not claim_match:
        return False
    cycle = claim_match.group(0).replace(" ", "-")
    if claim_match.group(2):
        if cycle != row.label:
            return False
    elif int(claim_match.group(1)) != row.year:
        return False
    rest = claim[claim_match.end() :].split()
    said = rest[0] if rest else ""
    if said in ("gold", "silver", "bronze"):
        return said == row.level
    if said in ("winner", "finalist"):
        return said == row.result
    return True


def match_project(row, candidates):
    """The directory project that an award result is about, or None.

    A candidate matches when it is in the same country (a row without a country matches
    nothing) and either

    1. its own data names this award, year (or cycle) and result (``directory_claims``), or
    2. the names are the same after normalising (``same_name``): accents, punctuation,
       the city after a comma and generic words ("housing", "cooperative", "project",
       "community land trust"...) set aside, some reading of each name has the same
       distinctive words, or shares at least two making two thirds of the shorter.

    A claim beats a name; among names, the closest wins; a tie matches nothing, since
    guessing would link an award to the wrong group.
    """
    if not row.country:
        return None
    same_country = [candidate for candidate in candidates if candidate.country == row.country]
    claimed = [candidate for candidate in same_country if directory_claims(candidate, row)]
    if len(claimed) == 1:
        return claimed[0]
    scored = sorted(
        ((same_name(row.name, candidate.name), candidate) for candidate in (claimed or same_country)),
        key=lambda pair: pair[0],
        reverse=True,
    )
    scored = [pair for pair in scored if pair[0] > 0]
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]
