-- Staging layer over CloudQuery's tables. Every OpenCIEM view reads CloudQuery data through a
-- view ciem.stg_<table>, never the source table itself, so that:
--   * the source schema is a setting (openciem migrate --source-schema), not part of each view;
--   * views are created, and return no rows, while a source table is absent;
--   * a column that an older or newer CloudQuery version lacks reads as NULL instead of failing.
-- ciem.bind_sources() (re)creates the staging views; openciem migrate calls it on every run.

CREATE TABLE ciem.source_columns (
    table_name  text    NOT NULL,
    column_name text    NOT NULL,
    data_type   text    NOT NULL,
    ordinal     integer NOT NULL,
    PRIMARY KEY (table_name, column_name)
);

COMMENT ON TABLE ciem.source_columns IS
    'One row per CloudQuery column that OpenCIEM reads: the staging view ciem.stg_<table_name> exposes it with data_type, in ordinal order.';

CREATE TABLE ciem.source_bindings (
    table_name      text        PRIMARY KEY,
    source_schema   text        NOT NULL,
    present         boolean     NOT NULL,
    missing_columns text[]      NOT NULL DEFAULT '{}',
    definition      text        NOT NULL,
    bound_at        timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ciem.source_bindings IS
    'One row per CloudQuery table: where its staging view reads from, whether the table was present, and which expected columns it lacked at the last bind.';

-- The source schema of the running migration (set by openciem migrate), else the schema of the
-- last bind, else public, CloudQuery''s default.
CREATE FUNCTION ciem.source_schema() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        nullif(current_setting('openciem.source_schema', true), ''),
        (SELECT source_schema FROM ciem.source_bindings ORDER BY bound_at DESC LIMIT 1),
        'public'
    )
$$;

COMMENT ON FUNCTION ciem.source_schema() IS
    'Schema that holds the CloudQuery tables: the value openciem migrate was given, else the last one bound, else public.';

-- Builds the select expression for one staging column from the source column's real type.
-- CloudQuery writes UTC times into "timestamp without time zone" columns; staging turns them
-- into timestamptz so that Grafana and comparisons with now() read them as UTC.
CREATE FUNCTION ciem.staging_expression(column_name text, target_type text, source_type text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
        WHEN source_type IS NULL THEN format('NULL::%s AS %I', target_type, column_name)
        WHEN target_type = 'timestamptz' AND source_type = 'timestamp without time zone'
            THEN format('(%I AT TIME ZONE ''UTC'') AS %I', column_name, column_name)
        ELSE format('%I::%s AS %I', column_name, target_type, column_name)
    END
$$;

CREATE FUNCTION ciem.bind_sources(p_source_schema text)
RETURNS TABLE (table_name text, present boolean, missing_columns text[], rebound boolean)
LANGUAGE plpgsql
AS $$
DECLARE
    source_table   record;
    relation       regclass;
    select_list    text;
    missing        text[];
    view_sql       text;
    old_definition text;
BEGIN
    FOR source_table IN SELECT DISTINCT c.table_name AS name FROM ciem.source_columns c ORDER BY 1 LOOP
        relation := to_regclass(format('%I.%I', p_source_schema, source_table.name));

        SELECT string_agg(ciem.staging_expression(c.column_name, c.data_type, a.source_type), ', ' ORDER BY c.ordinal),
               coalesce(array_agg(c.column_name ORDER BY c.ordinal) FILTER (WHERE a.source_type IS NULL), '{}')
          INTO select_list, missing
          FROM ciem.source_columns c
          LEFT JOIN LATERAL (
                SELECT format_type(att.atttypid, att.atttypmod) AS source_type
                  FROM pg_attribute att
                 WHERE att.attrelid = relation
                   AND att.attname = c.column_name
                   AND att.attnum > 0
                   AND NOT att.attisdropped
               ) a ON true
         WHERE c.table_name = source_table.name;

        IF relation IS NULL THEN
            view_sql := format('SELECT %s WHERE false', select_list);
        ELSE
            view_sql := format('SELECT %s FROM %I.%I', select_list, p_source_schema, source_table.name);
        END IF;

        SELECT b.definition INTO old_definition FROM ciem.source_bindings b WHERE b.table_name = source_table.name;

        table_name := source_table.name;
        present := relation IS NOT NULL;
        missing_columns := CASE WHEN relation IS NULL THEN '{}' ELSE missing END;
        rebound := old_definition IS DISTINCT FROM view_sql
                   OR to_regclass(format('ciem.%I', 'stg_' || source_table.name)) IS NULL;

        IF rebound THEN
            EXECUTE format('CREATE OR REPLACE VIEW ciem.%I AS %s', 'stg_' || source_table.name, view_sql);
            EXECUTE format(
                'COMMENT ON VIEW ciem.%I IS %L',
                'stg_' || source_table.name,
                format('One row per row of CloudQuery table %s.%s (no rows while it is absent), with typed columns.',
                       p_source_schema, source_table.name)
            );
            INSERT INTO ciem.source_bindings AS b (table_name, source_schema, present, missing_columns, definition, bound_at)
            VALUES (source_table.name, p_source_schema, relation IS NOT NULL, missing_columns, view_sql, now())
            ON CONFLICT ON CONSTRAINT source_bindings_pkey DO UPDATE
               SET source_schema = excluded.source_schema,
                   present = excluded.present,
                   missing_columns = excluded.missing_columns,
                   definition = excluded.definition,
                   bound_at = excluded.bound_at;
        END IF;

        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ciem.bind_sources(text) IS
    'Points every staging view ciem.stg_<table> at the CloudQuery tables in the given schema; returns one row per table with whether it was present and whether its view changed.';
