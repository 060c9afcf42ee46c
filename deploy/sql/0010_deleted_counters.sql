-- Mirror rows a run deleted because its source no longer has them (a postgres snapshot's merge), counted beside the
-- other counters: committed with each checkpoint, in each task's progress row and in each run's totals.
ALTER TABLE sync.checkpoints ADD COLUMN IF NOT EXISTS task_deleted bigint NOT NULL DEFAULT 0;
ALTER TABLE sync.progress ADD COLUMN IF NOT EXISTS records_deleted bigint NOT NULL DEFAULT 0;
ALTER TABLE sync.runs ADD COLUMN IF NOT EXISTS records_deleted bigint NOT NULL DEFAULT 0;
