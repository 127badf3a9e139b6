"""Browsers report what the Content-Security-Policy blocked; we log it, without query strings."""

import json
import logging

import pytest

REPORT = {
    "csp-report": {
        "document-uri": "https://sph.example.org/en/projects/?q=my+secret+search",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example.net/x.js?token=abc",
    }
}


def test_csp_report_is_logged_without_what_visitors_typed(client, caplog):
    with caplog.at_level(logging.WARNING, logger="habitat.views"):
        response = client.post("/csp-report/", json.dumps(REPORT), content_type="application/csp-report")
    assert response.status_code == 204
    (record,) = caplog.records
    assert record.getMessage() == (
        "CSP blocked script-src-elem from https://evil.example.net/x.js on https://sph.example.org/en/projects/"
    )


@pytest.mark.parametrize("body", [b"not json", b'{"csp-report": "a string"}', b"[1, 2]"])
def test_csp_report_that_is_not_a_report_is_refused(client, body):
    assert client.post("/csp-report/", body, content_type="application/csp-report").status_code == 400


def test_csp_report_endpoint_takes_posts_only(client):
    assert client.get("/csp-report/").status_code == 405
