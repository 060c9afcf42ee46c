-- The run whose children walk last visited a review, per child stream. A --full run's walk follows its reviews list
-- as it lands, in passes, and visits every review not yet visited by that run: a walk resumed after a kill goes on
-- where it was, whatever order the reviews landed in.
ALTER TABLE acc.reviews ADD COLUMN IF NOT EXISTS versions_visited_run text;
ALTER TABLE acc.reviews ADD COLUMN IF NOT EXISTS progress_visited_run text;
