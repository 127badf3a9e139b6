"""What the logs may hold: habitat.logs takes addresses and secret path segments out."""

import logging
import sys

from habitat.logs import RedactingFilter, redact


def test_redact_takes_out_addresses_and_the_secret_segment_of_paths():
    assert redact("GET /en/projects/invitations/abc123-XYZ/ for ana.b+x@mail.example.org") == (
        "GET /en/projects/invitations/[secret]/ for [e-mail]"
    )
    assert redact("/fr/accounts/password/reset/key/1-dizs2s-d2c9e1/") == "/fr/accounts/password/reset/key/[secret]/"
    assert redact("/es/accounts/confirm-email/MQ:1xY:abc/?next=/") == "/es/accounts/confirm-email/[secret]/?next=/"
    # Nothing else is touched.
    assert redact("Not Found: /en/projects/la-borda/") == "Not Found: /en/projects/la-borda/"


def test_the_filter_redacts_the_message_its_arguments_and_its_traceback():
    try:
        raise ValueError("refused: ana@example.org")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Sending to %s failed", ("ana@example.org",), exc_info)
    assert RedactingFilter().filter(record) is True
    line = logging.Formatter().format(record)
    assert "ana@example.org" not in line
    assert "Sending to [e-mail] failed" in line and "ValueError: refused: [e-mail]" in line


def test_nobody_can_forge_a_line_of_the_log():
    forged = '/en/projects/x\n127.0.0.1 [03/Dec/2026] "GET /admin/ HTTP/1.1" 200\r\x1b[2J'
    assert "\n" not in redact(forged) and "\r" not in redact(forged) and "\x1b" not in redact(forged)
    assert redact(forged) == '/en/projects/x\\n127.0.0.1 [03/Dec/2026] "GET /admin/ HTTP/1.1" 200\\r\\x1b[2J'
