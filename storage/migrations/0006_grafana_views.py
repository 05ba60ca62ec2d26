"""Public read views for Grafana, a read-only role and per-organisation scoping.

Grafana (and anything else that reads with SQL) sees the platform through the `v_*`
views created here, never through the base tables, so the tables can change behind a
stable surface (DESIGN.md: "grafana reads the public SQL views by name").

Access:

* `smartregion_reader` (NOLOGIN) may SELECT the `v_*` views and nothing else.
* What a caller sees is decided inside the views, per row, from `current_user`:
  - everything, when the caller may read the base table `devices` anyway (the platform's
    own roles, superusers) or is a member of `smartregion_all_organizations`;
  - otherwise the devices of the organisations listed for its role in `view_scopes`, plus
    every device marked open data; gateways that are public or its organisation's.
* `grafana_reader` (LOGIN, read-only transactions) is the platform-wide data source role;
  its password is set by the operator (`ALTER ROLE grafana_reader PASSWORD ...`), never here.
* A device's type is its registered type, else the type the network server reported
  (TTN `version_ids`, ChirpStack profile), as the ingestor resolves it.
* `grafana_grant_organization(role, organisation[, password])` makes a login role that sees
  one more organisation (the per-organisation data source of a Grafana organisation).

The views are `security_barrier`: a caller's own non-leakproof conditions (a cast that
fails and prints the value, say) run only on rows the view already let through.

Roles are cluster-wide while this migration runs once per database, and several
databases (test sessions) may migrate at the same time: role creation tolerates a
concurrent twin.

Also: `uplinks.stored_at` (default now(), i.e. the writer's transaction) so that ingest
lag = stored_at - received_at can be charted; rows stored before this migration have NULL.
`device_types` holds the decoder catalogue's category per type, seeded here from
`decoders.CATALOG` (types added later read as category 'generic' until re-seeded).
"""

from typing import Any

from yoyo import step

__depends__ = {"0003_rollups", "0005_rollup_tables"}

VIEWS = (
    "v_organizations",
    "v_device_types",
    "v_quantities",
    "v_devices",
    "v_readings",
    "v_readings_hourly",
    "v_readings_daily",
    "v_readings_latest",
    "v_gateways",
    "v_receptions",
    "v_uplinks",
    "v_decode_errors",
    "v_dead_letters",
    "v_device_events",
)

ROLES = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartregion_reader') THEN
        BEGIN
            CREATE ROLE smartregion_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartregion_all_organizations') THEN
        BEGIN
            CREATE ROLE smartregion_all_organizations NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
        BEGIN
            CREATE ROLE grafana_reader LOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT pg_has_role('grafana_reader', 'smartregion_reader', 'MEMBER') THEN
        GRANT smartregion_reader TO grafana_reader;
    END IF;
    IF NOT pg_has_role('grafana_reader', 'smartregion_all_organizations', 'MEMBER') THEN
        GRANT smartregion_all_organizations TO grafana_reader;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE r.rolname = 'grafana_reader' AND s.setdatabase = 0
    ) THEN
        ALTER ROLE grafana_reader SET default_transaction_read_only = on;
    END IF;
END $$
"""

TABLES = """
ALTER TABLE uplinks ADD COLUMN IF NOT EXISTS stored_at timestamptz;
ALTER TABLE uplinks ALTER COLUMN stored_at SET DEFAULT now();

CREATE TABLE device_types (
    type_id    text PRIMARY KEY,
    vendor     text NOT NULL,
    model      text NOT NULL,
    category   text NOT NULL,
    quantities text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE view_scopes (
    role_name       name NOT NULL,
    organization_id int NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (role_name, organization_id)
);

-- Whether the caller sees every organisation. SECURITY INVOKER on purpose: both checks
-- are about the caller. Views call it as (SELECT ...) so it runs once per query.
CREATE FUNCTION smartregion_sees_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT has_table_privilege('devices', 'SELECT')
        OR pg_has_role('smartregion_all_organizations', 'MEMBER')
$$;

CREATE FUNCTION grafana_grant_organization(
    role_name text, organization text, password text DEFAULT NULL
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    org_id int;
BEGIN
    SELECT id INTO org_id FROM organizations WHERE name = organization;
    IF org_id IS NULL THEN
        RAISE EXCEPTION 'no organisation named %', organization USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', role_name);
    END IF;
    IF NOT pg_has_role(role_name, 'smartregion_reader', 'MEMBER') THEN
        EXECUTE format('GRANT smartregion_reader TO %I', role_name);
    END IF;
    EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', role_name);
    IF password IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', role_name, password);
    END IF;
    INSERT INTO view_scopes (role_name, organization_id) VALUES (role_name, org_id)
    ON CONFLICT DO NOTHING;
END $$;
REVOKE ALL ON FUNCTION grafana_grant_organization(text, text, text) FROM PUBLIC;
"""

SCOPED = """(
        (SELECT smartregion_sees_all())
        OR {org} IN (SELECT s.organization_id FROM view_scopes s
                     WHERE s.role_name = current_user)
    )"""

CREATE_VIEWS = f"""
CREATE VIEW v_organizations WITH (security_barrier) AS
SELECT o.id AS organization_id, o.name AS organization, o.kind
FROM organizations o
WHERE {SCOPED.format(org="o.id")}
   OR EXISTS (SELECT 1 FROM devices d WHERE d.organization_id = o.id AND d.open_data);

CREATE VIEW v_device_types AS
SELECT type_id AS device_type, vendor, model, category, quantities FROM device_types;

CREATE VIEW v_quantities AS
SELECT name AS quantity, unit, description, minimum, maximum FROM quantities;

CREATE VIEW v_devices WITH (security_barrier) AS
SELECT d.id AS device_id,
       d.dev_eui,
       coalesce(d.name, d.dev_eui) AS device_name,
       coalesce(d.type_id, d.ns_type_hint, 'unknown') AS device_type,
       coalesce(t.category, 'generic') AS category,
       d.organization_id,
       o.name AS organization,
       o.kind AS organization_kind,
       d.open_data,
       coalesce(d.tags ->> 'field', d.tags ->> 'site', d.application_id, 'unassigned') AS site,
       d.latitude, d.longitude, d.altitude,
       d.battery_level,
       d.last_seen_at,
       d.created_at AS registered_at,
       d.registered_by,
       d.tags
FROM devices d
JOIN organizations o ON o.id = d.organization_id
LEFT JOIN device_types t ON t.type_id = coalesce(d.type_id, d.ns_type_hint)
WHERE d.open_data OR {SCOPED.format(org="d.organization_id")};

CREATE VIEW v_readings WITH (security_barrier) AS
SELECT r.time, r.device_id, d.device_name, d.dev_eui, d.device_type, d.category,
       d.organization_id, d.organization_kind, d.site,
       q.name AS quantity, q.unit, r.channel, r.value, r.flagged
FROM readings r
JOIN v_devices d ON d.device_id = r.device_id
JOIN quantities q ON q.id = r.quantity_id;

CREATE VIEW v_readings_hourly WITH (security_barrier) AS
SELECT h.bucket AS time, h.device_id, d.device_name, d.dev_eui, d.device_type, d.category,
       d.organization_id, d.organization_kind, d.site,
       q.name AS quantity, q.unit, h.channel,
       h.value_avg, h.value_min, h.value_max, h.samples
FROM readings_hourly h
JOIN v_devices d ON d.device_id = h.device_id
JOIN quantities q ON q.id = h.quantity_id;

CREATE VIEW v_readings_daily WITH (security_barrier) AS
SELECT h.bucket AS time, h.device_id, d.device_name, d.dev_eui, d.device_type, d.category,
       d.organization_id, d.organization_kind, d.site,
       q.name AS quantity, q.unit, h.channel,
       h.value_avg, h.value_min, h.value_max, h.samples
FROM readings_daily h
JOIN v_devices d ON d.device_id = h.device_id
JOIN quantities q ON q.id = h.quantity_id;

CREATE VIEW v_readings_latest WITH (security_barrier) AS
SELECT l.time, l.device_id, d.device_name, d.dev_eui, d.device_type, d.category,
       d.organization_id, d.organization_kind, d.site, d.latitude, d.longitude,
       q.name AS quantity, q.unit, l.channel, l.value, l.flagged
FROM readings_latest l
JOIN v_devices d ON d.device_id = l.device_id
JOIN quantities q ON q.id = l.quantity_id;

CREATE VIEW v_gateways WITH (security_barrier) AS
SELECT g.id AS gateway_id,
       g.eui AS gateway_eui,
       g.network_id,
       coalesce(g.name, g.network_id, g.eui) AS gateway_name,
       g.organization_id,
       o.name AS organization,
       g.public,
       g.latitude, g.longitude, g.altitude, g.antenna_height_m, g.antenna_gain_dbi,
       g.created_at AS registered_at,
       h.last_heard_at,
       coalesce(h.last_heard_at > now() - interval '15 minutes', false) AS online
FROM gateways g
LEFT JOIN organizations o ON o.id = g.organization_id
LEFT JOIN LATERAL (
    SELECT max(x.time) AS last_heard_at FROM receptions x WHERE x.gateway_id = g.id
) h ON true
WHERE g.public OR {SCOPED.format(org="g.organization_id")};

-- A reception is visible with its device, or to the owner of the gateway that heard it
-- (a hobbyist sees the traffic their gateway carried, without the hidden device's name).
CREATE VIEW v_receptions WITH (security_barrier) AS
SELECT x.time, x.gateway_id,
       coalesce(g.name, g.network_id, g.eui) AS gateway_name, g.eui AS gateway_eui,
       x.device_id, d.device_name, d.device_type, d.category, d.organization_id,
       x.rssi, x.snr, x.spreading_factor, x.data_rate, x.frequency_hz,
       d.latitude AS device_latitude, d.longitude AS device_longitude,
       g.latitude AS gateway_latitude, g.longitude AS gateway_longitude,
       CASE WHEN d.latitude IS NOT NULL AND g.latitude IS NOT NULL THEN
           6371000 * sqrt(
               power(radians(g.latitude - d.latitude), 2)
               + power(radians(g.longitude - d.longitude)
                       * cos(radians((g.latitude + d.latitude) / 2)), 2))
       END AS distance_m
FROM receptions x
JOIN gateways g ON g.id = x.gateway_id
LEFT JOIN v_devices d ON d.device_id = x.device_id
WHERE d.device_id IS NOT NULL OR {SCOPED.format(org="g.organization_id")};

CREATE VIEW v_uplinks WITH (security_barrier) AS
SELECT u.received_at AS time, u.stored_at,
       extract(epoch FROM u.stored_at - u.received_at)::double precision AS ingest_lag_s,
       u.device_id, d.device_name, d.dev_eui, d.device_type, d.category,
       d.organization_id, d.site,
       u.type_id AS decoded_as, u.f_port, u.f_cnt, u.source, u.gateway_count,
       u.spreading_factor, u.data_rate, u.frequency_hz, u.airtime_s,
       (u.type_id IS NOT NULL AND coalesce(cardinality(u.decode_errors), 0) = 0) AS decoded,
       coalesce(cardinality(u.decode_errors), 0) AS decode_error_count,
       u.decode_errors, u.decode_warnings
FROM uplinks u
JOIN v_devices d ON d.device_id = u.device_id;

CREATE VIEW v_decode_errors WITH (security_barrier) AS
SELECT u.time, u.device_id, u.device_name, u.dev_eui, u.device_type, u.category,
       u.organization_id, u.f_port, e.error
FROM v_uplinks u
CROSS JOIN LATERAL unnest(u.decode_errors) AS e(error)
WHERE u.decode_error_count > 0;

-- Dead letters belong to no organisation: only platform-wide callers see them.
CREATE VIEW v_dead_letters WITH (security_barrier) AS
SELECT l.received_at AS time, l.topic, l.reason,
       split_part(l.reason, ':', 1) AS reason_kind,
       l.source, octet_length(l.payload) AS payload_bytes
FROM dead_letters l
WHERE (SELECT smartregion_sees_all());

CREATE VIEW v_device_events WITH (security_barrier) AS
SELECT e.time, e.device_id, d.device_name, d.dev_eui, d.device_type, d.organization_id,
       e.kind, e.details
FROM device_events e
JOIN v_devices d ON d.device_id = e.device_id;
"""


def seed_device_types(conn: Any) -> None:
    """The catalogue's category per device type (storage may import decoders: DESIGN.md)."""
    from decoders import CATALOG

    cursor = conn.cursor()
    for type_id, spec in sorted(CATALOG.items()):
        cursor.execute(
            "INSERT INTO device_types (type_id, vendor, model, category, quantities) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (type_id) DO UPDATE SET "
            "vendor = EXCLUDED.vendor, model = EXCLUDED.model, category = EXCLUDED.category, "
            "quantities = EXCLUDED.quantities",
            (type_id, spec.vendor, spec.model, str(spec.category), sorted(spec.quantities)),
        )


def apply(conn: Any) -> None:
    cursor = conn.cursor()
    cursor.execute(ROLES)
    cursor.execute(TABLES)
    cursor.execute(CREATE_VIEWS)
    seed_device_types(conn)
    cursor.execute(f"GRANT SELECT ON {', '.join(VIEWS)} TO smartregion_reader")
    # The Apache edition's rollup views (0005) call rollup_watermark(), which reads
    # rollup_state with the caller's rights: the reader needs the watermarks (no data).
    cursor.execute(
        "DO $$ BEGIN IF to_regclass('rollup_state') IS NOT NULL THEN "
        "GRANT SELECT ON rollup_state TO smartregion_reader; END IF; END $$"
    )


def rollback(conn: Any) -> None:
    cursor = conn.cursor()
    for view in reversed(VIEWS):
        cursor.execute(f"DROP VIEW IF EXISTS {view}")
    cursor.execute("DROP FUNCTION IF EXISTS grafana_grant_organization(text, text, text)")
    cursor.execute("DROP FUNCTION IF EXISTS smartregion_sees_all()")
    cursor.execute("DROP TABLE IF EXISTS view_scopes")
    cursor.execute("DROP TABLE IF EXISTS device_types")
    cursor.execute("ALTER TABLE uplinks DROP COLUMN IF EXISTS stored_at")
    # The roles are cluster-wide and may serve other databases: they stay.


steps = [step(apply, rollback)]
