"""Delivering alerts: one module per kind of channel, network I/O only.

Each sender takes a ready body (`checks.report.alerts`), adds what its service requires on every
attempt (DingTalk's and Feishu's signatures, the webhook's HMAC header), posts it, and maps the
service's answer to an `Answer`: sent, worth retrying, rate-limited (with how long to wait) or
rejected (a wrong secret or URL: retried too, never dropped, and shown to the admin). Senders never
raise for a failed delivery, and no answer text carries a URL token, a secret or a password.
"""

from checks.notify.base import Answer, Outcome

__all__ = ["Answer", "Outcome"]
