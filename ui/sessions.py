"""Bound what the server keeps per browser session.

Gradio keeps a `SessionState` per session (a copy of every component's config, the latest values shown,
our conversation state) until `state_session_capacity` sessions exist, 10,000 by default: a class
server would grow by a few hundred KiB for every page ever opened. A closed page never comes back (a
new tab gets a new session), so its state is dropped once the page has been gone for CLOSED_GRACE_S;
a session left open but idle is dropped after `Settings.session_idle_minutes`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

log = logging.getLogger(__name__)

CLOSED_GRACE_S = 120.0
"""A page whose heartbeat stopped this long ago is gone (a brief network drop reconnects sooner)."""
SWEEP_EVERY_S = 30.0


def prune_sessions(state_holder, closed_grace_s: float, idle_s: float, now: dt.datetime | None = None) -> int:
    """Drop sessions whose page closed `closed_grace_s` ago or that were idle `idle_s`; returns how many."""
    now = now or dt.datetime.now()
    dropped = 0
    for sid in list(state_holder.session_data):
        session = state_holder.session_data.get(sid)
        last = state_holder.time_last_used.get(sid)
        if session is None or last is None:
            continue
        idle = (now - last).total_seconds()
        if (session.is_closed and idle > closed_grace_s) or idle > idle_s:
            with state_holder.lock:
                state_holder.session_data.pop(sid, None)
                state_holder.time_last_used.pop(sid, None)
            dropped += 1
    return dropped


def start_session_sweeper(demo, idle_minutes: float, every_s: float = SWEEP_EVERY_S) -> threading.Event:
    """Prune `demo`'s sessions every `every_s` seconds in a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def sweep() -> None:
        while not stop.wait(every_s):
            holder = getattr(demo, "state_holder", None)
            if holder is None:  # not launched yet
                continue
            n = prune_sessions(holder, CLOSED_GRACE_S, idle_minutes * 60)
            if n:
                log.info("dropped %d closed or idle sessions; %d kept", n, len(holder.session_data))

    threading.Thread(target=sweep, name="session-sweeper", daemon=True).start()
    return stop
