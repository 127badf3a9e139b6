"""The fault checks' own copy of the platform: PostgreSQL, Redis, an SMTP server, gunicorn,
the e-mail worker and (for the slow-client check) nginx, all on 127.0.0.1 and on ports of
their own, so that the shared PostgreSQL (5432) and Redis (6379) are never touched.

Everything lives under var/faults/ and is started as a child of this process (each in its
own process group, so that it can be killed with everything it started); `Harness.stop_all`
ends each of them, also when a check fails or the run is interrupted.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from http_client import Client

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "faults"
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Ports asked for first; the next free one is taken when one is in use. Never 5432 or 6379, and
# below Linux's ephemeral range (32768-60999): there, the source port of any client connection
# (slowhttptest opens 1,000) can take a port between a server's stop and its start again.
PREFERRED_PORTS = {"postgres": 25432, "redis": 26379, "smtp": 28025, "web": 28000, "proxy": 28080}
SHARED_PORTS = {5432, 6379, 8000}
# Retries of e-mails for the checks: a few seconds apart, for a few minutes in all, so that an
# outage of the mail server of a minute or two loses nothing and the check does not wait an hour.
CHECK_MAIL_RETRY_DELAYS = "2,3,5" + ",5" * 40


def log(message):
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def port_is_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred):
    for port in range(preferred, preferred + 200):
        if port not in SHARED_PORTS and port_is_free(port):
            return port
    raise RuntimeError(f"no free port near {preferred}")


def wait_for(predicate, *, timeout, interval=0.1, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def port_answers(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Harness:
    def __init__(self):
        self.processes = {}  # name -> Popen, each the leader of its own process group
        self.pg_data = VAR / "pg" / "data"
        self.pg_socket_dir = VAR / "pg" / "run"
        self.logs = VAR / "logs"
        self.smtp_record = VAR / "smtp" / "received.jsonl"
        self.smtp_slow_flag = VAR / "smtp" / "slow"
        self.pg_running = False
        self.facts = {}
        if VAR.exists():
            self.end_an_earlier_run()
        self.ports = {name: free_port(port) for name, port in PREFERRED_PORTS.items()}
        self.env = self._django_env()

    # --- Environment -----------------------------------------------------------------------

    def _django_env(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SMTP_"))}
        env.update(
            {
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": "faults-" + os.urandom(24).hex(),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                # The checks speak for a proxy: X-Forwarded-For names each simulated visitor.
                "DJANGO_TRUSTED_PROXY_COUNT": "1",
                "DJANGO_STATIC_ROOT": str(VAR / "static"),
                "DJANGO_MEDIA_ROOT": str(VAR / "media"),
                "DJANGO_LOG_LEVEL": "WARNING",
                "DEFAULT_FROM_EMAIL": "SPH platform <platform@faults.test>",
                "SITE_URL": f"http://127.0.0.1:{self.ports['web']}",
                "DATABASE_URL": f"postgis://habitat@127.0.0.1:{self.ports['postgres']}/habitat",
                "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/1",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(self.ports["smtp"]),
                "MAIL_RETRY_DELAYS": CHECK_MAIL_RETRY_DELAYS,
                "BIND": f"127.0.0.1:{self.ports['web']}",
                "ACCESS_LOG": str(VAR / "logs" / "access.log"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def client(self, **kwargs):
        return Client(self.ports["web"], **kwargs)

    # --- Processes ---------------------------------------------------------------------------

    def spawn(self, name, args, *, env=None, cwd=ROOT):
        log_file = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 -- kept open for the child
        process = subprocess.Popen(
            args, cwd=cwd, env=env or self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        log_file.close()
        self.processes[name] = process
        self._record_pids()
        return process

    def _record_pids(self):
        """The process groups started, for a later run to end if this one is killed without its
        teardown (SIGKILL cannot be trapped)."""
        record = [{"pid": p.pid, "args": [str(arg) for arg in p.args]} for p in self.processes.values()]
        (VAR / "pids.json").write_text(json.dumps(record))

    def end_an_earlier_run(self):
        """End what an earlier run left behind (its process groups, its PostgreSQL cluster)."""
        record = VAR / "pids.json"
        if record.exists():
            for entry in json.loads(record.read_text()):
                try:
                    cmdline = Path(f"/proc/{entry['pid']}/cmdline").read_bytes()
                except OSError:
                    continue
                if still_running(cmdline, entry["args"]):  # that process, not another one with its pid
                    log(f"ending {Path(entry['args'][0]).name} (pid {entry['pid']}) left by an earlier run")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(entry["pid"], signal.SIGKILL)
                    with contextlib.suppress(TimeoutError):
                        wait_for(lambda pid=entry["pid"]: not group_alive(pid), timeout=5, what="the group gone")
        if (self.pg_data / "postmaster.pid").exists():
            log("stopping the PostgreSQL cluster left by an earlier run")
            self.stop_postgres("immediate")

    def kill(self, name, sig=signal.SIGTERM, timeout=10):
        """Signal a process we started and everything it started (its process group)."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            self.processes.pop(name, None)
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        # Children of a killed leader (gunicorn's workers) leave with the group.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.pop(name, None)

    def manage(self, *args, timeout=600, check=True):
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def django(self, code, timeout=120):
        """Run Python with Django set up against the harness's database; returns its JSON output."""
        result = self.manage("shell", "--no-imports", "-c", code, timeout=timeout)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    # --- PostgreSQL ----------------------------------------------------------------------------

    def _as_postgres(self, args, **kwargs):
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kwargs)

    def init_postgres(self):
        (VAR / "pg").mkdir(parents=True, exist_ok=True)
        self.pg_socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(VAR / "pg", "postgres", "postgres")
            shutil.chown(self.pg_socket_dir, "postgres", "postgres")
        result = self._as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.pg_data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr}")

    def start_postgres(self):
        options = (
            f"-p {self.ports['postgres']} -k {self.pg_socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        result = self._as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.pg_data),
                "-l",
                str(VAR / "pg" / "postgres.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=90,
        )
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {result.stdout}{result.stderr}")
        self.pg_running = True

    def stop_postgres(self, mode="fast"):
        result = self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-m", mode, "-w", "-t", "60", "stop"], timeout=90
        )
        self.pg_running = False
        return result.returncode == 0

    def psql(self, sql, database="habitat"):
        result = self._as_postgres(
            [
                "psql",
                "-h",
                str(self.pg_socket_dir),
                "-p",
                str(self.ports["postgres"]),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                sql,
            ],
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout.strip()

    # --- Redis, SMTP, the platform -----------------------------------------------------------------

    def start_redis(self):
        (VAR / "redis").mkdir(parents=True, exist_ok=True)
        self.spawn(
            "redis",
            [
                "/usr/bin/redis-server",
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(VAR / "redis"),
                "--daemonize",
                "no",
            ],
        )
        wait_for(lambda: port_answers(self.ports["redis"]), timeout=10, what="Redis listening")

    def redis_cli(self, *args):
        result = subprocess.run(
            ["/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", str(self.ports["redis"]), *args],
            capture_output=True,
            timeout=10,
        )
        return result.stdout.decode("utf-8", "replace").strip()

    def start_smtp(self, *, slow=False):
        self.smtp_record.parent.mkdir(parents=True, exist_ok=True)
        if slow:
            self.smtp_slow_flag.touch()
        else:
            self.smtp_slow_flag.unlink(missing_ok=True)
        self.spawn(
            "smtp",
            [
                str(PYTHON),
                str(Path(__file__).with_name("smtp_recorder.py")),
                "--port",
                str(self.ports["smtp"]),
                "--record",
                str(self.smtp_record),
                "--slow-flag",
                str(self.smtp_slow_flag),
            ],
        )
        wait_for(lambda: port_answers(self.ports["smtp"]), timeout=15, what="the SMTP server listening")

    def received_mail(self):
        if not self.smtp_record.exists():
            return []
        return [json.loads(line) for line in self.smtp_record.read_text().splitlines() if line.strip()]

    def start_web(self):
        self.spawn("web", [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "habitat.wsgi"])
        client = self.client(timeout=2)
        wait_for(lambda: client.get_quietly("/health/") == 200, timeout=60, interval=0.3, what="gunicorn answering")

    def start_worker(self):
        self.spawn("worker", [str(PYTHON), "manage.py", "db_worker", "--interval", "0.5"])

    def start_proxy(self):
        """nginx in front of gunicorn, configured like deploy/nginx.conf (plain HTTP, our ports)."""
        nginx_dir = VAR / "nginx"
        (nginx_dir / "temp").mkdir(parents=True, exist_ok=True)
        conf = nginx_dir / "nginx.conf"
        self.ports["proxy"] = free_port(self.ports["proxy"])
        conf.write_text(proxy_config(self.ports["proxy"], self.ports["web"], nginx_dir))
        self.spawn("proxy", ["/usr/sbin/nginx", "-c", str(conf), "-p", str(nginx_dir), "-g", "daemon off;"])
        wait_for(lambda: port_answers(self.ports["proxy"]), timeout=10, what="nginx listening")

    # --- The whole ---------------------------------------------------------------------------

    def start_all(self):
        if VAR.exists():
            shutil.rmtree(VAR)
        for directory in (VAR, self.logs, VAR / "static", VAR / "media"):
            directory.mkdir(parents=True, exist_ok=True)
        log(f"ports: {json.dumps(self.ports)} (shared PostgreSQL 5432 and Redis 6379 are left alone)")
        started = time.monotonic()
        self.init_postgres()
        self.start_postgres()
        self.psql("CREATE ROLE habitat LOGIN CREATEDB", database="postgres")
        self.psql("CREATE DATABASE habitat OWNER habitat", database="postgres")
        self.psql("CREATE EXTENSION postgis; CREATE EXTENSION unaccent;")
        log(f"PostgreSQL 15 cluster in {self.pg_data} on port {self.ports['postgres']}")
        self.start_redis()
        self.start_smtp()
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("createcachetable")
        if not list((ROOT / "locale").glob("*/LC_MESSAGES/django.mo")):
            self.manage("compilemessages", "--ignore=.venv", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        demo = ("load_demo", "load_demo_meetings", "load_demo_awards", "load_demo_programme", "load_demo_pages")
        for command in demo:
            self.manage(command)
        self.manage("check", "--deploy", "--fail-level", "WARNING")
        self.facts = self.django((Path(__file__).with_name("fixtures.py")).read_text())
        log(
            f"demo directory loaded, {len(self.facts['reset_users'])} users and "
            f"{len(self.facts['contact_projects'])} projects added for the checks "
            f"({time.monotonic() - started:.0f} s)"
        )
        self.start_web()
        self.start_worker()
        log(
            f"gunicorn on 127.0.0.1:{self.ports['web']} (DEBUG off), db_worker, Redis :{self.ports['redis']}, "
            f"SMTP :{self.ports['smtp']}"
        )

    def stop_all(self):
        for name in list(self.processes)[::-1]:
            self.kill(name, timeout=15)
        if (self.pg_running or (self.pg_data / "postmaster.pid").exists()) and not self.stop_postgres("fast"):
            self.stop_postgres("immediate")


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def still_running(cmdline, args):
    """Whether /proc/<pid>/cmdline is the command we started: the same arguments, or for
    redis-server, which rewrites its title, the same program on the same port."""
    parts, wanted = cmdline.split(b"\0"), [arg.encode() for arg in args]
    # As started, or through the interpreter of its #! line (gunicorn's script).
    if wanted in (parts[: len(wanted)], parts[1 : len(wanted) + 1]):
        return True
    if args[0].endswith("redis-server"):
        port = args[args.index("--port") + 1]
        return b"redis-server" in cmdline and f"127.0.0.1:{port}".encode() in cmdline
    return False


def proxy_config(listen_port, upstream_port, prefix):
    """deploy/nginx.conf's HTTPS server block, on plain HTTP and our ports, in a config of its own."""
    source = (ROOT / "deploy" / "nginx.conf").read_text()
    block = source[source.index("listen 443") :]
    block = block[block.index("\n") + 1 : block.rindex("}")]
    kept = [
        line for line in block.splitlines() if not line.strip().startswith(("listen", "http2", "server_name", "ssl_"))
    ]
    server = "\n".join(kept).replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream_port}")
    temp = prefix / "temp"
    return f"""# Written by scripts/faults/harness.py from deploy/nginx.conf (plain HTTP on 127.0.0.1).
user www-data;
worker_processes 2;
worker_rlimit_nofile 16384;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{listen_port};
{server}
    }}
}}
"""


def install_interrupt_handlers():
    """SIGTERM and SIGHUP end the run like Ctrl-C, so that `finally` tears everything down."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.strsignal(signum))

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
