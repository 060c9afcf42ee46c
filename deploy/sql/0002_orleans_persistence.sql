-- Orleans ADO.NET grain persistence (Microsoft.Orleans.Persistence.AdoNet 10.4.2, Invariant "Npgsql").
-- Contract: shared/ORLEANS-ADONET.md. Safe to run twice. Every parameter is cast explicitly
-- because the provider binds nulls (GrainStateVersion, GrainIdExtensionString) without a type.
--
-- Version protocol, as the 10.4.2 provider reads it: it compares the returned version with the one it
-- sent; equal (or null) means "nothing was written" and raises InconsistentStateException. So every
-- write returns exactly one row: the new version on success, otherwise the caller's own
-- GrainStateVersion unchanged (null for a refused first write). Returning the stored version instead
-- would look like success whenever it differs from the caller's.

-- Also created by 0001; repeated so this file can be applied on its own.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

-- One row per grain state. The hashes narrow the search; the full key (ids, type, extension,
-- service) decides, because hashes collide.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer     NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    graintypehash          integer     NOT NULL,
    graintypestring        varchar     NOT NULL,
    grainidextensionstring varchar     NULL,
    serviceid              varchar     NOT NULL,
    payloadbinary          bytea       NULL,
    modifiedon             timestamptz NOT NULL DEFAULT now(),
    version                integer     NOT NULL
);

-- Unique over the full key, so two racing first writes cannot both insert (the loser's
-- ON CONFLICT DO NOTHING makes it report a conflict). Hashes lead, so lookups use it too; the
-- strings enter as md5 to keep entries small whatever the key length, and coalesce(md5(NULL), '')
-- keeps "no extension" distinct from any extension string.
CREATE UNIQUE INDEX IF NOT EXISTS orleansstorage_key_uq ON orleansstorage
    (grainidhash, graintypehash, grainidn0, grainidn1, serviceid,
     md5(graintypestring), coalesce(md5(grainidextensionstring), ''));

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Zero or one row. A cleared state is a row with a null payload and a version.
('ReadFromStorageKey', $q$
SELECT payloadbinary AS PayloadBinary, version AS Version
FROM orleansstorage
WHERE grainidhash = @GrainIdHash::int
  AND graintypehash = @GrainTypeHash::int
  AND grainidn0 = @GrainIdN0::bigint
  AND grainidn1 = @GrainIdN1::bigint
  AND serviceid = @ServiceId::varchar
  AND graintypestring = @GrainTypeString::varchar
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar;
$q$),

-- With a version: update only if the stored version still equals it (a racing writer blocks on the
-- row, then re-checks and misses). Without one (first write): insert version 1 unless any row exists.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleansstorage
    SET payloadbinary = @PayloadBinary::bytea, modifiedon = now(), version = version + 1
    WHERE @GrainStateVersion::int IS NOT NULL
      AND version = @GrainStateVersion::int
      AND grainidhash = @GrainIdHash::int
      AND graintypehash = @GrainTypeHash::int
      AND grainidn0 = @GrainIdN0::bigint
      AND grainidn1 = @GrainIdN1::bigint
      AND serviceid = @ServiceId::varchar
      AND graintypestring = @GrainTypeString::varchar
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
    RETURNING version
), inserted AS (
    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
         serviceid, payloadbinary, modifiedon, version)
    SELECT @GrainIdHash::int, @GrainIdN0::bigint, @GrainIdN1::bigint, @GrainTypeHash::int,
           @GrainTypeString::varchar, @GrainIdExtensionString::varchar, @ServiceId::varchar,
           @PayloadBinary::bytea, now(), 1
    WHERE @GrainStateVersion::int IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion::int)
       AS NewGrainStateVersion;
$q$),

-- Clear keeps the row (payload null, version + 1) so the version sequence never restarts.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleansstorage
    SET payloadbinary = NULL, modifiedon = now(), version = version + 1
    WHERE version = @GrainStateVersion::int
      AND grainidhash = @GrainIdHash::int
      AND graintypehash = @GrainTypeHash::int
      AND grainidn0 = @GrainIdN0::bigint
      AND grainidn1 = @GrainIdN1::bigint
      AND serviceid = @ServiceId::varchar
      AND graintypestring = @GrainTypeString::varchar
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
    RETURNING version
)
SELECT coalesce((SELECT version FROM cleared), @GrainStateVersion::int) AS NewGrainStateVersion;
$q$),

-- Used only with DeleteStateOnClear = true: removes the row if the version matches. Success returns
-- version + 1 (anything but the caller's version); the provider then forgets the ETag.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleansstorage
    WHERE version = @GrainStateVersion::int
      AND grainidhash = @GrainIdHash::int
      AND graintypehash = @GrainTypeHash::int
      AND grainidn0 = @GrainIdN0::bigint
      AND grainidn1 = @GrainIdN1::bigint
      AND serviceid = @ServiceId::varchar
      AND graintypestring = @GrainTypeString::varchar
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
    RETURNING version + 1 AS next_version
)
SELECT coalesce((SELECT next_version FROM deleted), @GrainStateVersion::int) AS NewGrainStateVersion;
$q$)

ON CONFLICT (querykey) DO UPDATE
SET querytext = excluded.querytext
WHERE orleansquery.querytext IS DISTINCT FROM excluded.querytext;
