"""Every module that registers ``on_sent``/``on_parked``/``renders`` hooks, in one place.

A deliverer may run in a process that never imported the use case that queued a row (a
scheduler-only replica, ``tandem outbox deliver``); importing this module makes sure each
kind's hook runs wherever its row is settled.
"""

from bot.services import (  # noqa: F401
    brief_changes,
    brief_delivery,
    checkin_posts,
    home_refresh,
    interviews,
    nudge_delivery,
)
