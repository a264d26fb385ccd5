#!/bin/sh
# Creates the read-only role for Grafana's OpenCIEM data source. The postgres image runs the
# files in /docker-entrypoint-initdb.d once, when it initialises an empty data directory, as
# POSTGRES_USER, which is also the role that openciem-init migrates with.
# docker-compose.yml mounts the SQL file at the path below.
set -e

: "${OPENCIEM_GRAFANA_DB_PASSWORD:?set OPENCIEM_GRAFANA_DB_PASSWORD for the postgres service}"

psql --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set reader_role=openciem_grafana \
  --set owner_role="$POSTGRES_USER" \
  --set reader_password="$OPENCIEM_GRAFANA_DB_PASSWORD" \
  --file /opt/openciem/grafana-reader-role.sql
