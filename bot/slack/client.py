"""The Web API client: Slack's base URL from settings and slack_sdk's own retry handlers."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.metrics import Metrics, observers

# Slack asks callers to wait Retry-After seconds after a 429; the SDK handler does exactly
# that (it sleeps in the calling thread, so handlers make slow calls only after ack()).
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2
HTTP_TIMEOUT_SECONDS = 15


def retry_handlers() -> list[RetryHandler]:
    """Retries for dropped connections, 429 (honouring ``Retry-After``) and 500/503."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]


def make_web_client(
    base_url: str, token: str | None = None, *, metrics: Metrics | None = None
) -> WebClient:
    """A WebClient for ``base_url`` (``SLACK_API_URL``) with Tandem's retry policy (its calls
    counted in ``metrics``, when given)."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=HTTP_TIMEOUT_SECONDS,
        retry_handlers=observers(metrics) + retry_handlers(),
    )
