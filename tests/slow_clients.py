"""Idle and slow clients, and a normal one that times the citizen page while they are connected
(tests/test_slow_clients.py, bench/bench_slow_clients.py).

    with Attack(port, idle=200, slow=200, tls=True):       # a child process holding the connections
        times = probe(url, "/s/CODE", seconds=20, rate=10)  # seconds per GET, None when none came in time

The attack runs in its own process (asyncio), so its event loop does not slow the timing client. An
idle connection sends nothing (over TLS: not even a ClientHello). A slow one completes the TLS
handshake, then sends a GET's headers one byte every ``interval`` seconds and never ends them. Either
kind is opened again as soon as the server closes it, as an attacker would. Only 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import signal
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n" + b"X-Slow: a\r\n" * 10_000


class Attack:
    """``idle`` + ``slow`` connections to 127.0.0.1:port held by a child process until ``stop()``."""

    def __init__(self, port: int, *, idle: int, slow: int, tls: bool, interval: float = 0.5):
        self.args = [sys.executable, "-m", "tests.slow_clients", "--port", str(port), "--idle", str(idle),
                     "--slow", str(slow), "--interval", str(interval)] + (["--tls"] if tls else [])
        self.proc: subprocess.Popen | None = None
        self.stats: dict = {}

    def start(self, *, timeout: float = 30.0) -> "Attack":
        self.proc = subprocess.Popen(self.args, cwd=REPO, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        ready = threading.Event()
        threading.Thread(target=lambda: (self.proc.stdout.readline(), ready.set()), daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("the slow clients did not all connect")
        return self

    def stop(self) -> dict:
        """Close every connection; the counts: {"opened": .., "closed_by_server": ..}."""
        if self.proc is None:
            return self.stats
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=10)
            self.stats = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        return self.stats

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def probe(url: str, path: str, *, seconds: float, rate: float, timeout: float = 5.0,
          context: ssl.SSLContext | None = None) -> list[float | None]:
    """GET ``url + path`` ``rate`` times a second for ``seconds`` (open loop: a slow answer does not delay
    the next request), each on a new connection; the seconds each took to a complete 200, or None."""
    parts = urlsplit(url)

    def one(at: float) -> float | None:
        time.sleep(max(0.0, at - time.monotonic()))
        began = time.monotonic()
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return time.monotonic() - began if response.status == 200 else None
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    start = time.monotonic() + 0.1
    count = int(seconds * rate)
    with ThreadPoolExecutor(max_workers=min(count, int(rate * timeout) + 8)) as pool:
        return list(pool.map(one, [start + i / rate for i in range(count)]))


def percentile(times: list[float | None], q: float) -> float:
    """The q-th percentile (nearest rank) in seconds, a request that failed counting as infinitely slow."""
    ordered = sorted(float("inf") if t is None else t for t in times)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


# -- the child process -------------------------------------------------------------------------------------

async def _hold(port: int, idle: int, slow: int, interval: float, tls: bool) -> dict:
    stats = {"opened": 0, "closed_by_server": 0}
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    ready = asyncio.Event()
    connected = 0

    async def keep(kind: str):
        nonlocal connected
        first = True
        while True:
            writer = None
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", port, ssl=context if kind == "slow" else None, limit=2 ** 16)
                stats["opened"] += 1
                if first:
                    first = False
                    connected += 1
                    if connected == idle + slow:
                        ready.set()
                if kind == "idle":
                    await reader.read()  # nothing sent; returns when the server closes
                else:
                    for i in range(len(HEADERS)):
                        writer.write(HEADERS[i:i + 1])
                        await writer.drain()
                        await asyncio.sleep(interval)
                        if reader.at_eof():
                            break
                stats["closed_by_server"] += 1
            except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
                stats["closed_by_server"] += 1
                await asyncio.sleep(0.2)
            finally:
                if writer is not None:
                    writer.close()

    tasks = [asyncio.create_task(keep("idle")) for _ in range(idle)]
    tasks += [asyncio.create_task(keep("slow")) for _ in range(slow)]
    if tasks:
        await ready.wait()
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description="hold idle and slow connections to 127.0.0.1:PORT until SIGTERM")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--slow", type=int, default=0)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    stats = asyncio.run(_hold(args.port, args.idle, args.slow, args.interval, args.tls))
    print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    main()
