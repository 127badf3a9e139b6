"""Hypothesis strategies for what a hostile or broken client sends: query strings, path
segments and form values, as the raw bytes that reach Django (test_hostile_input.py).

Everything is drawn as bytes and percent-encoded by hand, so that invalid UTF-8, NUL bytes,
broken escapes ("%", "%G1") and repeated or empty names reach the site exactly as a client
could send them, not as a well-behaved library would encode them.
"""

from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

# Values that have broken web applications: SQL and HTML metacharacters, template and path
# tricks, numbers that are too big, negative, not finite or written with other digits.
CLASSIC = [
    "",
    " ",
    "'",
    '"',
    "\\",
    "' OR '1'='1' --",
    "1; DROP TABLE projects_project; --",
    "%",
    "_",
    "*",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=y",
    "\u202e\u0644\u0645",
    "🏠" * 3,
    "-1",
    "0",
    "-0",
    "00000000000000000001",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "½",
    "true",
    "null",
    "[]",
    "{}",
    "a" * 5000,
    "9" * 5000,
]

# Byte sequences that are not UTF-8, and escapes that are not escapes, as they appear in a URL.
BROKEN_ESCAPES = [
    "%FF",
    "%C3%28",
    "%E2%82",
    "%ED%A0%80",  # an encoded UTF-16 surrogate
    "%C0%AF",  # an overlong "/"
    "%F4%90%80%80",  # beyond U+10FFFF
    "%00",
    "%",
    "%G1",
    "%%",
    "%2",
    "%25%32%35",
    "%u0041",
]


def encode(text):
    """``text`` percent-encoded as UTF-8, every reserved character escaped."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def url_value(draw, max_size=60):
    """One value as it appears, percent-encoded, in a query string or a path segment."""
    return draw(
        st.one_of(
            st.sampled_from(CLASSIC).map(encode),
            st.sampled_from(BROKEN_ESCAPES),
            st.text(max_size=max_size).map(encode),
            st.binary(max_size=max_size).map(lambda raw: quote_from_bytes(raw, safe="")),
            st.integers(min_value=-(10**30), max_value=10**30).map(str),
            st.floats().map(lambda number: encode(repr(number))),
            st.lists(st.sampled_from(BROKEN_ESCAPES + ["a", "1", "-", "+"]), max_size=8).map("".join),
        )
    )


def query_string(names):
    """A whole query string made of ``names`` (the parameters a view knows) and others, with
    hostile values, repeated names, names without values and stray separators. Drawn as the
    WSGI QUERY_STRING (ASCII, or raw bytes as latin-1, as servers pass them)."""

    def pair(name_and_value):
        name, value, shape = name_and_value
        return {"pair": f"{name}={value}", "bare": name, "empty": f"{name}=", "nameless": f"={value}"}[shape]

    names = st.one_of(st.sampled_from(names), url_value(max_size=20)) if names else url_value(max_size=20)
    pairs = st.lists(
        st.tuples(names, url_value(), st.sampled_from(["pair", "pair", "pair", "bare", "empty", "nameless"])).map(pair),
        min_size=1,
        max_size=12,
    )
    raw = st.binary(min_size=1, max_size=40).map(lambda raw: raw.decode("latin-1"))
    return st.one_of(
        pairs.map("&".join),
        pairs.map(";".join),
        # The same name many times over, as a list filter or an attack would send it.
        st.tuples(names, url_value(max_size=10), st.integers(2, 60)).map(lambda t: "&".join([f"{t[0]}={t[1]}"] * t[2])),
        raw,
        st.sampled_from(["&", "&&&", "=", "==", "?", "#", "a=1&&b=2", "%26=%3D"]),
    )


def path_value(converter_regex):
    """A path parameter: often one its converter accepts (so the view itself runs, with slugs
    too long for their column, years beyond any integer), otherwise anything at all."""
    fitting = st.from_regex(f"\\A(?:{converter_regex})\\Z").map(encode)
    return st.one_of(
        fitting,
        # A fitting value with a NUL byte or a broken escape inside, as a str or path takes it.
        st.tuples(fitting, st.sampled_from(BROKEN_ESCAPES), fitting).map("".join),
        st.from_regex(r"\A[-a-zA-Z0-9_]{250,400}\Z").map(encode),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        url_value(),
    )


@st.composite
def form_value(draw, kind="text", choices=()):
    """One posted value for a field of the given HTML ``kind`` (its input type, "select",
    "textarea"), as text (the test client encodes it) or None to leave the field out."""
    options = [
        st.sampled_from(CLASSIC),
        st.text(max_size=80),
        st.text(min_size=1000, max_size=3000, alphabet=st.characters(codec="utf-8")),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats().map(repr),
    ]
    if choices:
        options.append(st.sampled_from(list(choices)))
    if kind == "email":
        options.append(st.emails().map(str))
        options.append(st.sampled_from(["a@b", "@", "a@" + "b" * 300 + ".org", "x@example.org\x00", "a@ex ample.org"]))
    return draw(st.one_of(*options))
