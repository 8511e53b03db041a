"""Per-host limits: how often and how many requests at once custodes sends to one server.

Watching hundreds of sources from a thread pool must not look like an attack on any of them:
each host gets a minimum gap between request starts (raised by its robots.txt Crawl-delay) and
a cap on requests in flight. Time comes from injected `clock`/`sleep` so tests can check the
spacing without waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MAX_CRAWL_DELAY = 30.0


class HostLimiter:
    """A semaphore per host for concurrency and a reserved start time per host for spacing."""

    def __init__(self, *, delay: float, concurrency: int, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.default_delay = delay
        self.concurrency = max(1, concurrency)
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._delays: dict[str, float] = {}
        self._last_start: dict[str, float] = {}

    def raise_delay(self, host: str, seconds: float) -> None:
        """Honour a Crawl-delay: never lowers the policy's delay, never above MAX_CRAWL_DELAY."""
        with self._lock:
            wanted = min(max(seconds, 0.0), MAX_CRAWL_DELAY)
            self._delays[host] = max(self._delays.get(host, self.default_delay), wanted)

    def delay_for(self, host: str) -> float:
        with self._lock:
            return self._delays.get(host, self.default_delay)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's concurrency slots, starting no sooner than its delay allows."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with semaphore:
            self._wait_turn(host)
            yield

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now = self.clock()
            delay = self._delays.get(host, self.default_delay)
            last = self._last_start.get(host)
            start = now if last is None else max(now, last + delay)
            self._last_start[host] = start
        if start > now:
            self.sleep(start - now)
