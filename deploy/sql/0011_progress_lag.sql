-- A streaming task's lag behind its source (a PostgreSQL capture: its replication slot), as the task last measured
-- it: bytes of source WAL not yet confirmed, seconds since the mirror last held everything, the MaxSlotLag it is
-- held to, and when it was measured. Null for tasks that do not stream and before the first measurement.
ALTER TABLE sync.progress ADD COLUMN IF NOT EXISTS lag_bytes bigint;
ALTER TABLE sync.progress ADD COLUMN IF NOT EXISTS lag_seconds double precision;
ALTER TABLE sync.progress ADD COLUMN IF NOT EXISTS lag_limit bigint;
ALTER TABLE sync.progress ADD COLUMN IF NOT EXISTS lag_at timestamptz;
