"""How often a visitor may use a form that sends e-mail.

Counts live in Django's cache, which is PostgreSQL (settings.CACHES): every web process
sees the same counts, and they hold when Redis is down.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` uses per ``period`` seconds for each value of one kind of key."""

    name: str
    limit: int
    period: int

    def _cache_key(self, value):
        # Hashed, so that the cache table holds no IP address.
        digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}"

    def _recent(self, value, now):
        # A list of the times of recent uses (a sliding window) rather than cache.incr():
        # incr() rewrites the entry with the cache's default timeout, which would end the
        # window early. Two requests at the same instant may both pass; for a spam limit of
        # a few messages an hour, one extra message is harmless.
        return [moment for moment in cache.get(self._cache_key(value), []) if moment > now - self.period]

    def is_exceeded(self, value):
        return len(self._recent(value, time.time())) >= self.limit

    def record(self, value):
        now = time.time()
        cache.set(self._cache_key(value), [*self._recent(value, now), now], timeout=self.period)


def client_address(request):
    """The address a request comes from, to count per visitor.

    REMOTE_ADDR is right when the site is served directly. Behind reverse proxies it is the
    last proxy's address, and every visitor would share one count: then the address is the
    one the outermost trusted proxy saw, in X-Forwarded-For (the same setting as allauth's).
    """
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def exceeded(limits):
    """True if any of ``limits`` (pairs of a RateLimit and the value it counts) is used up."""
    return any(limit.is_exceeded(value) for limit, value in limits)


def record(limits):
    for limit, value in limits:
        limit.record(value)
