"""A small HTTP client for the checks: one connection per request (like many visitors), a time
bound on each, cookies kept like a browser's (including the Secure ones, since the checks
speak plain HTTP to 127.0.0.1), CSRF tokens taken from the forms, and the time each request took."""

import http.client
import re
import socket
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode


@dataclass
class Response:
    status: int  # 0 when no answer came (refused, reset, timed out)
    headers: dict
    body: str
    started: float  # time.monotonic() when sent
    elapsed: float
    error: str = ""

    def header(self, name):
        return self.headers.get(name.lower(), "")


@dataclass
class Client:
    port: int
    timeout: float = 10.0
    forwarded_for: str = ""  # the visitor's address, as a proxy would say it
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, *, data=None, headers=None):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "sph-faults", **(headers or {})}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            response_headers = {}
            for name, value in answer.getheaders():
                response_headers[name.lower()] = value
                if name.lower() == "set-cookie":
                    self._keep_cookie(value)
            return Response(answer.status, response_headers, text, started, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as error:
            kind = "timeout" if isinstance(error, (TimeoutError, socket.timeout)) else type(error).__name__
            return Response(0, {}, "", started, time.monotonic() - started, error=kind)
        finally:
            connection.close()

    def _keep_cookie(self, value):
        name, _, rest = value.partition("=")
        cookie_value = rest.split(";", 1)[0]
        if "max-age=0" in value.lower() or cookie_value in ('""', ""):
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = cookie_value

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def get_quietly(self, path):
        return self.get(path).status

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def form(self, path):
        """GET a page and return (response, its POST form's fields as a dict of lists)."""
        response = self.get(path)
        return response, form_fields(response.body)

    def submit(self, path, changes=None, *, follow_form_at=None):
        """Fill the POST form at ``path`` as a browser would (its current values, plus
        ``changes``) and send it to the form's own address."""
        response = self.get(follow_form_at or path)
        fields = form_fields(response.body, action=path)
        if response.status != 200 or "csrfmiddlewaretoken" not in fields:
            raise RuntimeError(f"no form at {path}: {response.status} {response.error}")
        for name, value in (changes or {}).items():
            fields[name] = value if isinstance(value, list) else [value]
        return self.post(path, fields)

    def login(self, email, password):
        response = self.submit("/en/accounts/login/", {"login": email, "password": password})
        if response.status != 302:
            raise RuntimeError(f"login of {email} refused: {response.status}")
        return response


class _FormParser(HTMLParser):
    """The fields of the first form that carries a CSRF token, with the values a browser sends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None
        self.action = ""
        self.select = None
        self.select_multiple = False
        self.first_option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
            self.action = attrs.get("action") or ""
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.setdefault(name, []).append(attrs.get("value") or "on")
                else:
                    self.current.setdefault(name, [])
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.current.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            self.select_multiple = "multiple" in attrs
            self.first_option = None
            self.current.setdefault(name, [])
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value") or ""
            if "selected" in attrs:
                self.current[self.select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.current[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.current[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            # A single choice with nothing selected sends its first option, as browsers do.
            if not self.select_multiple and not self.current[self.select] and self.first_option is not None:
                self.current[self.select].append(self.first_option)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            value = self.current[self.textarea][0]
            self.current[self.textarea][0] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.forms.append((self.action, self.current))
            self.current = None


def form_fields(html, action=None):
    """The fields of the page's main POST form: the one sent to ``action`` (or to the page
    itself), else the one with the most fields (not the language switcher)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [(form_action, fields) for form_action, fields in parser.forms if "csrfmiddlewaretoken" in fields]
    for form_action, fields in forms:
        if action is not None and form_action in (action, ""):
            return fields
    return max((fields for _, fields in forms), key=len, default={})


def csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""
