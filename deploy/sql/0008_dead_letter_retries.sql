-- Open dead letters are a to-do list: each run retries a bounded number of its project's, the least recently
-- retried first, so every open one gets its turn. resolved_at (0006) marks the ones whose record later landed.
ALTER TABLE sync.dead_letters
    ADD COLUMN IF NOT EXISTS retried_at timestamptz,
    ADD COLUMN IF NOT EXISTS retries    integer NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS dead_letters_retry_idx
    ON sync.dead_letters (project_id, stream, retried_at NULLS FIRST, id) WHERE resolved_at IS NULL;
