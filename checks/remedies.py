"""Built-in remediation steps for each check, until the full playbooks land. Data, not UI."""

from __future__ import annotations

Step = tuple[str, str]
"""(English, Chinese)."""

REMEDIES: dict[str, list[Step]] = {
    "retired-still-resolves": [
        (
            "Delete the name's A/AAAA/CNAME records at the DNS provider.",
            "在 DNS 服务商处删除该域名的 A/AAAA/CNAME 记录。",
        ),
        (
            "Cancel the ICP filing through the access provider (注销备案), not just the access.",
            "通过接入商办理注销备案（不仅是取消接入）。",
        ),
        ("Release or park the domain if nothing else uses it.", "如无其他用途，释放或停放该域名。"),
        ("Re-probe (r): the name must no longer resolve.", "重新探测（r）：该域名应不再解析。"),
    ],
    "retired-still-serving": [
        (
            "Shut the server or the site down; disable its accounts.",
            "关闭该服务器或站点，并停用其账号。",
        ),
        ("Back up what must be kept before removing it.", "下线前备份需要保留的数据。"),
        (
            "Check the pages for planted content and keep a copy as evidence.",
            "检查页面是否被植入内容，并留存证据。",
        ),
        (
            "Re-probe (r): no HTTP or HTTPS answer may remain.",
            "重新探测（r）：不应再有 HTTP 或 HTTPS 响应。",
        ),
    ],
    "dangling-cname": [
        (
            "Delete the CNAME record, or re-create the resource it points to under your account.",
            "删除该 CNAME 记录，或在本单位账号下重新创建其指向的资源。",
        ),
        (
            "Re-probe (r): the name must not point at a missing target.",
            "重新探测（r）：不应再指向不存在的目标。",
        ),
    ],
    "dns-unresolvable": [
        (
            "If the asset was retired, record it as retired (x).",
            "如果资产已下线，将其标记为已下线（x）。",
        ),
        (
            "Otherwise restore its DNS records, or fix the name in the inventory.",
            "否则恢复其 DNS 记录，或更正清单中的名称。",
        ),
    ],
    "http-down": [
        ("Check that the service and its firewall are up.", "检查服务及防火墙是否正常。"),
        (
            "If the site is gone for good, retire the asset (x) and remove its DNS.",
            "如果站点已永久停用，将资产下线（x）并删除其 DNS 记录。",
        ),
    ],
    "tls-expired": [
        ("Renew the certificate and install it with its chain.", "续期证书并连同证书链一起部署。"),
        ("Set up automatic renewal and expiry alerts.", "设置自动续期与到期提醒。"),
    ],
    "tls-expiring": [
        ("Renew the certificate before it expires.", "在到期前续期证书。"),
    ],
    "tls-self-signed": [
        ("Install a certificate from a trusted CA.", "部署受信任 CA 签发的证书。"),
    ],
    "tls-hostname-mismatch": [
        ("Install a certificate whose SANs include this name.", "部署 SAN 包含此域名的证书。"),
    ],
    "tls-untrusted": [
        (
            "Install the full chain (leaf and intermediates) from a trusted CA.",
            "部署受信任 CA 的完整证书链（含中间证书）。",
        ),
    ],
    "no-https": [
        ("Enable HTTPS with a trusted certificate.", "启用 HTTPS 并部署受信任的证书。"),
        ("Then redirect HTTP to HTTPS.", "然后将 HTTP 跳转到 HTTPS。"),
    ],
    "https-not-enforced": [
        ("Redirect every HTTP request to HTTPS (301).", "将所有 HTTP 请求 301 跳转到 HTTPS。"),
        ("Add an HSTS header once HTTPS is stable.", "HTTPS 稳定后添加 HSTS 响应头。"),
    ],
    "unowned-asset": [
        ("Name a responsible owner (e).", "指定责任人（e）。"),
        ("If nobody needs the asset, retire it (x).", "如无人需要该资产，将其下线（x）。"),
    ],
}


def steps(check_id: str, lang: str) -> list[str]:
    """The remediation steps of a check in "zh" or "en"."""
    return [zh if lang == "zh" else en for en, zh in REMEDIES.get(check_id, [])]
