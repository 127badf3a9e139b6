"""An SMTP server for the fault checks (aiosmtpd) that writes one JSON line per message it
accepts: its recipients, Message-ID, subject and any FAULT-… token of the body, so that a check
can count what was delivered, and how often.

While the --slow-flag file exists, it takes --delay seconds to answer each RCPT TO, and writes a
"rcpt" line when one starts: a check then knows that the worker is in the middle of a send and
can kill it there. A message counts as delivered only once its DATA was answered with 250, as
for a real mail server.
"""

import argparse
import asyncio
import email
import email.policy
import json
import re
import signal
import time
from pathlib import Path

from aiosmtpd.smtp import SMTP

TOKEN = re.compile(r"FAULT-[A-Za-z0-9-]+")


class Recorder:
    def __init__(self, record, slow_flag, delay):
        self.record = Path(record)
        self.slow_flag = Path(slow_flag)
        self.delay = delay

    def _write(self, entry):
        with self.record.open("a") as file:
            file.write(json.dumps(entry) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.slow_flag.exists():
            self._write({"event": "rcpt", "to": address, "time": time.time()})
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        self._write(
            {
                "event": "message",
                "to": envelope.rcpt_tos,
                "message_id": message.get("Message-ID", ""),
                "subject": str(message.get("Subject", "")),
                "tokens": sorted(set(TOKEN.findall(text))),
                "time": time.time(),
            }
        )
        return "250 Message accepted for delivery"


async def serve(port, recorder):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(recorder, hostname="faults.test"), "127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--slow-flag", required=True)
    parser.add_argument("--delay", type=float, default=1.5)
    options = parser.parse_args()
    asyncio.run(serve(options.port, Recorder(options.record, options.slow_flag, options.delay)))


if __name__ == "__main__":
    main()
