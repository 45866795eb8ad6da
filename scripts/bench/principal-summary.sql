-- The per-principal summary every comparison tool computes: events, errors,
-- first and last seen per principal, a principal being the first of the ARN,
-- principal id, invoking service or identity type that the record carries.
-- Shared by DuckDB (Python, native) and DuckDB-Wasm (in Chromium); the files
-- placeholder is replaced by a glob or a list of registered file names.
-- read_json_objects + json_extract is DuckDB's fastest path here: about ten
-- times faster than read_json with the Records type declared.
WITH records AS (
  SELECT unnest(json_extract(json, '$.Records[*]')) AS r
  FROM read_json_objects({files}, format = 'auto', compression = 'gzip', maximum_object_size = 67108864)
)
SELECT
  coalesce(r->>'$.userIdentity.arn', r->>'$.userIdentity.principalId', r->>'$.userIdentity.invokedBy',
           r->>'$.userIdentity.type', 'unknown') AS principal,
  count(*) AS events,
  count(r->>'$.errorCode') AS errors,
  min(r->>'$.eventTime') AS first_seen,
  max(r->>'$.eventTime') AS last_seen
FROM records
GROUP BY principal
