"""`make replica-check`: the platform beyond one machine, tried on this one.

Builds a PostgreSQL primary (initdb, wal_level=replica, a replication entry in pg_hba) and a
streaming replica of it (pg_basebackup -R), both on their own ports with their data under
var/replica-check/, never the shared PostgreSQL on 5432 nor Redis on 6379. Migrates the
primary, loads the demo directory, starts moto's S3 server and gunicorn as in production
(DEBUG off, deploy/gunicorn.conf.py) with DATABASE_URL on the primary, DATABASE_REPLICA_URL
on the replica, DATABASE_POOL=true and MEDIA_S3_* on moto's bucket. Then it reads each
cluster's statement log (log_statement=all) around each request to show:

* a visitor's project list and map.json read from the replica, not the primary;
* a signed-in editor's save of a draft's section writes to the primary only, and the reads of
  that editor go to the primary; after a change (a sign-out, a POST) the same browser reads the
  primary for DATABASE_REPLICA_PIN_SECONDS, then the replica again;
* a photo uploaded through the site is stored in the bucket, served by our media view to its
  editor and refused (404) to others; the bucket's objects cannot be read without signing.

Prints what it observed and PASS or FAIL; exits non-zero on failure; stops everything it
started (even on Ctrl-C or after its time limit).
"""

import contextlib
import html.parser
import http.cookiejar
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "replica-check"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PRIMARY_PORT = int(os.environ.get("REPLICA_CHECK_PRIMARY_PORT", 55433))
REPLICA_PORT = int(os.environ.get("REPLICA_CHECK_REPLICA_PORT", 55434))
S3_PORT = int(os.environ.get("REPLICA_CHECK_S3_PORT", 55435))
WEB_PORT = int(os.environ.get("REPLICA_CHECK_WEB_PORT", 55480))
TIME_LIMIT = int(os.environ.get("REPLICA_CHECK_TIME_LIMIT", 600))
PIN_SECONDS = 3
BUCKET = "sph-media-check"
S3_KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "check-access-key", "MEDIA_S3_SECRET_ACCESS_KEY": "check-secret-key"}
EDITOR = ("editor@replica-check.test", "a-long-check-password-1")
STRANGER = ("stranger@replica-check.test", "a-long-check-password-2")
BASE = f"http://127.0.0.1:{WEB_PORT}"
# One statement of the site's role, as log_line_prefix writes it (see start_primary).
STATEMENT = re.compile(r"user=habitat db=habitat LOG:  (?:statement|execute [^:]*): (\w+)(.*)")


class TimeLimit(Exception):
    pass


def pg_bin(name):
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise SystemExit("PostgreSQL's programs are not installed (/usr/lib/postgresql/*/bin): run make setup.")
    return str(versions[-1] / name)


def as_postgres(*args, **kwargs):
    return run("runuser", "-u", "postgres", "--", *args, **kwargs)


def run(*args, env=None, timeout=300, capture=True, cwd=ROOT):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=capture, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def psql(port, sql, database="postgres"):
    return run(
        pg_bin("psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-d",
        database,
        "-XAtq",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
    ).strip()


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what, test, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(Exception):
            if test():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {timeout} s")


class Processes:
    """What this check started, stopped in reverse order whatever happens."""

    def __init__(self):
        self.children = []
        self.clusters = []

    def start(self, name, args, env=None):
        log = open(WORK / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (kept open by the child)
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children.append((name, process))
        return process

    def stop(self):
        for name, process in reversed(self.children):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            print(f"  stopped {name}")
        for data in reversed(self.clusters):
            if (data / "postmaster.pid").exists():
                subprocess.run(
                    ["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                print(f"  stopped the cluster in {data.relative_to(ROOT)}")


# --- The two clusters --------------------------------------------------------------------------


def start_primary(processes):
    data = WORK / "primary"
    as_postgres(
        pg_bin("initdb"),
        "-D",
        str(data),
        "--auth=trust",
        "--username=postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            f"""
# make replica-check
port = {PRIMARY_PORT}
listen_addresses = '127.0.0.1'
unix_socket_directories = '{WORK / "run"}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 80
shared_buffers = 32MB
fsync = off
log_statement = 'all'
log_line_prefix = '%m [%p] user=%u db=%d '
"""
        )
    with open(data / "pg_hba.conf", "a") as hba:
        # Trust on the loopback only: a throwaway pair of clusters for this check.
        hba.write("host replication replicator 127.0.0.1/32 trust\n")
    processes.clusters.append(data)
    as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-l", str(WORK / "logs" / "primary.log"), "-w", "-t", "60", "start")
    psql(PRIMARY_PORT, "create role replicator replication login")
    psql(PRIMARY_PORT, "create role habitat login password 'habitat'")
    psql(PRIMARY_PORT, "create database habitat owner habitat")
    for extension in ("postgis", "unaccent", "pg_trgm"):
        psql(PRIMARY_PORT, f"create extension {extension}", database="habitat")


def start_replica(processes):
    data = WORK / "replica"
    as_postgres(
        pg_bin("pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        str(PRIMARY_PORT),
        "-U",
        "replicator",
        "-D",
        str(data),
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync",
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"port = {REPLICA_PORT}\n")
    processes.clusters.append(data)
    as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-l", str(WORK / "logs" / "replica.log"), "-w", "-t", "60", "start")


def replica_caught_up():
    lsn = psql(PRIMARY_PORT, "select pg_current_wal_lsn()")
    return psql(REPLICA_PORT, f"select pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") == "t"


class StatementLog:
    """The statements of the site's role that a cluster logged since the last mark."""

    def __init__(self, name):
        self.path = WORK / "logs" / f"{name}.log"
        self.offset = 0

    def mark(self):
        self.offset = self.path.stat().st_size

    def since_mark(self):
        time.sleep(0.5)  # the server writes its log line after answering
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8", "replace")
        return [(m.group(1).upper(), m.group(2)) for m in STATEMENT.finditer(text)]


# --- A browser of sorts ------------------------------------------------------------------------


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back to 127.0.0.1 over plain HTTP, as browsers do for localhost."""

    def return_ok_secure(self, cookie, request):
        return True


class FormParser(html.parser.HTMLParser):
    """The fields of each form of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "submit":
                self._form["buttons"].append((attrs["name"], attrs.get("value", "")))
            elif kind in ("checkbox", "radio") and "checked" not in attrs:
                pass
            elif kind != "file":
                self._form["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "button" and attrs.get("name"):
            self._form["buttons"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form["fields"][self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self._form["fields"]):
            self._form["fields"][self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


class Browser:
    def __init__(self):
        self.cookies = http.cookiejar.CookieJar(LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path, data=None, headers=None):
        request = urllib.request.Request(BASE + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def get(self, path):
        return self.request(path)

    def form(self, path, containing):
        """The fields of the form on ``path`` whose fields include ``containing``."""
        status, body, _ = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        parser = FormParser()
        parser.feed(body.decode())
        for form in parser.forms:
            if containing in form["fields"]:
                return form
        raise RuntimeError(f"no form with {containing} on {path}")

    def post(self, path, fields, files=None):
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, content_type) in (files or {}).items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
            )
            body.write(content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(
            path, data=body.getvalue(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def sign_in(self, email, password):
        form = self.form("/en/accounts/login/", "login")
        status, body, _ = self.post("/en/accounts/login/", {**form["fields"], "login": email, "password": password})
        if status != 200 or "__Host-sessionid" not in {cookie.name for cookie in self.cookies}:
            raise RuntimeError(f"signing in as {email} failed: {status}")


# --- The check ---------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.failures = 0

    def expect(self, ok, what):
        print(f"  [{'ok' if ok else 'FAILED'}] {what}")
        self.failures += not ok


def site_env(extra=None):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://habitat:habitat@127.0.0.1:{PRIMARY_PORT}/habitat",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(WORK / "static"),
        "DJANGO_MEDIA_ROOT": str(WORK / "media-unused"),
        "DEFAULT_FROM_EMAIL": "SPH platform <platform@replica-check.test>",
        "SITE_URL": BASE,
        # Never the shared Redis on 6379: a cache in each process.
        "REDIS_URL": "",
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ADDRESSING_STYLE": "path",
        **S3_KEYS,
    }
    for name in ("DATABASE_REPLICA_URL", "DATABASE_POOL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return {**env, **(extra or {})}


SETUP_PEOPLE = """
from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from habitat.models import User
from projects.models import LocationPrecision, Project, Status
for email, password in [(%r, %r), (%r, %r)]:
    user = User.objects.create_user(username=email.split("@")[0], email=email, password=password,
                                    display_name=email.split("@")[0].title())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
draft = Project(name_en="A draft of the replica check", summary_en="Not public yet.", city="Geneva", country="CH",
                stage="idea", status=Status.DRAFT, location_precision=LocationPrecision.APPROXIMATE,
                location=Point(6.14, 46.2, srid=4326))
draft.full_clean()
draft.save()
draft.editors.add(User.objects.get(email=%r))
print("DRAFT", draft.slug)
print("PUBLIC", Project.objects.public().order_by("pk").first().slug)
"""


def s3_client(signed=True):
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{S3_PORT}",
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["MEDIA_S3_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def jpeg_bytes(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def count(statements, kind, table):
    return sum(1 for verb, rest in statements if verb == kind and table in rest)


def reads(statements):
    return sum(1 for verb, _ in statements if verb == "SELECT")


def writes(statements):
    return [f"{verb}{rest[:60]}" for verb, rest in statements if verb in ("INSERT", "UPDATE", "DELETE")]


def check(processes, report):
    print("1. Two clusters: a primary and its streaming replica")
    start_primary(processes)
    start_replica(processes)
    wait_for("the replica", lambda: psql(REPLICA_PORT, "select pg_is_in_recovery()") == "t")
    wait_for(
        "replication",
        lambda: psql(PRIMARY_PORT, "select count(*) from pg_stat_replication where state = 'streaming'") == "1",
    )
    print(f"  primary 127.0.0.1:{PRIMARY_PORT}, replica 127.0.0.1:{REPLICA_PORT}")
    print(
        "  pg_stat_replication on the primary:",
        psql(PRIMARY_PORT, "select application_name, state, sync_state from pg_stat_replication"),
    )
    report.expect(
        psql(REPLICA_PORT, "select pg_is_in_recovery()") == "t", "the replica is a hot standby (pg_is_in_recovery)"
    )

    print("2. Migrate the primary and load the demo directory (DATABASE_URL on the primary)")
    env = site_env()
    manage = [PYTHON, "manage.py"]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["createcachetable"],
        ["load_demo"],
        ["load_demo_pages"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        run(*manage, *command, env=env, timeout=300)

    print("3. moto's S3 server and a private bucket")
    processes.start("moto", [str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)])
    wait_for("moto", lambda: not port_free(S3_PORT))
    s3 = s3_client()
    s3.create_bucket(Bucket=BUCKET)
    people = run(*manage, "shell", "-c", SETUP_PEOPLE % (*EDITOR, *STRANGER, EDITOR[0]), env=env)
    slugs = dict(line.split(" ", 1) for line in people.split("\n") if line.startswith(("DRAFT", "PUBLIC")))
    draft, public = slugs["DRAFT"], slugs["PUBLIC"]
    wait_for("the replica to replay the demo", replica_caught_up)
    on_each = [psql(port, "select count(*) from projects_project", "habitat") for port in (PRIMARY_PORT, REPLICA_PORT)]
    report.expect(
        on_each[0] == on_each[1] != "0", f"the replica holds the primary's {on_each[0]} projects ({on_each[1]})"
    )

    print("4. gunicorn as in production, reads on the replica, the pool on, media on S3")
    web_env = site_env(
        {
            "DATABASE_REPLICA_URL": f"postgis://habitat:habitat@127.0.0.1:{REPLICA_PORT}/habitat",
            "DATABASE_POOL": "true",
            "DATABASE_REPLICA_PIN_SECONDS": str(PIN_SECONDS),
            "BIND": f"127.0.0.1:{WEB_PORT}",
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
        }
    )
    run(*manage, "check", "--deploy", "--fail-level", "WARNING", env=web_env)
    processes.start(
        "gunicorn",
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "habitat.wsgi"],
        env=web_env,
    )
    wait_for("gunicorn", lambda: Browser().get("/health/")[0] == 200, timeout=60)
    primary, replica = StatementLog("primary"), StatementLog("replica")

    def observe(action):
        primary.mark()
        replica.mark()
        result = action()
        return result, primary.since_mark(), replica.since_mark()

    print("5. A visitor reads the project list and the map")
    visitor = Browser()
    (statuses, on_primary, on_replica) = observe(
        lambda: [visitor.get("/en/projects/")[0], visitor.get("/projects/map.json?bbox=-180,-85,180,85&zoom=2")[0]]
    )
    print(
        f"  answers {statuses}; SELECTs of projects_project: "
        f"primary {count(on_primary, 'SELECT', 'projects_project')}, "
        f"replica {count(on_replica, 'SELECT', 'projects_project')}"
    )
    report.expect(statuses == [200, 200], "the list and map.json answer 200")
    report.expect(count(on_replica, "SELECT", "projects_project") > 0, "the replica answered the visitor's reads")
    report.expect(not on_primary, f"the primary saw no statement of the visitor's ({len(on_primary)})")

    print("6. An editor signs in and saves a section of their draft")
    editor = Browser()
    editor.sign_in(*EDITOR)
    section = f"/en/projects/{draft}/edit/texts/"
    form = editor.form(section, "summary_en")
    new_summary = f"Saved through the replica check at {time.strftime('%H:%M:%S')}."
    ((status, body, _), on_primary, on_replica) = observe(
        lambda: editor.post(section, {**form["fields"], "summary_en": new_summary})
    )
    print(
        f"  save answered {status}; on the primary: {writes(on_primary)}; on the replica: {writes(on_replica)} "
        f"and {len(on_replica)} statements in all"
    )
    saved = psql(PRIMARY_PORT, f"select summary_en from projects_project where slug = '{draft}'", "habitat")
    report.expect(status == 200 and saved == new_summary, "the save succeeded: the primary holds the new summary")
    report.expect(count(on_primary, "UPDATE", "projects_project") >= 1, "the UPDATE of the project ran on the primary")
    report.expect(not on_replica, "the replica saw nothing of the save (nor of its redirect)")
    wait_for("the replica to replay the save", replica_caught_up, timeout=10)
    replayed = psql(REPLICA_PORT, f"select summary_en from projects_project where slug = '{draft}'", "habitat")
    report.expect(replayed == new_summary, "streaming replication brought the new summary to the replica")

    (_, on_primary, on_replica) = observe(lambda: editor.get("/en/projects/"))
    print(f"  the editor's next read: SELECTs primary {reads(on_primary)}, replica {reads(on_replica)}")
    report.expect(reads(on_primary) > 0 and not on_replica, "the signed-in editor's next read went to the primary")

    print("7. A photo uploaded through the site goes to the bucket, served only through the media view")
    photos = f"/en/projects/{draft}/edit/photos/"
    form = editor.form(photos, "new-alt_text")
    photo = jpeg_bytes((200, 120, 40))
    status, body, _ = editor.post(
        photos,
        {**form["fields"], "new-alt_text": "A wall", "action": "add"},
        files={"new-image": ("wall.jpg", photo, "image/jpeg")},
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    print(f"  upload answered {status}; objects in the bucket: {keys}")
    report.expect(status == 200 and len(keys) == 1, "the upload was stored in the bucket")
    key = keys[0] if keys else "photos/missing.jpg"
    page = editor.get(photos)[1].decode()
    report.expect(
        f'src="/media/{key}"' in page and f":{S3_PORT}" not in page, "the page links to /media/, never the bucket"
    )
    stored = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() if keys else b""
    answers = {}
    status, served, headers = editor.get(f"/media/{key}")
    answers["editor"] = status
    report.expect(status == 200 and served == stored, "its editor gets the stored photo through /media/")
    report.expect(headers.get("Cache-Control") == "private, no-store", "… marked private")
    answers["visitor"] = Browser().get(f"/media/{key}")[0]
    stranger = Browser()
    stranger.sign_in(*STRANGER)
    answers["signed-in stranger"] = stranger.get(f"/media/{key}")[0]
    print(f"  /media/{key}: {answers}")
    report.expect(answers["visitor"] == 404 and answers["signed-in stranger"] == 404, "others get 404")

    # A published project's photo, stored as the site would (the model's field and storage).
    shell = (
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from projects.models import Project, ProjectPhoto\n"
        f"photo = ProjectPhoto(project=Project.objects.get(slug={public!r}), alt_text='A street',\n"
        f"    image=SimpleUploadedFile('street.jpg', bytes.fromhex({jpeg_bytes((40, 90, 200)).hex()!r})))\n"
        "photo.full_clean(); photo.save(); print(photo.image.name)\n"
    )
    public_key = run(*manage, "shell", "-c", shell, env=web_env).strip().splitlines()[-1]
    wait_for("the replica to replay the photo", replica_caught_up, timeout=10)
    status = Browser().get(f"/media/{public_key}")[0]
    print(f"  a published project's photo /media/{public_key}: visitor {status}")
    report.expect(status == 200, "a published project's photo reaches visitors")

    direct = f"http://127.0.0.1:{S3_PORT}/{BUCKET}/{key}"
    try:
        with urllib.request.urlopen(direct, timeout=10) as response:
            unsigned = response.status
    except urllib.error.HTTPError as error:
        unsigned = error.code
    acl = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"] if keys else []
    grantees = [grant["Grantee"].get("URI", grant["Grantee"].get("ID", "?"))[:40] for grant in acl]
    print(f"  unsigned GET {direct}: {unsigned}; object ACL grants: {grantees}")
    report.expect(unsigned == 403, "the bucket's object cannot be read without signing")
    report.expect(not any("AllUsers" in g or "AuthenticatedUsers" in g for g in grantees), "no public grant on it")

    print("8. After a change, the same browser reads the primary for a few seconds")
    (status, on_primary, on_replica) = observe(
        lambda: editor.post(
            "/en/accounts/logout/", editor.form("/en/accounts/logout/", "csrfmiddlewaretoken")["fields"]
        )[0]
    )
    pinned_at = time.monotonic()
    (_, on_primary, on_replica) = observe(lambda: editor.get("/en/projects/"))
    print(
        f"  signed out ({status}); its next read as a visitor: "
        f"SELECTs primary {reads(on_primary)}, replica {reads(on_replica)}"
    )
    report.expect(reads(on_primary) > 0 and not on_replica, "right after its POST, the browser reads the primary")
    (_, on_primary, on_replica) = observe(lambda: Browser().get("/en/projects/"))
    report.expect(reads(on_replica) > 0 and not on_primary, "meanwhile another visitor reads the replica")
    time.sleep(max(0, PIN_SECONDS + 1 - (time.monotonic() - pinned_at)))
    (_, on_primary, on_replica) = observe(lambda: editor.get("/en/projects/"))
    print(f"  {PIN_SECONDS + 1} s later: SELECTs primary {reads(on_primary)}, replica {reads(on_replica)}")
    report.expect(
        reads(on_replica) > 0 and not on_primary,
        f"after DATABASE_REPLICA_PIN_SECONDS={PIN_SECONDS} it reads the replica again",
    )

    held = {
        name: int(psql(port, "select count(*) from pg_stat_activity where usename = 'habitat'"))
        for name, port in (("primary", PRIMARY_PORT), ("replica", REPLICA_PORT))
    }
    most = int(web_env["WEB_CONCURRENCY"]) * 4  # processes × DATABASE_POOL_MAX_SIZE
    print(f"  connections the site holds (pooled, at most {most} per database): {held}")
    report.expect(0 < held["replica"] <= most and 0 < held["primary"] <= most, "the pools bound the connections")

    errors = [line for line in (WORK / "logs" / "replica.log").read_text().splitlines() if " ERROR: " in line]
    report.expect(not errors, f"no statement failed on the replica (read-only) {errors[:2]}")


def main():
    if os.geteuid() != 0:
        raise SystemExit("Run as root (make replica-check): the clusters run as the postgres user through runuser.")
    for port in (PRIMARY_PORT, REPLICA_PORT, S3_PORT, WEB_PORT):
        if not port_free(port):
            raise SystemExit(f"Port {port} is in use: stop what listens there or choose REPLICA_CHECK_*_PORT.")
    for data in (WORK / "primary", WORK / "replica"):
        if (data / "postmaster.pid").exists():  # left by a check that was killed
            subprocess.run(
                ["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )
    shutil.rmtree(WORK, ignore_errors=True)
    for folder in ("logs", "run"):
        (WORK / folder).mkdir(parents=True)
    shutil.chown(WORK, "postgres", "postgres")
    shutil.chown(WORK / "logs", "postgres", "postgres")
    shutil.chown(WORK / "run", "postgres", "postgres")

    def out_of_time(signum, frame):
        raise TimeLimit(f"stopped after {TIME_LIMIT} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    signal.alarm(TIME_LIMIT)
    processes, report = Processes(), Report()
    started = time.monotonic()
    try:
        check(processes, report)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 (reported as a failure, then torn down)
        report.expect(False, f"the check could not finish: {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        print("Tearing down")
        processes.stop()
        for data in ("primary", "replica", "static", "run"):
            shutil.rmtree(WORK / data, ignore_errors=True)
        print(f"  logs kept in {(WORK / 'logs').relative_to(ROOT)}/")
    print(
        f"{'PASS' if not report.failures else 'FAIL'}: replica-check, {report.failures} failure(s), "
        f"{time.monotonic() - started:.0f} s"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
