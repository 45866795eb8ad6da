# The per-principal summary of principal-summary.sql, in jq: fed a stream of
# {"Records":[...]} documents (zcat of every file), prints one object keyed by
# principal with events, errors, first and last seen.
reduce (inputs | .Records[]) as $r ({};
  ($r.userIdentity.arn // $r.userIdentity.principalId // $r.userIdentity.invokedBy // $r.userIdentity.type // "unknown") as $k
  | .[$k].events += 1
  | .[$k].errors += (if $r.errorCode then 1 else 0 end)
  | .[$k].first_seen = ([.[$k].first_seen // $r.eventTime, $r.eventTime] | min)
  | .[$k].last_seen = ([.[$k].last_seen // $r.eventTime, $r.eventTime] | max))
