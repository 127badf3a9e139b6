"""The fault checks, one function each. Each takes the running Harness and returns
(passed, figures): what it observed, as lines to print."""

import random
import re
import resource
import signal
import statistics
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

from harness import VAR, log, port_answers, wait_for
from http_client import Client

BRANDED_503 = "The platform is back in a moment"
TASKS_TABLE = "django_tasks_database_dbtaskresult"
SEND_EMAIL = "habitat.mail.send_email"


def pages(harness):
    slug = harness.facts["project_slug"]
    return [
        "/en/",
        "/en/projects/",
        f"/en/projects/{slug}/",
        "/projects/map.json?bbox=-180,-85,180,85&zoom=2",
        "/health/",
    ]


def percentile(values, fraction):
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(fraction * (len(values) - 1))))
    return values[index]


@dataclass
class Hit:
    visitor: str
    path: str
    status: int
    started: float
    elapsed: float
    branded: bool
    traceback: bool
    retry_after: str
    error: str

    @property
    def finished(self):
        return self.started + self.elapsed


class Load:
    """Visitors reading pages in a loop until stopped; every answer is kept. Each visitor is a
    (name, client, paths) triple; "{n}" in a path is replaced by a counter (a fresh address
    each time, which no cache has seen)."""

    def __init__(self, visitors, *, timeout=10.0):
        self.timeout = timeout
        self.hits = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._visit, args=visitor, daemon=True) for visitor in visitors]

    def _visit(self, name, client, paths):
        n = 0
        while not self.stopping.is_set():
            path = paths[n % len(paths)].replace("{n}", str(n))
            n += 1
            r = client.get(path)
            hit = Hit(
                name,
                path,
                r.status,
                r.started,
                r.elapsed,
                BRANDED_503 in r.body,
                "Traceback" in r.body,
                r.header("Retry-After"),
                r.error,
            )
            with self.lock:
                self.hits.append(hit)
            time.sleep(0.02)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(self.timeout + 5)


def statuses(hits):
    counts = Counter(hit.status if hit.status else hit.error or "no answer" for hit in hits)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items(), key=str))


# --- 1. PostgreSQL restarted hard under load ------------------------------------------------------

OUTAGE_SECONDS = 4
HANG_BOUND = 5.0
RECOVERY_BOUND = 5.0


def postgres_restart(harness):
    """PostgreSQL stopped hard (`pg_ctl stop -m immediate`) under load, started again 4 s later:
    during the outage every answer is our 503 (pages: templates/503.html with Retry-After;
    /health/: its JSON "down") or a page the page cache still holds for anonymous visitors;
    none hangs; within 5 s of PostgreSQL's return all succeed, gunicorn untouched."""
    port = harness.ports["web"]
    paths = pages(harness)
    warm(port, paths)
    signed_in = Client(port, forwarded_for="10.1.0.9")
    signed_in.login(harness.facts["lister"], harness.facts["password"])
    # Cached pages for anonymous visitors; a fresh query string on each request (a search
    # nobody made before) and a signed-in person, whose pages always need the database.
    fresh = [f"{path}{'&' if '?' in path else '?'}fault={{n}}" for path in paths]
    visitors = [
        ("anonymous", Client(port, timeout=10, forwarded_for="10.1.0.1"), paths),
        ("anonymous", Client(port, timeout=10, forwarded_for="10.1.0.2"), paths[::-1]),
        ("uncached", Client(port, timeout=10, forwarded_for="10.1.0.3"), fresh),
        ("signed-in", signed_in, [*paths, "/en/my/"]),
    ]
    gunicorn_pid = harness.processes["web"].pid
    with Load(visitors) as load:
        time.sleep(3)
        stop_at = time.monotonic()
        harness.stop_postgres("immediate")
        down_at = time.monotonic()
        log(f"PostgreSQL stopped (immediate) in {down_at - stop_at:.2f} s; down for {OUTAGE_SECONDS} s")
        time.sleep(OUTAGE_SECONDS)
        start_at = time.monotonic()
        harness.start_postgres()
        up_at = time.monotonic()
        log(f"PostgreSQL accepting connections again after {up_at - start_at:.2f} s of start-up")
        time.sleep(8)
    hits = load.hits
    before = [h for h in hits if h.finished < stop_at]
    during = [h for h in hits if h.started >= down_at and h.finished <= start_at]
    after = [h for h in hits if h.started >= up_at]

    def well_formed_503(hit):
        if hit.status != 503 or hit.traceback:
            return False
        if hit.path.startswith("/health/"):
            return True
        return hit.branded and hit.retry_after.isdigit()

    from_cache = [
        h for h in during if h.status == 200 and h.visitor == "anonymous" and not h.path.startswith("/health/")
    ]
    bad_during = [h for h in during if not well_formed_503(h) and h not in from_cache]
    failed_after = [h for h in after if h.status != 200]
    recovery = max((h.finished - up_at for h in failed_after), default=0.0)
    late_failures = [h for h in after if h.status != 200 and h.started >= up_at + RECOVERY_BOUND]
    slowest = max((h.elapsed for h in hits if h.started >= stop_at), default=0.0)
    slowest_during = max((h.elapsed for h in during), default=0.0)
    same_server = harness.processes["web"].poll() is None and harness.processes["web"].pid == gunicorn_pid
    needing_db = [h for h in during if h not in from_cache]
    figures = [
        f"before the stop: {len(before)} requests ({statuses(before)})",
        f"during the outage ({OUTAGE_SECONDS} s + start-up): {len(during)} requests ({statuses(during)}): "
        f"{len(from_cache)} anonymous pages answered from the page cache (Redis), "
        f"{len(needing_db) - len(bad_during)}/{len(needing_db)} of the others a branded 503 with Retry-After "
        f"(or /health/'s JSON 503); slowest {slowest_during * 1000:.0f} ms",
        f"after PostgreSQL's return: {len(after)} requests ({statuses(after)}); "
        f"time to recovery {recovery:.2f} s (bound {RECOVERY_BOUND:.0f} s)",
        f"slowest answer from the stop on {slowest * 1000:.0f} ms (bound {HANG_BOUND:.0f} s); "
        f"gunicorn not restarted: {same_server}",
    ]
    if bad_during:
        sample = bad_during[0]
        figures.append(
            f"unexpected during the outage, e.g. {sample.visitor} {sample.path}: {sample.status} {sample.error}"
        )
    passed = (
        len(needing_db) > 0
        and not bad_during
        and len(after) > 0
        and recovery <= RECOVERY_BOUND
        and not late_failures
        and slowest <= HANG_BOUND
        and same_server
    )
    return passed, figures


def warm(port, paths, rounds=12):
    """Every gunicorn process loads its templates and fills the page cache before measuring."""
    client = Client(port, timeout=30, forwarded_for="10.0.0.1")
    for _ in range(rounds):
        for path in paths:
            client.get(path)


# --- 2. Redis stopped -----------------------------------------------------------------------------


def median_latency(port, paths, rounds, failures):
    client = Client(port, timeout=10, forwarded_for="10.2.0.1")
    times = []
    for n in range(rounds):
        for path in paths:
            r = client.get(path.replace("{n}", f"{n}-{random.randrange(10**9)}"))
            times.append(r.elapsed)
            if r.status != 200:
                failures.append(f"{path}: {r.status or r.error}")
    return statistics.median(times)


def health(port):
    import json

    r = Client(port, timeout=5).get("/health/")
    try:
        return r.status, json.loads(r.body)
    except ValueError:
        return r.status, {}


def redis_down(harness):
    """Redis stopped: every page still answers 200, the median latency at most doubles, a
    signed-in session holds (sessions and rate limits are in PostgreSQL); once Redis is back,
    the cache works again."""
    port = harness.ports["web"]
    paths = [p for p in pages(harness) if p != "/health/"]
    # The same pages with a query string no cache has seen: computed, as they are without Redis.
    fresh = [f"{path}{'&' if '?' in path else '?'}fault={{n}}" for path in paths]
    rounds = 12
    visitor = Client(port, forwarded_for="10.2.0.2")
    visitor.login(harness.facts["lister"], harness.facts["password"])
    failures_up, failures_down = [], []
    warm(port, paths)
    hits = median_latency(port, paths, rounds, failures_up)
    up = median_latency(port, fresh, rounds, failures_up)
    status_up, health_up = health(port)

    harness.kill("redis")
    log("Redis stopped")
    down = median_latency(port, paths, rounds, failures_down)
    status_down, health_down = health(port)
    my_page = visitor.get("/en/my/")
    session_holds = my_page.status == 200 and "Fault Lister" in my_page.body
    cache_rows_before = int(harness.psql("select count(*) from habitat_cache"))
    newcomer = Client(port, forwarded_for="10.2.0.3")
    newcomer.login(harness.facts["lister"], harness.facts["password"])
    signed_in_without_redis = newcomer.get("/en/my/").status == 200
    cache_rows_after = int(harness.psql("select count(*) from habitat_cache"))

    harness.start_redis()
    back_at = time.monotonic()
    log("Redis started again")
    try:
        wait_for(
            lambda: health(port)[1].get("cache", {}).get("ok") is True,
            timeout=15,
            interval=0.2,
            what="/health/ reporting the cache",
        )
        cache_back = time.monotonic() - back_at
    except TimeoutError:
        cache_back = None
    stamp = f"back-{random.randrange(10**9)}"
    read_back = harness.django(
        "import json; from django.core.cache import caches; "
        f"caches['pages'].set('faults-check', '{stamp}', 300); print(json.dumps(caches['pages'].get('faults-check')))"
    )
    # django-redis pickles values: redis-cli sees that the key exists; the app reads it back.
    in_redis = harness.redis_cli("-n", "1", "EXISTS", "habitat:1:faults-check") == "1" and read_back == stamp
    ratio = down / up if up else float("inf")
    figures = [
        f"Redis up: median {hits * 1000:.1f} ms for pages from the page cache, {up * 1000:.1f} ms for pages "
        f"computed (a new query string each time), {rounds * len(paths)} requests each over {len(paths)} pages; "
        f"non-200: {len(failures_up)}; /health/ {status_up} {health_up.get('status')}",
        f"Redis down: median {down * 1000:.1f} ms: {ratio:.2f}x the computed pages with Redis up (bound 2x; "
        f"{down / hits if hits else 0:.1f}x the cached ones), non-200: {len(failures_down)}; "
        f"/health/ {status_down} {health_down.get('status')} (cache: {health_down.get('cache', {}).get('error')})",
        f"while Redis was down: the signed-in session still on /en/my/: {session_holds}; a new sign-in worked: "
        f"{signed_in_without_redis}; rows in PostgreSQL's cache table (sessions' rate limits) "
        f"{cache_rows_before} -> {cache_rows_after}",
        f"Redis back: /health/ cache ok after {cache_back if cache_back is None else round(cache_back, 2)} s; "
        f"a key set through caches['pages'] is in Redis: {in_redis}",
    ]
    figures += [f"failed: {failure}" for failure in (failures_up + failures_down)[:5]]
    passed = (
        not failures_up
        and not failures_down
        and ratio <= 2.0
        and session_holds
        and signed_in_without_redis
        and status_down == 200
        and cache_back is not None
        and in_redis
    )
    return passed, figures


# --- 3. The mail server unreachable, the worker killed mid-send -----------------------------------

CONTACTS = 50
DELIVERY_BOUND = 180


def task_counts(harness):
    rows = harness.psql(f"select status, count(*) from {TASKS_TABLE} where task_path = '{SEND_EMAIL}' group by status")
    counts = dict(line.split("|") for line in rows.splitlines() if line)
    return {status: int(count) for status, count in counts.items()}


def messages_tried(harness):
    """How many distinct messages have had at least one failed try (a retry is queued)."""
    return int(
        harness.psql(
            f"select count(distinct args_kwargs->'kwargs'->>'message_id') from {TASKS_TABLE} "
            f"where task_path = '{SEND_EMAIL}' and (args_kwargs->'kwargs'->>'attempt')::int >= 1"
        )
    )


def submit_all(harness):
    """50 contact messages (10 to each of five projects, each from its own visitor) and 20
    password resets, over HTTP like browsers, five at a time. Returns the answers' statuses."""
    jobs = []
    for n in range(CONTACTS):
        project = harness.facts["contact_projects"][n % len(harness.facts["contact_projects"])]
        jobs.append(
            (
                f"10.3.{n // 200}.{n % 200 + 1}",
                f"/en/projects/{project['slug']}/contact/",
                {
                    "name": f"Visitor {n}",
                    "email": f"visitor-{n}@faults.test",
                    "message": f"Could we visit you? Reference FAULT-C{n:02d}.",
                },
            )
        )
    for n, address in enumerate(harness.facts["reset_users"]):
        jobs.append((f"10.4.0.{n + 1}", "/en/accounts/password/reset/", {"email": address}))
    results = [None] * len(jobs)

    def run(indexes):
        for index in indexes:
            ip, path, data = jobs[index]
            try:
                results[index] = Client(harness.ports["web"], timeout=15, forwarded_for=ip).submit(path, data)
            except RuntimeError as error:
                results[index] = str(error)

    threads = [threading.Thread(target=run, args=(range(n, len(jobs), 5),), daemon=True) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def kill_worker_mid_send(harness, *, after_delivered):
    """Wait until the worker is inside an SMTP conversation (the slow server is holding its
    RCPT TO) after ``after_delivered`` deliveries, then SIGKILL it. Returns the tasks it left RUNNING."""

    def in_a_send():
        entries = harness.received_mail()
        delivered = sum(1 for entry in entries if entry["event"] == "message")
        return (
            delivered >= after_delivered and entries[-1]["event"] == "rcpt" and time.time() - entries[-1]["time"] < 1.0
        )

    wait_for(in_a_send, timeout=60, interval=0.05, what="the worker in the middle of a send")
    harness.kill("worker", sig=signal.SIGKILL)
    time.sleep(0.3)
    running = harness.psql(
        f"select id from {TASKS_TABLE} where task_path = '{SEND_EMAIL}' and status = 'RUNNING'"
    ).split()
    return running


def mail_outage(harness):
    """The SMTP server is stopped; 50 contact messages and 20 password resets are accepted and
    wait in the queue (retried); the server comes back slow, the worker is SIGKILLed twice in
    the middle of a send and restarted; every message arrives exactly once."""
    harness.kill("smtp")
    log("SMTP server stopped")
    started = time.monotonic()
    results = submit_all(harness)
    took = time.monotonic() - started
    accepted = [r for r in results if not isinstance(r, str) and r.status == 302]
    refused = [r if isinstance(r, str) else f"{r.status} {r.error}" for r in results if r not in accepted]
    expected = len(results)
    log(f"{len(accepted)}/{expected} submissions accepted in {took:.1f} s")
    wait_for(
        lambda: messages_tried(harness) >= len(accepted),
        timeout=60,
        interval=0.5,
        what="every queued message tried once",
    )
    queued = task_counts(harness)
    log(f"queue while the mail server is down: {queued}")

    harness.start_smtp(slow=True)
    smtp_back = time.monotonic()
    log("SMTP server back (answering RCPT TO slowly); killing the worker in the middle of sends")
    left_running = set()
    for after in (3, 10):
        running = kill_worker_mid_send(harness, after_delivered=after)
        left_running.update(running)
        log(f"worker SIGKILLed in a send; tasks left RUNNING: {len(running)}")
        time.sleep(1)
        if after == 10:
            harness.smtp_slow_flag.unlink(missing_ok=True)
        harness.start_worker()
        log("worker restarted")

    def all_done():
        counts = task_counts(harness)
        return not counts.get("READY") and not counts.get("RUNNING")

    try:
        wait_for(all_done, timeout=DELIVERY_BOUND, interval=0.5, what="the queue emptied")
        drained = time.monotonic() - smtp_back
    except TimeoutError:
        drained = None
    time.sleep(1)
    final = task_counts(harness)
    messages = [entry for entry in harness.received_mail() if entry["event"] == "message"]
    stuck = harness.psql(
        f"select count(*) from {TASKS_TABLE} where status = 'RUNNING' and id::text in "
        f"({', '.join(repr(i) for i in left_running) or 'null'})"
    )

    worker_log = (VAR / "logs" / "worker.log").read_text(errors="replace")
    requeued = sum(int(m) for m in re.findall(r"(\d+) task\(s\) left running by a stopped worker", worker_log))
    # What should have arrived: each contact token at its group's address, each reset at its user.
    per_token = Counter(token for entry in messages for token in entry["tokens"])
    per_recipient = Counter(address for entry in messages for address in entry["to"])
    per_message_id = Counter(entry["message_id"] for entry in messages)
    contact_ok = sum(1 for n in range(CONTACTS) if per_token[f"FAULT-C{n:02d}"] == 1)
    resets_ok = sum(1 for address in harness.facts["reset_users"] if per_recipient[address] == 1)
    lost = [n for n in range(CONTACTS) if per_token[f"FAULT-C{n:02d}"] == 0] + [
        a for a in harness.facts["reset_users"] if per_recipient[a] == 0
    ]
    doubled = [t for t, c in per_token.items() if c > 1] + [
        a for a in harness.facts["reset_users"] if per_recipient[a] > 1
    ]
    repeated_ids = sum(1 for count in per_message_id.values() if count > 1)
    figures = [
        f"submitted over HTTP while the mail server was down: {expected} ({CONTACTS} contact messages, "
        f"{len(harness.facts['reset_users'])} password resets), accepted {len(accepted)} in {took:.1f} s"
        + (f"; refused: {refused[:3]}" if refused else ""),
        f"queue after every message was tried once: {dict(sorted(queued.items()))} (tasks by status; "
        "a failed try is a SUCCESSFUL task that queued its retry)",
        f"worker SIGKILLed twice in the middle of an SMTP conversation: {len(left_running)} task(s) left RUNNING, "
        f"queued again by the restarted worker: {requeued}, still RUNNING at the end: {stuck}",
        f"mail server back -> queue empty in {drained if drained is None else round(drained, 1)} s "
        f"(bound {DELIVERY_BOUND} s); tasks at the end: {dict(sorted(final.items()))}",
        f"received: {len(messages)} messages for {expected} expected; contact messages delivered exactly once: "
        f"{contact_ok}/{CONTACTS}; resets delivered exactly once: {resets_ok}/{len(harness.facts['reset_users'])}; "
        f"lost: {len(lost)}; doubled: {len(doubled)}; Message-IDs seen more than once: {repeated_ids}",
    ]
    if lost:
        figures.append(f"lost, e.g.: {lost[:5]}")
    if doubled:
        figures.append(f"doubled, e.g.: {doubled[:5]}")
    passed = (
        len(accepted) == expected
        and contact_ok == CONTACTS
        and resets_ok == len(harness.facts["reset_users"])
        and len(messages) == expected
        and repeated_ids == 0
        and drained is not None
        and int(stuck) == 0
    )
    return passed, figures


# --- 4. 1,000 slow clients ------------------------------------------------------------------------

SLOW_CONNECTIONS = 1000
ATTACK_SECONDS = 40


def slow_attack(harness, port, label):
    """slowhttptest (slowloris: headers never finished) with 1,000 connections against
    ``port`` while /health/ is asked four times a second; returns the health figures."""
    prefix = VAR / "logs" / f"slowhttptest-{label}"

    def more_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))

    attack = subprocess.Popen(
        [
            "slowhttptest",
            "-H",
            "-c",
            str(SLOW_CONNECTIONS),
            "-r",
            "250",
            "-i",
            "10",
            "-s",
            "8192",
            "-t",
            "GET",
            "-u",
            f"http://127.0.0.1:{port}/en/",
            "-x",
            "24",
            "-p",
            "3",
            "-l",
            str(ATTACK_SECONDS),
            "-g",
            "-o",
            str(prefix),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=more_files,
        start_new_session=True,
    )
    try:
        time.sleep(8)  # the connections open at 250 a second
        client = Client(port, timeout=5)
        times, failures = [], 0
        until = time.monotonic() + ATTACK_SECONDS - 14
        while time.monotonic() < until:
            r = client.get("/health/")
            times.append(r.elapsed)
            if r.status != 200:
                failures += 1
            time.sleep(max(0.0, 0.25 - r.elapsed))
        output, _ = attack.communicate(timeout=ATTACK_SECONDS + 30)
    finally:
        if attack.poll() is None:
            attack.kill()
            attack.wait()
    connected = max_connected(prefix)
    return {
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "n": len(times),
        "failures": failures,
        "connected": connected,
        "output": output,
    }


def max_connected(prefix):
    """The most connections slowhttptest held open at once (its CSV: seconds, closed, pending,
    connected, service available)."""
    try:
        lines = prefix.with_suffix(".csv").read_text().splitlines()[1:]
        return max(int(line.split(",")[3]) for line in lines if line.count(",") >= 4)
    except (OSError, ValueError, IndexError):
        return None


def ensure_installed(command, package):
    if subprocess.run(["which", command], capture_output=True).returncode != 0:
        log(f"installing {package} (apt-get)")
        subprocess.run(["apt-get", "install", "-y", package], check=True, capture_output=True, timeout=300)


def slow_clients(harness):
    """1,000 slowloris connections must not starve /health/ (p95 under 1 s). Measured against
    gunicorn alone, then as in production, with nginx (deploy/nginx.conf) in front."""
    ensure_installed("slowhttptest", "slowhttptest")
    ensure_installed("nginx", "nginx")
    direct = slow_attack(harness, harness.ports["web"], "gunicorn")
    wait_for(
        lambda: Client(harness.ports["web"], timeout=2).get_quietly("/health/") == 200,
        timeout=60,
        what="gunicorn free again",
    )
    harness.start_proxy()
    proxied = slow_attack(harness, harness.ports["proxy"], "nginx")
    harness.kill("proxy")

    def line(label, figures):
        return (
            f"{label}: /health/ p50 {figures['p50'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms over "
            f"{figures['n']} requests, {figures['failures']} failed or timed out (5 s); "
            f"slow connections held open: {figures['connected']}"
        )

    figures = [
        line("gunicorn alone (for information: gthread threads wait on slow headers)", direct),
        line(f"nginx in front (as deploy/nginx.conf, on :{harness.ports['proxy']}; the production shape)", proxied),
    ]
    passed = proxied["p95"] < 1.0 and proxied["failures"] == 0 and (proxied["connected"] or 0) >= 900
    return passed, figures


# --- 5. A listing interrupted half-way --------------------------------------------------------------


def listing_interrupted(harness):
    """A signed-in person starts listing a project and saves two sections; gunicorn is
    SIGKILLed (master and workers) and started again; the draft is intact, with every saved
    field, and the same browser session goes on."""
    port = harness.ports["web"]
    browser = Client(port, forwarded_for="10.5.0.1")
    browser.login(harness.facts["lister"], harness.facts["password"])
    token = f"{random.randrange(10**6):06d}"
    name = f"Interrupted co-operative {token}"
    created = browser.submit(
        "/en/projects/new/", {"original_language": "en", "name_en": name, "country": "UY", "city": "Montevideo"}
    )
    match = re.match(r"/en/projects/([\w-]+)/edit/$", created.header("Location"))
    if created.status != 302 or not match:
        return False, [f"the draft was not created: {created.status} {created.header('Location')}"]
    slug = match.group(1)
    saved = {
        "texts": {
            "summary_en": f"Twenty families renovating a mill together ({token}).",
            "description_en": f"A long description that must survive a crash, token {token}.",
        },
        "facts": {
            "stage": "planning",
            "dwellings": "20",
            "inhabitants": "55",
            "start_year": "2021",
            "website": f"https://mill-{token}.example.org",
            "contact_email": f"mill-{token}@faults.test",
        },
    }
    for section, changes in saved.items():
        answer = browser.submit(f"/en/projects/{slug}/edit/{section}/", changes)
        if answer.status != 302:
            return False, [f"saving {section} failed: {answer.status}"]

    old_pid = harness.processes["web"].pid
    killed_at = time.monotonic()
    harness.kill("web", sig=signal.SIGKILL)
    gone = not port_answers(port)
    harness.start_web()
    back = time.monotonic() - killed_at
    log(f"gunicorn SIGKILLed (pid {old_pid}) and started again in {back:.1f} s")

    present, missing = 0, []
    for section, changes in saved.items():
        page = browser.get(f"/en/projects/{slug}/edit/{section}/")
        from http_client import form_fields

        fields = form_fields(page.body, action=f"/en/projects/{slug}/edit/{section}/")
        for field, value in changes.items():
            if page.status == 200 and fields.get(field, [None])[0] == value:
                present += 1
            else:
                missing.append(f"{section}.{field}")
    my_projects = browser.get("/en/my/")
    listed = my_projects.status == 200 and name in my_projects.body
    stored = harness.psql(f"select status, summary_en, dwellings, website from projects_project where slug = '{slug}'")
    total = sum(len(changes) for changes in saved.values())
    figures = [
        f"draft {slug!r} created, sections texts and facts saved ({total} fields) by a signed-in session",
        f"gunicorn SIGKILLed (master and workers; port closed: {gone}) and back in {back:.1f} s",
        f"after the restart, the same session: fields present {present}/{total}; draft on /en/my/: {listed}; "
        f"in the database: {stored.replace('|', ', ')}",
    ]
    if missing:
        figures.append(f"missing: {missing}")
    return present == total and listed and gone, figures


CHECKS = {
    "postgres-restart": (postgres_restart, 120),
    "redis-down": (redis_down, 120),
    "mail-outage": (mail_outage, 420),
    "slow-clients": (slow_clients, 240),
    "interrupted-listing": (listing_interrupted, 150),
}
