#!/bin/sh
# Least privilege in PostgreSQL (issue 15). The postgres image runs this once, on an empty
# data directory, as POSTGRES_USER: the owner of the gateway's database, who migrates it
# (`python -m bot.gateway migrate`, MIGRATION_DATABASE_URL) and nothing else.
#  - GATEWAY_DB_USER: what the gateway and the signals' consumer connect as. It reads and
#    writes rows, but cannot create or alter tables, create roles or databases, or run
#    programs (COPY ... PROGRAM is for superusers and pg_execute_server_program).
#  - RASA_DB_USER: Rasa's tracker store, owner of its own database (Rasa creates its table);
#    the gateway may read and delete there (erasure and retention), nothing more.
# The names can be changed (the tests use their own); the passwords come from the
# environment (deploy/.env.production).
set -eu
GATEWAY_DB="${GATEWAY_DB:-gateway}"
RASA_TRACKER_DB="${RASA_TRACKER_DB:-rasa_tracker}"
GATEWAY_DB_USER="${GATEWAY_DB_USER:-gateway_app}"
RASA_DB_USER="${RASA_DB_USER:-rasa_app}"

run() { psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" "$@"; }

run --dbname "$GATEWAY_DB" <<SQL
CREATE ROLE "$GATEWAY_DB_USER" LOGIN PASSWORD '$GATEWAY_DB_PASSWORD'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE "$RASA_DB_USER" LOGIN PASSWORD '$RASA_DB_PASSWORD'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE "$RASA_TRACKER_DB" OWNER "$RASA_DB_USER";
REVOKE ALL ON DATABASE "$GATEWAY_DB" FROM PUBLIC;
GRANT CONNECT ON DATABASE "$GATEWAY_DB" TO "$GATEWAY_DB_USER";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "$GATEWAY_DB_USER";
-- every table and sequence the owner's migrations create, for rows only
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "$GATEWAY_DB_USER";
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "$GATEWAY_DB_USER";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "$GATEWAY_DB_USER";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "$GATEWAY_DB_USER";
SQL

run --dbname "$RASA_TRACKER_DB" <<SQL
REVOKE ALL ON DATABASE "$RASA_TRACKER_DB" FROM PUBLIC;
GRANT CONNECT ON DATABASE "$RASA_TRACKER_DB" TO "$RASA_DB_USER", "$GATEWAY_DB_USER";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CREATE, USAGE ON SCHEMA public TO "$RASA_DB_USER";
GRANT USAGE ON SCHEMA public TO "$GATEWAY_DB_USER";
ALTER DEFAULT PRIVILEGES FOR ROLE "$RASA_DB_USER" IN SCHEMA public
  GRANT SELECT, DELETE ON TABLES TO "$GATEWAY_DB_USER";
SQL
