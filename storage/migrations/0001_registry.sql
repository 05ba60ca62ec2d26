-- Registries: who owns what. Devices and gateways get integer ids so that the
-- time-series tables stay narrow (perf.md: text ids cost 31 % of COPY throughput).
-- depends:

CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE organizations (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('platform', 'municipality', 'farm', 'forestry',
                                              'community', 'company')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are 256-bit random tokens; only their SHA-256 is stored. A slow KDF buys
-- nothing against a key with that much entropy, and lookups stay one index probe.
CREATE TABLE api_keys (
    id               serial PRIMARY KEY,
    organization_id  int NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role             text NOT NULL CHECK (role IN ('admin', 'org_admin', 'member')),
    key_prefix       text NOT NULL,
    key_hash         bytea NOT NULL UNIQUE,
    name             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz
);

CREATE TABLE devices (
    id               serial PRIMARY KEY,
    dev_eui          text NOT NULL UNIQUE CHECK (dev_eui ~ '^[0-9A-F]{16}$'),
    name             text,
    type_id          text,           -- decoder type id ("vendor/model"); NULL = not known yet
    organization_id  int NOT NULL REFERENCES organizations (id),
    latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
    altitude         double precision,
    open_data        boolean NOT NULL DEFAULT false,
    tags             jsonb NOT NULL DEFAULT '{}'::jsonb,
    registered_by    text NOT NULL DEFAULT 'import'
                     CHECK (registered_by IN ('import', 'api', 'first_sight')),
    source           text,           -- network server format it was first seen on
    application_id   text,
    ns_type_hint     text,           -- TTN version_ids or ChirpStack profile, as last seen
    battery_level    real,           -- from network server status reports
    margin_db        real,
    external_power   boolean,
    status_at        timestamptz,
    last_seen_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_organization_idx ON devices (organization_id);
CREATE INDEX devices_open_data_idx ON devices (id) WHERE open_data;

CREATE TABLE gateways (
    id               serial PRIMARY KEY,
    eui              text UNIQUE CHECK (eui ~ '^[0-9A-F]{16}$'),
    network_id       text UNIQUE,    -- the network server's own id (TTN gateway ids are names)
    name             text,
    organization_id  int REFERENCES organizations (id),
    latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
    altitude         double precision,
    antenna_height_m real,
    antenna_gain_dbi real,
    public           boolean NOT NULL DEFAULT false,
    registered_by    text NOT NULL DEFAULT 'first_sight'
                     CHECK (registered_by IN ('import', 'api', 'first_sight')),
    last_seen_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (eui IS NOT NULL OR network_id IS NOT NULL)
);

-- Canonical quantities, seeded from decoders.quantities on every migrate.
CREATE TABLE quantities (
    id          smallserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    unit        text NOT NULL,
    description text NOT NULL DEFAULT '',
    minimum     double precision,
    maximum     double precision,
    definition  text
);

CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    topic       text NOT NULL,
    payload     bytea NOT NULL,
    reason      text NOT NULL,
    source      text
);
CREATE INDEX dead_letters_received_idx ON dead_letters (received_at DESC);
