-- Ingest tuning: the latest-value table is updated for every series in every batch;
-- free space on each page lets those updates be HOT (no index maintenance).
-- depends: 0003_rollups

ALTER TABLE readings_latest SET (fillfactor = 50);
ALTER TABLE devices SET (fillfactor = 70);
