-- The order in which a project's reviews landed, so a children task can walk them while the reviews task is still
-- reading its lists (they land in the list's order, not by id). Every insert, and every update that changes a review,
-- takes the next value; a project's review writes take it one transaction at a time (an advisory lock held to commit),
-- so a walk that has seen a value has seen every smaller one of that project.
CREATE SEQUENCE IF NOT EXISTS acc.review_landings;
ALTER TABLE acc.reviews ADD COLUMN IF NOT EXISTS landed_seq bigint NOT NULL DEFAULT nextval('acc.review_landings');
ALTER SEQUENCE acc.review_landings OWNED BY acc.reviews.landed_seq;
CREATE INDEX IF NOT EXISTS reviews_project_landed_idx ON acc.reviews (project_id, landed_seq);
