"""How a risk level looks: a symbol that survives a monochrome terminal, and a theme colour."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App

from checks.model import Severity
from tui.i18n import tr

RISK_SYMBOL = {
    Severity.CRITICAL: "‼",
    Severity.HIGH: "▲",
    Severity.MEDIUM: "●",
    Severity.LOW: "○",
    Severity.INFO: "·",
}

_THEME_VAR = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "accent",
    Severity.INFO: "text-muted",
}


MONO_STYLE = {
    Severity.CRITICAL: "bold reverse",
    Severity.HIGH: "reverse",
    Severity.MEDIUM: "bold",
    Severity.LOW: "",
    Severity.INFO: "",
}
"""Without colour (NO_COLOR, a monochrome terminal): reverse and bold, never grey on grey."""


def monochrome(app: App[object]) -> bool:
    """Whether the terminal shows no colour: NO_COLOR is set, or it has no colours at all."""
    return bool(getattr(app, "no_color", False)) or app.console.color_system is None


def risk_style(app: App[object], severity: Severity | None) -> Style:
    """The style for a severity from the app's theme variables (no hard-coded colours)."""
    if monochrome(app):
        return Style.parse(MONO_STYLE[severity] if severity is not None else "")
    if severity is None:
        return Style.parse(_variables(app).get("success", "green"))
    colour = _variables(app).get(_THEME_VAR[severity], "red")
    bold = severity in (Severity.CRITICAL, Severity.HIGH)
    if severity == Severity.CRITICAL:
        return Style.parse(f"bold reverse {colour}")
    return Style.parse(f"{'bold ' if bold else ''}{colour}")


def risk_cell(
    app: App[object], severity: Severity | None, probed: bool, lang: str, pending: int = 0
) -> Text:
    """The grid's risk cell: symbol and word, coloured."""
    if not probed:
        return Text(f"… {tr(lang, 'risk.new')}", style="dim")
    if severity is None and pending:
        return Text(f"◐ {tr(lang, 'risk.pending')}", style="italic")
    if severity is None:
        return Text(f"✓ {tr(lang, 'risk.ok')}", style=risk_style(app, None))
    return Text(
        f"{RISK_SYMBOL[severity]} {tr(lang, f'risk.{severity}')}", style=risk_style(app, severity)
    )


def _variables(app: App[object]) -> dict[str, str]:
    return app.theme_variables or app.get_css_variables()
