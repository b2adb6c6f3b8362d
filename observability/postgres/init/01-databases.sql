-- One database per data-owning service; each service creates its own tables
-- with its migrations at boot. The postgres image runs this file once, on the
-- first start with an empty data volume, as POSTGRES_USER (workshop), who then
-- owns the databases. Run it again by hand without harm:
--   docker compose exec postgres psql -U workshop -d workshop -f /docker-entrypoint-initdb.d/01-databases.sql
-- (CREATE DATABASE cannot run inside a DO block, hence psql's \gexec.)
SELECT format('CREATE DATABASE %I', name)
FROM unnest(ARRAY['orders', 'payments', 'notifications']) AS name
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = name)
\gexec
