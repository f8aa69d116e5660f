#!/bin/sh
# Registers the sink connectors with the Connect cluster once its REST API answers (idempotent: PUT).
set -eu
until curl -fs http://connect:8083/connectors >/dev/null; do echo "waiting for Connect"; sleep 3; done
for name in postgres-sink clickhouse-sink; do
  curl -fsS -X PUT -H 'Content-Type: application/json' \
    --data @"/connectors/$name.json" "http://connect:8083/connectors/$name/config"
  echo " <- $name"
done
