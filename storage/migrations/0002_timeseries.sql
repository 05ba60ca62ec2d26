-- Time series: the raw uplink archive, canonical readings, per-gateway receptions and
-- other network events. All hypertables; every unique key includes the time column so
-- a redelivered message hits ON CONFLICT DO NOTHING.
-- depends: 0001_registry

CREATE TABLE uplinks (
    received_at      timestamptz NOT NULL,
    device_id        int NOT NULL,
    f_cnt            bigint NOT NULL,
    f_port           smallint NOT NULL,
    payload          bytea NOT NULL,
    type_id          text,               -- decoder used; NULL = raw only
    fields           jsonb,              -- vendor fields of the decode
    decode_errors    text[],
    decode_warnings  text[],
    ns_decoded       jsonb,              -- the network server's own decoded object
    source           text NOT NULL,
    frequency_hz     bigint,
    data_rate        text,
    spreading_factor smallint,
    airtime_s        real,
    gateway_count    smallint NOT NULL DEFAULT 0,
    UNIQUE (device_id, received_at)
);
DO $$ BEGIN PERFORM create_hypertable('uplinks', 'received_at', chunk_time_interval => interval '7 days'); END $$;

CREATE TABLE readings (
    time        timestamptz NOT NULL,
    device_id   int NOT NULL,
    quantity_id smallint NOT NULL,
    channel     smallint NOT NULL DEFAULT 0,  -- tells same-quantity sensors apart (depths, probes)
    value       double precision NOT NULL,
    flagged     boolean NOT NULL DEFAULT false, -- outside the quantity's plausible range
    PRIMARY KEY (device_id, quantity_id, channel, time)
);
DO $$ BEGIN PERFORM create_hypertable('readings', 'time', chunk_time_interval => interval '7 days'); END $$;

-- The newest reading per series, kept by the writer: the map view and /latest read one
-- row per series instead of searching the hypertable (perf.md: 2-3 ms vs 11-14 ms).
CREATE TABLE readings_latest (
    device_id   int NOT NULL,
    quantity_id smallint NOT NULL,
    channel     smallint NOT NULL DEFAULT 0,
    time        timestamptz NOT NULL,
    value       double precision NOT NULL,
    flagged     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (device_id, quantity_id, channel)
);

CREATE TABLE receptions (
    time             timestamptz NOT NULL,
    device_id        int NOT NULL,
    gateway_id       int NOT NULL,
    rssi             real,
    snr              real,
    frequency_hz     bigint,
    data_rate        text,
    spreading_factor smallint,
    PRIMARY KEY (device_id, gateway_id, time)
);
DO $$ BEGIN PERFORM create_hypertable('receptions', 'time', chunk_time_interval => interval '7 days'); END $$;
CREATE INDEX receptions_gateway_idx ON receptions (gateway_id, time DESC);

CREATE TABLE device_events (
    time      timestamptz NOT NULL,
    device_id int NOT NULL,
    kind      text NOT NULL,
    details   jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (device_id, kind, time)
);
DO $$ BEGIN PERFORM create_hypertable('device_events', 'time', chunk_time_interval => interval '30 days'); END $$;
