-- First cut of OrleansSync's own schemas (DESIGN.md, "PostgreSQL tables").
-- sync: control tables the grains write. acc: mirrors of the ACC-shaped upstream.
-- Later changes come as new numbered files; an applied migration is never edited (the migrator checks).

CREATE SCHEMA IF NOT EXISTS sync;
CREATE SCHEMA IF NOT EXISTS acc;

-- One row per task; the progress writer upserts it in coalesced batches.
-- progress_seq rises with every report of a task, so a late, older batch never overwrites a newer row.
CREATE TABLE IF NOT EXISTS sync.progress (
    task_id               text        PRIMARY KEY,
    project_id            text        NOT NULL,
    stream                text        NOT NULL,
    run_id                text,
    status                text        NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled')),
    progress_seq          bigint      NOT NULL DEFAULT 0,
    pages                 bigint      NOT NULL DEFAULT 0,
    records_read          bigint      NOT NULL DEFAULT 0,
    records_inserted      bigint      NOT NULL DEFAULT 0,
    records_updated       bigint      NOT NULL DEFAULT 0,
    records_unchanged     bigint      NOT NULL DEFAULT 0,
    records_dead_lettered bigint      NOT NULL DEFAULT 0,
    total_records         bigint,
    upstream_calls        bigint      NOT NULL DEFAULT 0,
    attempts              integer     NOT NULL DEFAULT 0,
    last_error            text,
    silo                  text,
    started_at            timestamptz,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz
);
CREATE INDEX IF NOT EXISTS progress_project_stream_idx ON sync.progress (project_id, stream);
CREATE INDEX IF NOT EXISTS progress_unfinished_idx ON sync.progress (status) WHERE status IN ('pending', 'running', 'paused');

-- History: one row per run of a project (a sync, or a backfill).
CREATE TABLE IF NOT EXISTS sync.runs (
    run_id                text        PRIMARY KEY,
    project_id            text        NOT NULL,
    kind                  text        NOT NULL CHECK (kind IN ('sync', 'full', 'backfill')),
    trigger               text        NOT NULL,
    status                text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
    tasks                 integer     NOT NULL DEFAULT 0,
    records_read          bigint      NOT NULL DEFAULT 0,
    records_inserted      bigint      NOT NULL DEFAULT 0,
    records_updated       bigint      NOT NULL DEFAULT 0,
    records_unchanged     bigint      NOT NULL DEFAULT 0,
    records_dead_lettered bigint      NOT NULL DEFAULT 0,
    upstream_calls        bigint      NOT NULL DEFAULT 0,
    error                 text,
    started_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz
);
CREATE INDEX IF NOT EXISTS runs_project_started_idx ON sync.runs (project_id, started_at DESC);

-- Where a stream of a project is. Written in the same transaction as the records it covers.
CREATE TABLE IF NOT EXISTS sync.checkpoints (
    project_id  text        NOT NULL,
    stream      text        NOT NULL,
    scope       text        NOT NULL DEFAULT '',
    task_id     text,
    cursor      jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, stream, scope)
);

-- Upstream records we could not mirror, with the reason; the rest of their page landed.
-- The same bad record seen again bumps occurrences instead of adding a row.
CREATE TABLE IF NOT EXISTS sync.dead_letters (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    text        NOT NULL,
    stream        text        NOT NULL,
    task_id       text,
    record_key    text,
    raw           text        NOT NULL,
    raw_sha256    text        NOT NULL,
    reason        text        NOT NULL,
    occurrences   integer     NOT NULL DEFAULT 1,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_identity_idx ON sync.dead_letters (project_id, stream, raw_sha256);

-- Mirrors. project_id is the upstream id without the "b." prefix; raw is the record exactly as received;
-- updated_at is upstream's (the guard against older records), synced_at ours.
CREATE TABLE IF NOT EXISTS acc.projects (
    project_id  text        PRIMARY KEY,
    account_id  text        NOT NULL,
    name        text,
    status      text,
    created_at  timestamptz,
    updated_at  timestamptz,
    raw         jsonb       NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS acc.workflows (
    project_id  text        NOT NULL,
    workflow_id text        NOT NULL,
    name        text,
    status      text,
    created_at  timestamptz,
    updated_at  timestamptz,
    raw         jsonb       NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, workflow_id)
);

CREATE TABLE IF NOT EXISTS acc.reviews (
    project_id            text        NOT NULL,
    review_id             text        NOT NULL,
    sequence_id           bigint,
    name                  text,
    status                text,
    workflow_id           text,
    current_step_id       text,
    current_step_due_date timestamptz,
    archived              boolean     NOT NULL DEFAULT false,
    created_at            timestamptz,
    updated_at            timestamptz,
    finished_at           timestamptz,
    raw                   jsonb       NOT NULL,
    synced_at             timestamptz NOT NULL DEFAULT now(),
    -- The review updatedAt its versions / progress were last synced for (-infinity when it had none); NULL: never.
    -- A review whose marker is NULL or older than updated_at needs its children fetched again.
    versions_synced_for   timestamptz,
    progress_synced_for   timestamptz,
    PRIMARY KEY (project_id, review_id)
);
CREATE INDEX IF NOT EXISTS reviews_project_updated_idx ON acc.reviews (project_id, updated_at);

-- Children carry no timestamps of their own. A review's children are replaced as a set, ordered by the parent's
-- updatedAt (acc.reviews.*_synced_for); review_updated_at is the parent's updatedAt when the row was last written.
CREATE TABLE IF NOT EXISTS acc.review_versions (
    project_id        text        NOT NULL,
    review_id         text        NOT NULL,
    urn               text        NOT NULL,
    item_urn          text,
    name              text,
    approve_status    text,
    review_updated_at timestamptz,
    raw               jsonb       NOT NULL,
    synced_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, review_id, urn)
);

CREATE TABLE IF NOT EXISTS acc.review_progress (
    project_id        text        NOT NULL,
    review_id         text        NOT NULL,
    position          integer     NOT NULL,
    step_id           text,
    step_name         text,
    status            text,
    end_time          timestamptz,
    review_updated_at timestamptz,
    raw               jsonb       NOT NULL,
    synced_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, review_id, position)
);
