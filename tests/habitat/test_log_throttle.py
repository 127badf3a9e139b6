"""A failure repeated on every request (Redis down) is logged once a minute, not each time."""

import logging

from habitat.logs import OncePerInterval


def record(message="Exception ignored"):
    return logging.LogRecord("django_redis.cache", logging.ERROR, __file__, 1, message, (), None)


def test_once_per_interval_lets_the_first_through_then_holds_back_the_rest(monkeypatch):
    clock = iter([100.0, 100.5, 130.0, 161.0])
    monkeypatch.setattr("habitat.logs.time.monotonic", lambda: next(clock))
    throttle = OncePerInterval(seconds=60)

    records = [record() for _ in range(4)]

    passed = [throttle.filter(r) for r in records]

    assert passed == [True, False, False, True]
    assert records[0].getMessage() == "Exception ignored"
    assert records[3].getMessage() == "Exception ignored (and 2 more like it since the last one)"


def test_redis_cache_errors_go_through_the_throttle(settings):
    logger = settings.LOGGING["loggers"]["django_redis.cache"]
    assert logger["filters"] == ["once_a_minute"]
    assert settings.LOGGING["filters"]["once_a_minute"]["()"] == "habitat.logs.OncePerInterval"
