"""`make faults`: scripted fault checks against a copy of the platform of their own, on
127.0.0.1 only (docs/faults.md). Starts PostgreSQL, Redis, an SMTP server, gunicorn (DEBUG
off) and the e-mail worker under var/faults/, runs each check within a time bound, prints
PASS or FAIL with what it measured, and tears everything down, also on failure.

    .venv/bin/python scripts/faults/run.py                   # every check
    .venv/bin/python scripts/faults/run.py redis-down        # one (or a few) by name
    make faults FAULTS_ARGS="mail-outage slow-clients"
"""

import argparse
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checks import CHECKS  # noqa: E402 -- found through the line above
from harness import Harness, install_interrupt_handlers, log  # noqa: E402

SETUP_BOUND = 900


class CheckTimeout(Exception):
    pass


def bounded(seconds, function, *args):
    """Run ``function`` and raise CheckTimeout when it takes longer than ``seconds``."""

    def expired(signum, frame):
        raise CheckTimeout(f"no result within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        return function(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checks", nargs="*", metavar="CHECK", help=f"which to run (default: all): {', '.join(CHECKS)}")
    names = parser.parse_args().checks or list(CHECKS)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        parser.error(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(CHECKS)}")
    install_interrupt_handlers()
    harness = Harness()
    results = {}
    began = time.monotonic()
    try:
        print("== Starting the fault harness (its own PostgreSQL, Redis, SMTP, gunicorn, worker)", flush=True)
        bounded(SETUP_BOUND, harness.start_all)
        for number, name in enumerate(names, 1):
            function, seconds = CHECKS[name]
            print(f"\n== {number}. {name}: {first_sentence(function.__doc__)}", flush=True)
            started = time.monotonic()
            try:
                passed, figures = bounded(seconds, function, harness)
            except Exception as error:  # noqa: BLE001 -- a check that breaks is a FAIL, and the others still run
                passed, figures = False, [f"error: {type(error).__name__}: {error}"]
                traceback.print_exc()
            results[name] = passed
            for line in figures:
                print(f"  - {line}", flush=True)
            print(f"{'PASS' if passed else 'FAIL'} {name} ({time.monotonic() - started:.0f} s)", flush=True)
            # The next check starts from a whole platform, whatever this one left behind.
            restore(harness)
    except KeyboardInterrupt as interruption:
        print(f"\nInterrupted ({interruption}): tearing down", flush=True)
        results.setdefault("interrupted", False)
    except Exception as error:  # noqa: BLE001 -- reported, then torn down
        traceback.print_exc()
        print(f"\nThe harness failed: {type(error).__name__}: {error}", flush=True)
        results.setdefault("harness", False)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        harness.stop_all()
        log("every process of the harness is stopped")
    print(f"\n== Summary ({time.monotonic() - began:.0f} s)")
    for name, passed in results.items():
        print(f"{'PASS' if passed else 'FAIL'} {name}")
    sys.exit(0 if results and all(results.values()) else 1)


def first_sentence(text):
    return " ".join(text.split()).split(". ", 1)[0].rstrip(".")


def restore(harness):
    """Start again whatever a check stopped, so that the checks do not depend on each other."""
    if not harness.pg_running:
        harness.start_postgres()
    for name, start in (("redis", harness.start_redis), ("web", harness.start_web), ("worker", harness.start_worker)):
        if name not in harness.processes or harness.processes[name].poll() is not None:
            start()
    if "smtp" not in harness.processes or harness.processes["smtp"].poll() is not None:
        harness.start_smtp()
    harness.smtp_slow_flag.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
