"""What the logs may hold: never a password, a token, an e-mail address or a hidden point.

Django never logs passwords or form data at the levels we keep, but two things of ours reach
log lines: request paths (a 404 warning, an access log), where an invitation's token or a
password reset key can stand, and messages that name addresses. ``redact`` takes both out;
``RedactingFilter`` applies it to every record of Django's logging, and the production
server's access log (deploy/gunicorn.conf.py) to every request line, with no query string.
"""

import logging
import re
import time

# Paths whose next segment is a secret: an editor's invitation, an e-mail confirmation, a
# password reset (the "<uid>-<key>" segment).
SECRET_PATH = re.compile(r"(/(?:projects/invitations|accounts/confirm-email|accounts/password/reset/key)/)[^/\s?\"']+")
EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


# Line breaks and other control characters a client can put in a path (%0A) or a report:
# written out as escapes, so that nobody can forge a line of the log.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|\r|\n(?!\Z)")


def redact(text, *, one_line=True):
    """``text`` without addresses or secret path segments; on one line unless told otherwise
    (a traceback keeps its lines: its text comes from our code, quoted values aside)."""
    text = EMAIL.sub("[e-mail]", SECRET_PATH.sub(r"\1[secret]", str(text)))
    if one_line:
        text = CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacted (its arguments are dropped with it), and
    its traceback too: an exception's message can quote the values it was given."""

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, one_line=False)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, one_line=False)
        return True


class OncePerInterval(logging.Filter):
    """Lets one record through per ``seconds`` (in each process), saying how many it held back.

    For failures that repeat on every request: while Redis is down, django-redis logs each
    cache call it ignores, several per page, with its traceback. Said once a minute, the log
    still tells, and pages do not pay for formatting thousands of tracebacks.
    """

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self.last = None
        self.held_back = 0

    def filter(self, record):
        now = time.monotonic()
        if self.last is not None and now - self.last < self.seconds:
            self.held_back += 1
            return False
        if self.held_back:
            record.msg = f"{record.getMessage()} (and {self.held_back} more like it since the last one)"
            record.args = ()
        self.last, self.held_back = now, 0
        return True
