"""The database schema, as forward-only migrations (sqlite-utils Migrations)."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("assetwatch")
"""Append new migrations at the end; never edit or reorder applied ones."""
KNOWN: list[str] = []
"""The names of our migrations: a database that has applied others is from a newer version."""

MigrationFn = Callable[[Database], None]
STEPS: list[tuple[str, MigrationFn]] = []
"""The migrations in order, by name: PostgreSQL applies the same ones (`checks.store.postgres`),
so they are written in SQL both databases take, SQLite's types read as PostgreSQL's there."""


def migration(fn: MigrationFn) -> MigrationFn:
    """Register a migration (in order) and remember its name."""
    KNOWN.append(fn.__name__)
    STEPS.append((fn.__name__, fn))
    MIGRATIONS()(fn)
    return fn


@migration
def m001_initial(db: Database) -> None:
    """Assets, probe history, page bodies, findings, the audit log and settings."""
    db.executescript(
        """
        CREATE TABLE assets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            lifecycle TEXT NOT NULL DEFAULT 'active',
            urls TEXT NOT NULL DEFAULT '[]',
            icp TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            interval_s INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            retiring_at TEXT,
            retired_at TEXT,
            last_probe_id INTEGER,
            last_checked TEXT
        );
        CREATE TABLE probes (
            id INTEGER PRIMARY KEY,
            asset_id INTEGER NOT NULL REFERENCES assets(id),
            started_at TEXT NOT NULL,
            at TEXT NOT NULL,
            dns_status TEXT NOT NULL,
            addresses TEXT NOT NULL DEFAULT '',
            cname TEXT NOT NULL DEFAULT '',
            http_status INTEGER,
            http_error TEXT,
            tls_not_after TEXT,
            response_ms REAL,
            open_findings INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL
        );
        CREATE INDEX probes_asset_at ON probes(asset_id, at);
        CREATE INDEX probes_at ON probes(at);
        CREATE TABLE pages (
            sha256 TEXT PRIMARY KEY,
            body BLOB NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            asset_id INTEGER NOT NULL REFERENCES assets(id),
            check_id TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            severity TEXT NOT NULL,
            title_en TEXT NOT NULL,
            title_zh TEXT NOT NULL,
            evidence TEXT NOT NULL,
            status TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            resolved_at TEXT,
            reopened INTEGER NOT NULL DEFAULT 0,
            UNIQUE (asset_id, check_id, subject)
        );
        CREATE INDEX findings_status ON findings(status, severity);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            asset_id INTEGER,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_asset ON events(asset_id, id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migration
def m002_disabled_checks(db: Database) -> None:
    """Checks switched off, for everything (asset_id 0) or one asset, with the reason."""
    db.executescript(
        """
        CREATE TABLE disabled_checks (
            check_id TEXT NOT NULL,
            asset_id INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (check_id, asset_id)
        );
        """
    )


@migration
def m003_baselines(db: Database) -> None:
    """The accepted home page of each asset, for content-changed and injected-script."""
    db.executescript(
        """
        CREATE TABLE baselines (
            asset_id INTEGER PRIMARY KEY REFERENCES assets(id),
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            script_domains TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            accepted_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            source TEXT NOT NULL
        );
        """
    )


@migration
def m004_finding_workflow(db: Database) -> None:
    """Findings get firing, risk acceptance and attestations of their manual steps."""
    db.executescript(
        """
        ALTER TABLE findings ADD COLUMN firing INTEGER NOT NULL DEFAULT 0;
        UPDATE findings SET firing = CASE WHEN status = 'open' THEN 1 ELSE 0 END;
        ALTER TABLE findings ADD COLUMN accepted_reason TEXT;
        ALTER TABLE findings ADD COLUMN accepted_until TEXT;
        CREATE TABLE attestations (
            id INTEGER PRIMARY KEY,
            finding_id INTEGER NOT NULL REFERENCES findings(id),
            round INTEGER NOT NULL,
            step INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            UNIQUE (finding_id, round, step)
        );
        """
    )


@migration
def m005_org_attestations(db: Database) -> None:
    """Attestations of the organisation checklist's manual items."""
    db.executescript(
        """
        CREATE TABLE org_attestations (
            item_id TEXT PRIMARY KEY,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT ''
        );
        """
    )


@migration
def m006_decommission_steps(db: Database) -> None:
    """Attested steps of an asset's decommission checklist."""
    db.executescript(
        """
        CREATE TABLE decommission_steps (
            asset_id INTEGER NOT NULL REFERENCES assets(id),
            step INTEGER NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (asset_id, step)
        );
        """
    )


@migration
def m007_notifications(db: Database) -> None:
    """Alerts: channels, owners' contacts, the outbox of events, their digests and attempts.

    `notify_events` is written in the transaction that changes the finding; a delivery row per
    channel that wants the event goes with it. A message groups the deliveries of one send (a
    digest); its attempts are kept. Unobserved streaks count probes in a row that missed part
    of an asset.
    """
    db.executescript(
        """
        CREATE TABLE notify_channels (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            secret TEXT NOT NULL DEFAULT '',
            options TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            paused_until TEXT
        );
        CREATE TABLE notify_contacts (
            owner TEXT PRIMARY KEY,
            dingtalk TEXT NOT NULL DEFAULT '',
            wecom TEXT NOT NULL DEFAULT '',
            feishu TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE notify_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            asset_id INTEGER,
            finding_id INTEGER,
            data TEXT NOT NULL
        );
        CREATE INDEX notify_events_finding ON notify_events(finding_id);
        CREATE TABLE notify_messages (
            id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL,
            uuid TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT 'pending',
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            sent_at TEXT
        );
        CREATE INDEX notify_messages_state ON notify_messages(channel_id, state);
        CREATE TABLE notify_deliveries (
            event_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            message_id INTEGER,
            created_at TEXT NOT NULL,
            PRIMARY KEY (event_id, channel_id)
        );
        CREATE INDEX notify_deliveries_waiting ON notify_deliveries(channel_id, message_id);
        CREATE TABLE notify_attempts (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            answer TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX notify_attempts_channel ON notify_attempts(channel_id, at);
        CREATE TABLE notify_streaks (
            asset_id INTEGER PRIMARY KEY,
            unobserved INTEGER NOT NULL DEFAULT 0
        );
        """
    )


@migration
def m008_domains(db: Database) -> None:
    """Registrations cached for a day, the imported ICP filing list, and discovered names."""
    db.executescript(
        """
        CREATE TABLE registrations (
            domain TEXT PRIMARY KEY,
            checked_at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE icp_filings (
            id INTEGER PRIMARY KEY,
            domain TEXT NOT NULL,
            site_no TEXT NOT NULL DEFAULT '',
            entity_no TEXT NOT NULL DEFAULT '',
            site_name TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE discovered (
            name TEXT PRIMARY KEY,
            asset_id INTEGER REFERENCES assets(id),
            how TEXT NOT NULL,
            sources TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'new',
            reason TEXT NOT NULL DEFAULT '',
            actor TEXT NOT NULL DEFAULT '',
            decided_at TEXT
        );
        CREATE INDEX discovered_state ON discovered(state, asset_id);
        """
    )


def schema_version(db: Database) -> int:
    """How many of our migrations the database has had."""
    if getattr(db, "flavour", "sqlite") == "postgresql":
        from checks.store.postgres import applied

        return len(applied(db))  # type: ignore[arg-type]
    return len(MIGRATIONS.applied(db))


@migration
def m010_history(db: Database) -> None:
    """History at a bounded cost: a full outcome only when it changed, compact rows otherwise,
    and hourly then daily aggregates of the compact rows past a week."""
    db.executescript(
        """
        ALTER TABLE probes ADD COLUMN digest TEXT;
        ALTER TABLE probes ADD COLUMN bodies TEXT;
        ALTER TABLE probes ADD COLUMN up INTEGER;
        ALTER TABLE assets ADD COLUMN last_response_ms REAL;
        CREATE TABLE probe_ticks (
            id INTEGER PRIMARY KEY,
            asset_id INTEGER NOT NULL REFERENCES assets(id),
            probe_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            http_status INTEGER,
            response_ms REAL,
            up INTEGER NOT NULL
        );
        CREATE INDEX probe_ticks_asset_at ON probe_ticks(asset_id, at);
        CREATE TABLE probe_rollups (
            asset_id INTEGER NOT NULL,
            period TEXT NOT NULL,
            start TEXT NOT NULL,
            probes INTEGER NOT NULL,
            up INTEGER NOT NULL,
            ms_sum REAL NOT NULL DEFAULT 0,
            ms_count INTEGER NOT NULL DEFAULT 0,
            ms_min REAL,
            ms_max REAL,
            PRIMARY KEY (asset_id, period, start)
        ) WITHOUT ROWID;
        """
    )


@migration
def m011_workday(db: Database) -> None:
    """The admin's day: an evidence file's SHA-256 beside every attestation, and assets that
    are deleted from the inventory yet kept (with their findings and history) for the report."""
    db.executescript(
        """
        ALTER TABLE attestations ADD COLUMN evidence_sha256 TEXT NOT NULL DEFAULT '';
        ALTER TABLE decommission_steps ADD COLUMN evidence_sha256 TEXT NOT NULL DEFAULT '';
        ALTER TABLE org_attestations ADD COLUMN evidence_sha256 TEXT NOT NULL DEFAULT '';
        ALTER TABLE assets ADD COLUMN deleted_at TEXT;
        """
    )


@migration
def m012_legacy_history(db: Database) -> None:
    """Mark where rows written before m010 (plain JSON, one per probe) can be: at or below
    the newest probe id now, since no older version writes to this database after it.
    `History.compact_legacy` converts them in bounded batches; a new database has none."""
    db.execute(
        "INSERT INTO settings (key, value) "
        "SELECT '_history.legacy_until', CAST(coalesce(max(id), 0) AS TEXT) FROM probes "
        "WHERE true ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )


@migration
def m013_scaling_out(db: Database) -> None:
    """Several workers, places and organisations: where each probe ran from, the latest probe
    of an asset from each place, which place sees each finding, one row per asset, due time
    and place that was probed (no asset is probed twice for one due time), the places workers
    run in, and the organisations of one install (kept in the default organisation's store)."""
    db.executescript(
        """
        ALTER TABLE probes ADD COLUMN location TEXT NOT NULL DEFAULT '';
        CREATE TABLE asset_locations (
            asset_id INTEGER NOT NULL,
            location TEXT NOT NULL,
            probe_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (asset_id, location)
        );
        CREATE TABLE finding_sightings (
            finding_id INTEGER NOT NULL,
            location TEXT NOT NULL,
            seen INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (finding_id, location)
        );
        CREATE TABLE probe_runs (
            asset_id INTEGER NOT NULL,
            due_at TEXT NOT NULL,
            location TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            worker TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (asset_id, due_at, location)
        );
        CREATE TABLE locations (
            name TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            worker TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE orgs (
            name TEXT PRIMARY KEY,
            parent TEXT,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        """
    )


@migration
def m014_inherited_channels(db: Database) -> None:
    """Channels an organisation without its own uses from its nearest ancestor: kept as copies
    (each with its own queue), marked with the organisation they come from."""
    db.execute("ALTER TABLE notify_channels ADD COLUMN inherited_from TEXT NOT NULL DEFAULT ''")
