"""Settings of the fan-out benchmark's servers (bench/fanout.py): production, with the channel layer
chosen by FANOUT_LAYER and no per-connection or posting rate limit for the single sender of a burst."""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import REDIS_URL

_LAYER = os.environ.get("FANOUT_LAYER", "redis-pubsub")
if _LAYER == "memory":
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10_000}}
    }
elif _LAYER == "redis-core":
    # channels-redis's default layer. Its default connection pool overflows with 1,000 sockets per run
    # (MaxConnectionsError), so it gets a larger pool, as the measurement had to do.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 2_000}], "capacity": 10_000},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }

LIVE_RATE_COUNT = 100_000
FORUMS_NEW_ACCOUNT_DAYS = 0  # the live thread's sender posts 70 replies a trial, new account or not
LIVE_OUTBOX_LIMIT = 100_000
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
