-- Progress that scales: what the task is (kind), how far (percent) and when it should end (eta), its recent rate
-- and its last errors; counters that commit with the checkpoint; retention; backfills.

ALTER TABLE sync.progress
    ADD COLUMN IF NOT EXISTS kind               text NOT NULL DEFAULT 'incremental'
        CHECK (kind IN ('incremental', 'full', 'backfill')),
    ADD COLUMN IF NOT EXISTS percent            double precision,
    ADD COLUMN IF NOT EXISTS eta                timestamptz,
    ADD COLUMN IF NOT EXISTS records_per_second double precision,
    ADD COLUMN IF NOT EXISTS errors             jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN IF NOT EXISTS backfill_id        text;
CREATE INDEX IF NOT EXISTS progress_backfill_idx ON sync.progress (backfill_id) WHERE backfill_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS progress_finished_idx ON sync.progress (finished_at) WHERE finished_at IS NOT NULL;

-- The counters of the task that wrote the checkpoint, up to and including the checkpoint's page: committed with
-- the page, so a task resumed after a SIGKILL continues from exact counts.
ALTER TABLE sync.checkpoints
    ADD COLUMN IF NOT EXISTS task_pages         bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_records_read  bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_inserted      bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_updated       bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_unchanged     bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_dead_lettered bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_calls         bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_throttled     bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS task_total         bigint;

-- A dead letter is resolved when its record later lands; resolved ones are cleaned by retention.
ALTER TABLE sync.dead_letters ADD COLUMN IF NOT EXISTS resolved_at timestamptz;
CREATE INDEX IF NOT EXISTS dead_letters_open_idx ON sync.dead_letters (project_id, stream, record_key) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS runs_finished_idx ON sync.runs (finished_at) WHERE finished_at IS NOT NULL;
