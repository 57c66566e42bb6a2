"""Email over SMTP (the standard library's smtplib, on a worker thread): plain text, UTF-8.

Plain, STARTTLS or implicit TLS; a login when a user is set. 4xx replies are retried, 5xx
replies and refused logins are rejections (fix the channel); nothing is ever dropped.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from checks.alerting import Mail, MailSecurity
from checks.notify.base import TIMEOUT_S, Answer, Outcome, scrub


def message(
    mail: Mail, subject: str, body: str, cc: tuple[str, ...], delivery: str
) -> EmailMessage:
    """The email: `Message-ID` carries the delivery id, so a retry is recognisable."""
    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = ", ".join(mail.recipients)
    if cc:
        msg["Cc"] = ", ".join(c for c in cc if c not in mail.recipients)
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring=delivery, domain="assetwatch.invalid")
    msg["X-Assetwatch-Delivery"] = delivery
    msg.set_content(body)
    return msg


def _send(mail: Mail, password: str, msg: EmailMessage, context: ssl.SSLContext) -> str:
    smtp: smtplib.SMTP
    if mail.security == MailSecurity.TLS:
        smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_S)
    with smtp:
        if mail.security == MailSecurity.STARTTLS:
            smtp.starttls(context=context)
        if mail.user:
            smtp.login(mail.user, password)
        refused = smtp.send_message(msg)
    return f"250 sent ({len(refused)} refused)" if refused else "250 sent"


async def send(
    mail: Mail,
    password: str,
    subject: str,
    body: str,
    cc: tuple[str, ...] = (),
    delivery: str = "",
    ca_bundle: str | None = None,
) -> Answer:
    """Send one email; the password is never part of an answer."""
    msg = message(mail, subject, body, cc, delivery)
    context = ssl.create_default_context(cafile=ca_bundle)
    hidden = [password]
    try:
        text = await asyncio.to_thread(_send, mail, password, msg, context)
    except smtplib.SMTPAuthenticationError as exc:
        return Answer(Outcome.REJECTED, scrub(f"login refused: {exc.smtp_code}", hidden))
    except smtplib.SMTPRecipientsRefused:
        return Answer(Outcome.REJECTED, "recipients refused")
    except smtplib.SMTPResponseException as exc:
        outcome = Outcome.RETRY if 400 <= exc.smtp_code < 500 else Outcome.REJECTED
        detail = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        )
        return Answer(outcome, scrub(f"{exc.smtp_code} {detail}", hidden))
    except (smtplib.SMTPException, OSError) as exc:
        return Answer(Outcome.RETRY, scrub(f"{type(exc).__name__}: {exc}", hidden))
    return Answer(Outcome.OK, text)
