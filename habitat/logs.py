"""What the logs may hold: never a password, a token, an e-mail address or a hidden point.

Django never logs passwords or form data at the levels we keep, but two things of ours reach
log lines: request paths (a 404 warning, an access log), where an invitation's token or a
password reset key can stand, and messages that name addresses. ``redact`` takes both out;
``RedactingFilter`` applies it to every record of Django's logging, and the production
server's access log (deploy/gunicorn.conf.py) to every request line, with no query string.
"""

import logging
import re

# Paths whose next segment is a secret: an editor's invitation, an e-mail confirmation, a
# password reset (the "<uid>-<key>" segment).
SECRET_PATH = re.compile(r"(/(?:projects/invitations|accounts/confirm-email|accounts/password/reset/key)/)[^/\s?\"']+")
EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def redact(text):
    return EMAIL.sub("[e-mail]", SECRET_PATH.sub(r"\1[secret]", str(text)))


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacted (its arguments are dropped with it), and
    its traceback too: an exception's message can quote the values it was given."""

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
