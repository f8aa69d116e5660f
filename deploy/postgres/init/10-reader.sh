#!/bin/sh
# Creates callstream_reader, the read-only role of dashboards and BI tools: it may read every table
# and view of the database (also those the sink creates later), and write nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v reader_password="$POSTGRES_READER_PASSWORD" <<'SQL'
CREATE ROLE callstream_reader LOGIN PASSWORD :'reader_password';
GRANT CONNECT ON DATABASE callstream TO callstream_reader;
GRANT USAGE ON SCHEMA public TO callstream_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO callstream_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE callstream IN SCHEMA public GRANT SELECT ON TABLES TO callstream_reader;
SQL
