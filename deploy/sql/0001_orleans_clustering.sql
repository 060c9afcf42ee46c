-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.4.2, Invariant "Npgsql").
-- Contract: shared/ORLEANS-ADONET.md. The provider issues no SQL of its own beyond
-- "SELECT QueryKey, QueryText FROM OrleansQuery": every query it runs is a row below.
-- Safe to run twice: IF NOT EXISTS for DDL, ON CONFLICT DO UPDATE for the query rows.
-- Every parameter is cast explicitly: the provider binds some values (nulls especially)
-- without a type, and Npgsql cannot infer an untyped parameter used twice or with IS NULL.

-- One row per query key; all three providers read their texts from here at start.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

-- The per-cluster table version: every member insert or update is conditional on it and bumps it,
-- which is how Orleans detects that another silo changed the table since it last read it.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar     PRIMARY KEY,
    timestamp    timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar     NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar     NOT NULL,
    port         integer     NOT NULL,
    generation   integer     NOT NULL,
    siloname     varchar     NOT NULL,
    hostname     varchar     NOT NULL,
    status       integer     NOT NULL,
    proxyport    integer     NOT NULL,
    suspecttimes varchar     NULL,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Flag: true only for the caller that created the row, so concurrent silo starts are harmless.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid, timestamp, version)
    VALUES (@DeploymentId::varchar, now(), 0)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created);
$q$),

-- The version row LEFT JOINed to the members: an empty cluster still yields one row carrying
-- the Version, with null member columns (the provider tests StartTime for null).
('MembershipReadAllKey', $q$
SELECT
    v.deploymentid AS DeploymentId,
    m.address      AS Address,
    m.port         AS Port,
    m.generation   AS Generation,
    m.siloname     AS SiloName,
    m.hostname     AS HostName,
    m.status       AS Status,
    m.proxyport    AS ProxyPort,
    m.suspecttimes AS SuspectTimes,
    m.starttime    AS StartTime,
    m.iamalivetime AS IAmAliveTime,
    v.version      AS Version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId::varchar;
$q$),

-- Same shape for one silo, still joined to the version row so the Version always comes back.
('MembershipReadRowKey', $q$
SELECT
    v.deploymentid AS DeploymentId,
    m.address      AS Address,
    m.port         AS Port,
    m.generation   AS Generation,
    m.siloname     AS SiloName,
    m.hostname     AS HostName,
    m.status       AS Status,
    m.proxyport    AS ProxyPort,
    m.suspecttimes AS SuspectTimes,
    m.starttime    AS StartTime,
    m.iamalivetime AS IAmAliveTime,
    v.version      AS Version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address::varchar
      AND m.port = @Port::int
      AND m.generation = @Generation::int
WHERE v.deploymentid = @DeploymentId::varchar;
$q$),

-- Flag. Lock the version row only if it still holds the caller's Version: a racing silo blocks on
-- the lock, then re-checks the version after we commit and finds it moved, so exactly one wins.
-- The version is bumped only when the member row was really inserted (not on a duplicate).
('InsertMembershipKey', $q$
WITH v AS (
    SELECT deploymentid
    FROM orleansmembershipversiontable
    WHERE deploymentid = @DeploymentId::varchar AND version = @Version::int
    FOR NO KEY UPDATE
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport,
         suspecttimes, starttime, iamalivetime)
    SELECT v.deploymentid, @Address::varchar, @Port::int, @Generation::int, @SiloName::varchar,
           @HostName::varchar, @Status::int, @ProxyPort::int, NULL,
           @StartTime::timestamptz, @IAmAliveTime::timestamptz
    FROM v
    ON CONFLICT (deploymentid, address, port, generation) DO NOTHING
    RETURNING deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable t
    SET version = t.version + 1, timestamp = now()
    FROM inserted
    WHERE t.deploymentid = inserted.deploymentid
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM bumped);
$q$),

-- Flag. Same version rule as the insert: lock-if-current, change the member, then bump.
('UpdateMembershipKey', $q$
WITH v AS (
    SELECT deploymentid
    FROM orleansmembershipversiontable
    WHERE deploymentid = @DeploymentId::varchar AND version = @Version::int
    FOR NO KEY UPDATE
), updated AS (
    UPDATE orleansmembershiptable m
    SET status = @Status::int,
        suspecttimes = @SuspectTimes::varchar,
        iamalivetime = @IAmAliveTime::timestamptz
    FROM v
    WHERE m.deploymentid = v.deploymentid
      AND m.address = @Address::varchar
      AND m.port = @Port::int
      AND m.generation = @Generation::int
    RETURNING m.deploymentid
), bumped AS (
    UPDATE orleansmembershipversiontable t
    SET version = t.version + 1, timestamp = now()
    FROM updated
    WHERE t.deploymentid = updated.deploymentid
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM bumped);
$q$),

-- Heartbeat: deliberately not versioned, so frequent heartbeats never invalidate other silos' reads.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
SET iamalivetime = @IAmAliveTime::timestamptz
WHERE deploymentid = @DeploymentId::varchar
  AND address = @Address::varchar
  AND port = @Port::int
  AND generation = @Generation::int;
$q$),

-- Clients find gateways here; ProxyPort 0 means the silo runs no gateway.
('GatewaysQueryKey', $q$
SELECT address AS Address, proxyport AS ProxyPort, generation AS Generation
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId::varchar
  AND status = @Status::int
  AND proxyport > 0;
$q$),

-- Members first, then the version row they reference, in one statement.
('DeleteMembershipTableEntriesKey', $q$
WITH members AS (
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId::varchar
)
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId::varchar;
$q$),

-- Drops rows of silos that are not Active (3) and stopped heartbeating before the cutoff.
-- Not versioned: these rows no longer take part in membership decisions.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId::varchar
  AND iamalivetime < @IAmAliveTime::timestamptz
  AND status <> 3;
$q$),

-- Optional per-row variant: delete one defunct row only if the values the caller read still match,
-- so a row that changed since (new heartbeat, new suspicion) survives. Null and '' SuspectTimes are
-- the same (no suspicions): the provider may send either for a row it read back as empty.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId::varchar
  AND address = @Address::varchar
  AND port = @Port::int
  AND generation = @Generation::int
  AND status <> 3
  AND starttime = @StartTime::timestamptz
  AND iamalivetime = @IAmAliveTime::timestamptz
  AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes::varchar, '');
$q$)

ON CONFLICT (querykey) DO UPDATE
SET querytext = excluded.querytext
WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;
