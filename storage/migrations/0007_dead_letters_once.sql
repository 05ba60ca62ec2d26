-- Dead letters exactly once: a malformed message the broker delivers again (written, but
-- not yet acknowledged when the ingestor stopped) or that was published twice is one dead
-- letter, as a repeated uplink is one uplink. Identical topic and payload are the same
-- message; `deliveries` counts how often it arrived, `last_received_at` the latest time.
-- Duplicates already stored are folded into their first row.
-- depends: 0006_grafana_views

ALTER TABLE dead_letters ADD COLUMN deliveries integer NOT NULL DEFAULT 1;
ALTER TABLE dead_letters ADD COLUMN last_received_at timestamptz;

UPDATE dead_letters d
SET deliveries = g.deliveries, last_received_at = g.last_received_at
FROM (
    SELECT min(id) AS keep, count(*) AS deliveries, max(received_at) AS last_received_at
    FROM dead_letters GROUP BY topic, sha256(payload) HAVING count(*) > 1
) g
WHERE d.id = g.keep;

DELETE FROM dead_letters d
USING dead_letters k
WHERE d.topic = k.topic AND sha256(d.payload) = sha256(k.payload) AND d.payload = k.payload
  AND d.id > k.id;

CREATE UNIQUE INDEX dead_letters_message_key ON dead_letters (topic, sha256(payload));
