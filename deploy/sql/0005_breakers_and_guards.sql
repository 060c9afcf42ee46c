-- Circuit breakers, waiting tasks, skipped runs, and checkpoints that never move backwards.

-- Tasks wait (a retry due, or their breaker open) and, later, queue for a slot.
ALTER TABLE sync.progress DROP CONSTRAINT IF EXISTS progress_status_check;
ALTER TABLE sync.progress ADD CONSTRAINT progress_status_check
    CHECK (status IN ('pending', 'queued', 'running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'));
ALTER TABLE sync.progress
    ADD COLUMN IF NOT EXISTS throttled            bigint  NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS breaker              text    NOT NULL DEFAULT 'closed'
        CHECK (breaker IN ('closed', 'open', 'halfopen')),
    ADD COLUMN IF NOT EXISTS consecutive_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS next_attempt_at      timestamptz,
    ADD COLUMN IF NOT EXISTS hung_restarts        integer NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS sync.progress_unfinished_idx;
CREATE INDEX IF NOT EXISTS progress_unfinished_idx ON sync.progress (status)
    WHERE status IN ('pending', 'queued', 'running', 'waiting', 'paused');

-- A run that did not start (a scheduled tick while the project's breaker was open, or while a run was in
-- progress) is history too, with its reason.
ALTER TABLE sync.runs DROP CONSTRAINT IF EXISTS runs_status_check;
ALTER TABLE sync.runs ADD CONSTRAINT runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'skipped'));
ALTER TABLE sync.runs ADD COLUMN IF NOT EXISTS reason text;

-- The run that wrote a checkpoint and how far into it: a write from an older run, or from the same run at or
-- before the stored position (a stale or duplicate activation), is refused with its page.
ALTER TABLE sync.checkpoints
    ADD COLUMN IF NOT EXISTS run_id   text   NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS position bigint NOT NULL DEFAULT 0;
