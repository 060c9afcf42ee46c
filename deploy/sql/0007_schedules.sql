-- Schedules: when the tick behind a run (or a skipped run) was due. A scheduled run's started_at minus its due_at is
-- its tick-to-start delay; a catch-up run (trigger 'catch-up') says in reason how many missed ticks it stands for.
-- Null for runs asked for (cli, http).
ALTER TABLE sync.runs ADD COLUMN IF NOT EXISTS due_at timestamptz;
