-- Creates the read-only role that Grafana's OpenCIEM data source logs in as.
--
-- Run with psql as a superuser, or as a role with CREATEROLE that is a member of owner_role
-- and may create schemas in the database:
--
--   psql -v reader_password="$OPENCIEM_GRAFANA_DB_PASSWORD" \
--        -v owner_role=openciem -f deploy/grafana-reader-role.sql "$DATABASE_URL"
--
-- psql variables:
--   reader_password  required; the reader role's password
--   reader_role      default openciem_grafana
--   owner_role       the role that runs `openciem migrate` and so owns the ciem relations;
--                    default: the role running this script
--
-- The role gets USAGE and SELECT on schema ciem and no other grant. The ciem views read
-- CloudQuery's tables in public with their owner's privileges, so the role needs no grant on
-- public. This is true only while the views are not created WITH (security_invoker).
-- Running the script again updates the password and repeats the grants.

\set ON_ERROR_STOP on

\if :{?reader_password}
\else
  DO $$ BEGIN
    RAISE EXCEPTION 'missing psql variable reader_password'
      USING HINT = 'Run psql with -v reader_password=... (for example from $OPENCIEM_GRAFANA_DB_PASSWORD).';
  END $$;
\endif
\if :{?reader_role}
\else
  \set reader_role openciem_grafana
\endif
\if :{?owner_role}
\else
  SELECT current_user AS owner_role \gset
\endif

SELECT format('CREATE ROLE %I', :'reader_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader_role') \gexec

ALTER ROLE :"reader_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'reader_password';

-- A second guard besides the grants: every transaction of this role is read-only unless it
-- changes the setting itself.
ALTER ROLE :"reader_role" SET default_transaction_read_only = on;
ALTER ROLE :"reader_role" SET search_path = ciem;

-- openciem migrate creates its relations here, so the schema must belong to the migrating role.
CREATE SCHEMA IF NOT EXISTS ciem AUTHORIZATION :"owner_role";

GRANT USAGE ON SCHEMA ciem TO :"reader_role";

-- Relations that already exist (a database that was migrated before this script ran).
GRANT SELECT ON ALL TABLES IN SCHEMA ciem TO :"reader_role";

-- Relations that owner_role creates later. In PostgreSQL, TABLES here covers views and
-- materialized views too.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA ciem
  GRANT SELECT ON TABLES TO :"reader_role";
