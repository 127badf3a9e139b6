"""`make load`: the production server under a realistic load, against 127.0.0.1 only.

Seeds the separate database habitat_load_bench with synthetic projects (100,000 by default,
with `manage.py bench --seed-only`), adds a few editor accounts with a draft each, starts
gunicorn as `make serve` does (DEBUG off, the page cache in Redis database 2, emptied first),
then runs locust (scripts/load/locustfile.py) headless at each number of users in turn and
prints requests per second, p50/p95/p99 and errors per kind of request, with the targets:
no error; p95 under 500 ms for pages and under 300 ms for map.json at 50 users.

    .venv/bin/python scripts/load/run.py [--projects 100000] [--users 50,200] [--seconds 60]
                                         [--skip-seed]

The report is also written to var/load/report.md, for docs/benchmarks.md.
"""

import argparse
import csv
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "load"
DATABASE = "habitat_load_bench"
DATABASE_URL = f"postgis://habitat:habitat@127.0.0.1:5432/{DATABASE}"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/2")
EDITORS = 5
PASSWORD = "load-test-editor-password-8412"
PAGE_TARGET_MS, MAP_TARGET_MS, TARGET_USERS = 500, 300, 50


def say(text):
    print(f"==> {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args, env):
    subprocess.run([VENV / "python", "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env, projects, skip_seed):
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "habitat",
            "-d",
            "postgres",
            "-tAc",
            f"select 1 from pg_database where datname='{DATABASE}'",
        ],
        env={**env, "PGPASSWORD": "habitat"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        say(f"Creating the database {DATABASE}")
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "habitat", DATABASE], env={**env, "PGPASSWORD": "habitat"}, check=True
        )
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("createcachetable", env=env)
    if not skip_seed:
        say(f"Seeding {projects:,} projects")
        manage("bench", "--sizes", str(projects), "--seed-only", env=env)


def prepare_people_and_urls(env):
    """Editor accounts with a draft each, and a sample of public projects' slugs, in files
    the locustfile reads."""
    code = f"""
import json, random
from allauth.account.models import EmailAddress
from habitat.models import User
from projects.models import Project, Status
editors = []
for n in range({EDITORS}):
    email = f"load-editor-{{n}}@example.org"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        username=f"load-editor-{{n}}", email=email, display_name=f"Load editor {{n}}")
    user.set_password({PASSWORD!r}); user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={{"verified": True, "primary": True}})
    draft = user.edited_projects.filter(status=Status.DRAFT).first()
    if draft is None:
        draft = Project.objects.create(name_en=f"Load test draft {{n}}", summary_en="A draft.", country="CH",
                                       city="Zurich", status=Status.DRAFT, slug=f"load-test-draft-{{n}}")
        draft.editors.add(user)
    editors.append({{"email": email, "password": {PASSWORD!r}, "slug": draft.slug}})
json.dump(editors, open({str(OUT / "editors.json")!r}, "w"))
ids = list(Project.objects.public().values_list("pk", flat=True))
sample = random.Random(7).sample(ids, min(2000, len(ids)))
slugs = Project.objects.filter(pk__in=sample).values_list("slug", flat=True)
open({str(OUT / "slugs.txt")!r}, "w").write("\\n".join(slugs))
"""
    manage("shell", "-c", code, env=env)


def start_server(env, port):
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    manage("collectstatic", "--no-input", "-v", "0", env=env)
    with open(OUT / "server.log", "w") as log:
        server = subprocess.Popen(
            [VENV / "gunicorn", "-c", "deploy/gunicorn.conf.py", "habitat.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"The server did not answer /health/ within 60 s: see {OUT / 'server.log'}")


def run_locust(users, seconds, port, env):
    prefix = OUT / f"users-{users}"
    say(f"{users} users for {seconds} s")
    subprocess.run(
        [
            VENV / "locust",
            "-f",
            "scripts/load/locustfile.py",
            "--headless",
            "--only-summary",
            # Measured once every user has started: the figures are of that many people at
            # once, not of the first second, when all of them arrive together.
            "--reset-stats",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(5, users // 10)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def number(row, column):
    value = row.get(column) or "0"
    return float(value) if value != "N/A" else 0.0


def report(results, projects, seconds):
    lines = [
        f"Load test: {projects:,} projects, {seconds} s per run, gunicorn "
        f"({os.cpu_count()} cores, {platform.python_version()}), locust on the same machine.",
        "",
        "| users | request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for users, rows in results.items():
        for row in rows:
            name = row["Name"]
            p95 = number(row, "95%")
            lines.append(
                f"| {users} | {name} | {int(number(row, 'Request Count')):,} | {number(row, 'Requests/s'):.1f} | "
                f"{number(row, '50%'):.0f} | {p95:.0f} | {number(row, '99%'):.0f} | "
                f"{int(number(row, 'Failure Count'))} |"
            )
            if name == "Aggregated":
                if int(number(row, "Failure Count")):
                    verdicts.append(f"{users} users: {int(number(row, 'Failure Count'))} errors (target: none)")
                continue
            if users == TARGET_USERS:
                target = MAP_TARGET_MS if name.startswith("map.json") else PAGE_TARGET_MS
                if p95 > target:
                    verdicts.append(f"{users} users: {name} p95 {p95:.0f} ms (target under {target} ms)")
    lines.append("")
    if TARGET_USERS not in results:
        lines.append(f"(The latency targets are set for {TARGET_USERS} users, which this run did not include.)")
    lines += [f"Missed: {verdict}" for verdict in verdicts] or ["Every target met."]
    return "\n".join(lines), verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-seed", action="store_true", help="Keep the projects of the last run.")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DEFAULT_FROM_EMAIL": "SPH platform <platform@localhost.test>",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_STATIC_ROOT": str(OUT / "static"),
        "REDIS_URL": REDIS_URL,
        "BIND": f"127.0.0.1:{port}",
        "ACCESS_LOG": str(OUT / "access.log"),
        "LOAD_SLUGS": str(OUT / "slugs.txt"),
        "LOAD_EDITORS": str(OUT / "editors.json"),
        # E-mails stay in the queue: nothing here sends any.
        "SMTP_HOST": "127.0.0.1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    prepare_database(env, options.projects, options.skip_seed)
    prepare_people_and_urls(env)
    subprocess.run([VENV / "python", "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).flushdb()"], check=True)
    server = start_server(env, port)
    try:
        results = {}
        for users in (int(value) for value in options.users.split(",")):
            results[users] = run_locust(users, options.seconds, port, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    text, verdicts = report(results, options.projects, options.seconds)
    (OUT / "report.md").write_text(text + "\n")
    print()
    print(text)
    print(f"\n(written to {OUT / 'report.md'})")
    errors = any(
        int(number(row, "Failure Count")) for rows in results.values() for row in rows if row["Name"] == "Aggregated"
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
