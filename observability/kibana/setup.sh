#!/bin/sh
# One-shot Kibana setup: the data view over Fluentd's daily indices and the
# saved searches in saved-objects.ndjson. Safe to run again: the data view is
# replaced (same id) and the searches are imported with overwrite=true.
#
# Runs in a curl image once Kibana is healthy, e.g. in compose:
#   image: curlimages/curl:<8.x tag>
#   command: ["sh", "/setup/setup.sh"]
#   volumes: ["./observability/kibana:/setup:ro"]
#   environment: { KIBANA_URL: http://kibana:5601 }
# or from the host: KIBANA_URL=http://localhost:5601 sh observability/kibana/setup.sh
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
SAVED_OBJECTS="${SAVED_OBJECTS:-$(dirname "$0")/saved-objects.ndjson}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
RETRY_SECONDS="${RETRY_SECONDS:-5}"

# The saved searches reference this id; the index pattern matches fluent.conf's
# logstash_prefix (fluentd-YYYY.MM.DD).
DATA_VIEW_ID="fluentd-logs"
DATA_VIEW='{"override":true,"data_view":{"id":"fluentd-logs","name":"Fluentd logs","title":"fluentd-*","timeFieldName":"@timestamp"}}'

log() { printf 'kibana-setup: %s\n' "$*" >&2; }

# Kibana answers /api/status with 503 until it (and Elasticsearch behind it) is available.
wait_for_kibana() {
  deadline=$(($(date +%s) + WAIT_SECONDS))
  until curl -fsS -o /dev/null --max-time 5 "$KIBANA_URL/api/status" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "Kibana at $KIBANA_URL did not become available within ${WAIT_SECONDS}s"
      exit 1
    fi
    log "waiting for Kibana at $KIBANA_URL"
    sleep "$RETRY_SECONDS"
  done
}

# kibana METHOD PATH [curl args…]: prints the body; fails unless the answer is 2xx.
kibana() {
  method=$1
  path=$2
  shift 2
  out=$(curl -sS --max-time 60 -X "$method" "$KIBANA_URL$path" -H 'kbn-xsrf: true' -w '\n%{http_code}' "$@") || return 1
  code=$(printf '%s\n' "$out" | tail -n 1)
  body=$(printf '%s\n' "$out" | sed '$d')
  case "$code" in
    2??) printf '%s\n' "$body" ;;
    *) log "$method $path answered $code: $body"; return 1 ;;
  esac
}

# retry N COMMAND…: Kibana may report available a moment before every API is.
retry() {
  attempts=$1
  shift
  n=1
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then return 1; fi
    n=$((n + 1))
    sleep "$RETRY_SECONDS"
  done
}

create_data_view() {
  kibana POST /api/data_views/data_view -H 'Content-Type: application/json' -d "$DATA_VIEW" >/dev/null
}

import_saved_searches() {
  kibana POST '/api/saved_objects/_import?overwrite=true' --form "file=@$SAVED_OBJECTS"
}

[ -r "$SAVED_OBJECTS" ] || { log "cannot read $SAVED_OBJECTS"; exit 1; }
wait_for_kibana
retry 12 create_data_view
log "data view $DATA_VIEW_ID (fluentd-*, time field @timestamp) is in place"
# A 2xx answer can still list objects that failed (e.g. missing_references):
# that is the files' fault, so fail without retrying.
result=$(retry 12 import_saved_searches)
case "$result" in
  *'"success":true'*) ;;
  *) log "import reported errors: $result"; exit 1 ;;
esac
log "imported $(grep -c . "$SAVED_OBJECTS") saved searches from $SAVED_OBJECTS"
log "open $KIBANA_URL/app/discover and pick a search under Open"
