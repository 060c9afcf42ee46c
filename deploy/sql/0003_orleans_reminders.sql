-- Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2, Invariant "Npgsql").
-- Contract: shared/ORLEANS-ADONET.md. Safe to run twice. Every parameter is cast explicitly.
-- Hashes are the uint ring hashes passed as signed int: stored and compared as integer, which is
-- what the provider assumes when it picks ReadRangeRows1Key or ReadRangeRows2Key.

-- Also created by 0001; repeated so this file can be applied on its own.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar     NOT NULL,
    grainid      varchar     NOT NULL,
    remindername varchar     NOT NULL,
    starttime    timestamptz NOT NULL,
    period       bigint      NOT NULL, -- milliseconds; the provider reads it as a 64-bit integer
    grainhash    integer     NOT NULL,
    version      integer     NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Each silo reads the reminders of its slice of the hash ring.
CREATE INDEX IF NOT EXISTS orleansreminderstable_range_ix
    ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Insert at version 0 or replace and bump; the returned Version is the reminder's new ETag.
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable AS r
    (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES
    (@ServiceId::varchar, @GrainId::varchar, @ReminderName::varchar, @StartTime::timestamptz,
     @Period::bigint, @GrainHash::int, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = excluded.starttime,
    period = excluded.period,
    grainhash = excluded.grainhash,
    version = r.version + 1
RETURNING r.version AS Version;
$q$),

('ReadReminderRowsKey', $q$
SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
       period AS Period, version AS Version
FROM orleansreminderstable
WHERE serviceid = @ServiceId::varchar
  AND grainid = @GrainId::varchar;
$q$),

('ReadReminderRowKey', $q$
SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
       period AS Period, version AS Version
FROM orleansreminderstable
WHERE serviceid = @ServiceId::varchar
  AND grainid = @GrainId::varchar
  AND remindername = @ReminderName::varchar;
$q$),

-- Range (BeginHash, EndHash] that does not wrap in signed order.
('ReadRangeRows1Key', $q$
SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
       period AS Period, version AS Version
FROM orleansreminderstable
WHERE serviceid = @ServiceId::varchar
  AND grainhash > @BeginHash::int
  AND grainhash <= @EndHash::int;
$q$),

-- Range that wraps around: above BeginHash or up to EndHash.
('ReadRangeRows2Key', $q$
SELECT grainid AS GrainId, remindername AS ReminderName, starttime AS StartTime,
       period AS Period, version AS Version
FROM orleansreminderstable
WHERE serviceid = @ServiceId::varchar
  AND (grainhash > @BeginHash::int OR grainhash <= @EndHash::int);
$q$),

-- Flag: deleted only if the caller's ETag is still current.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId::varchar
      AND grainid = @GrainId::varchar
      AND remindername = @ReminderName::varchar
      AND version = @Version::int
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted);
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable
WHERE serviceid = @ServiceId::varchar;
$q$)

ON CONFLICT (querykey) DO UPDATE
SET querytext = excluded.querytext
WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;
