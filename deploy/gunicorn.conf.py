"""The production application server's settings (`make serve`, docs/deploy.md).

gunicorn with threaded workers, sized from the machine's cores, behind a reverse proxy that
terminates TLS and buffers slow clients. Its access log keeps no query string, no referrer
and no secret path segment (habitat.logs.redact).
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from habitat.logs import redact
from habitat.warmup import warm_up

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Processes: two per core, plus one; each with a few threads, so that a slow request (a large
# search) does not hold a whole process while the database works.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# The application is loaded and warmed once (habitat.warmup) before the workers are forked,
# so that no visitor waits for a new worker's first page. A new release therefore needs a
# restart of the service, not a reload (HUP).
preload_app = True
# Processes are renewed now and then, so that no slow leak can grow for weeks.
max_requests = 5000
max_requests_jitter = 500
# The control socket would be written to ~/.gunicorn; nothing here uses it.
control_socket_disable = True
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        for secret in ("r", "q", "f"):  # the request line with its query, the query, the referrer
            atoms[secret] = "-"
        return atoms


logger_class = RedactingLogger


def when_ready(server):
    warm_up()
