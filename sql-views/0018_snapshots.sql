-- History for trends: ciem.take_snapshot() records, with a timestamp, the open findings, the
-- finding counts per category and severity, each identity's permission creep score and the
-- compliance summary. openciem refresh takes one after each refresh, openciem snapshot on demand.

INSERT INTO ciem.settings (key, value, description) VALUES
    ('snapshot_retention_days', '400', 'Snapshots older than this many days are deleted when a new one is taken.');

CREATE TABLE ciem.snapshots (
    snapshot_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    taken_at      timestamptz NOT NULL DEFAULT now(),
    finding_count integer     NOT NULL
);

CREATE INDEX snapshots_taken_at ON ciem.snapshots (taken_at);

COMMENT ON TABLE ciem.snapshots IS
    'One row per ciem.take_snapshot(): when it was taken and how many findings were open.';

-- The open findings of each snapshot, so that two snapshots can be compared finding by finding.
CREATE TABLE ciem.snapshot_findings (
    snapshot_id bigint  NOT NULL REFERENCES ciem.snapshots ON DELETE CASCADE,
    finding_id  uuid    NOT NULL,
    severity    text    NOT NULL,
    suppressed  boolean NOT NULL,
    PRIMARY KEY (snapshot_id, finding_id)
);

CREATE TABLE ciem.snapshot_finding_counts (
    snapshot_id      bigint  NOT NULL REFERENCES ciem.snapshots ON DELETE CASCADE,
    cloud            text    NOT NULL,
    account_id       text    NOT NULL,
    category         text    NOT NULL,
    severity         text    NOT NULL,
    open_count       integer NOT NULL,
    suppressed_count integer NOT NULL,
    PRIMARY KEY (snapshot_id, cloud, account_id, category, severity)
);

COMMENT ON TABLE ciem.snapshot_finding_counts IS
    'Per snapshot, account, category and severity: open findings (suppressed ones included in open_count) and how many of them were suppressed.';

CREATE TABLE ciem.snapshot_creep_scores (
    snapshot_id   bigint  NOT NULL REFERENCES ciem.snapshots ON DELETE CASCADE,
    identity_arn  text    NOT NULL,
    account_id    text,
    identity_type text,
    score         numeric NOT NULL,
    PRIMARY KEY (snapshot_id, identity_arn)
);

CREATE TABLE ciem.snapshot_compliance (
    snapshot_id   bigint  NOT NULL REFERENCES ciem.snapshots ON DELETE CASCADE,
    account_id    text    NOT NULL,
    control_id    text    NOT NULL,
    pass_count    integer NOT NULL,
    fail_count    integer NOT NULL,
    unknown_count integer NOT NULL,
    PRIMARY KEY (snapshot_id, account_id, control_id)
);

CREATE FUNCTION ciem.take_snapshot() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    id bigint;
BEGIN
    INSERT INTO ciem.snapshots (finding_count)
    SELECT count(*) FROM ciem.findings
    RETURNING snapshot_id INTO id;

    INSERT INTO ciem.snapshot_findings (snapshot_id, finding_id, severity, suppressed)
    SELECT id, f.finding_id, f.severity, f.suppressed FROM ciem.findings f;

    INSERT INTO ciem.snapshot_finding_counts (snapshot_id, cloud, account_id, category, severity, open_count, suppressed_count)
    SELECT id, f.cloud, coalesce(f.account_id, ''), f.category, f.severity, count(*), count(*) FILTER (WHERE f.suppressed)
      FROM ciem.findings f
     GROUP BY f.cloud, coalesce(f.account_id, ''), f.category, f.severity;

    INSERT INTO ciem.snapshot_creep_scores (snapshot_id, identity_arn, account_id, identity_type, score)
    SELECT id, c.identity_arn, c.account_id, c.identity_type, c.score
      FROM ciem.creep_scores c
     WHERE c.score IS NOT NULL;

    INSERT INTO ciem.snapshot_compliance (snapshot_id, account_id, control_id, pass_count, fail_count, unknown_count)
    SELECT id, r.account_id, r.control_id,
           count(*) FILTER (WHERE r.status = 'pass'),
           count(*) FILTER (WHERE r.status = 'fail'),
           count(*) FILTER (WHERE r.status NOT IN ('pass', 'fail'))
      FROM ciem.compliance_results r
     GROUP BY r.account_id, r.control_id;

    DELETE FROM ciem.snapshots
     WHERE taken_at < now() - make_interval(days => ciem.setting_days('snapshot_retention_days'));
    RETURN id;
END
$$;

COMMENT ON FUNCTION ciem.take_snapshot() IS
    'Records the open findings, finding counts per category and severity, creep scores and compliance summary with a timestamp; returns the snapshot id.';

-- Findings of the latest snapshot that the one before it did not have (all of them when there
-- is only one snapshot), for "new since the last refresh" panels.
CREATE VIEW ciem.new_findings AS
WITH latest AS (
    SELECT snapshot_id, taken_at FROM ciem.snapshots ORDER BY snapshot_id DESC LIMIT 1
),
previous AS (
    SELECT s.snapshot_id, s.taken_at FROM ciem.snapshots s, latest l WHERE s.snapshot_id < l.snapshot_id ORDER BY s.snapshot_id DESC LIMIT 1
)
SELECT f.*, l.taken_at AS snapshot_taken_at, (SELECT taken_at FROM previous) AS previous_taken_at
  FROM latest l
  JOIN ciem.snapshot_findings sf ON sf.snapshot_id = l.snapshot_id
  JOIN ciem.findings f ON f.finding_id = sf.finding_id
 WHERE NOT EXISTS (SELECT 1 FROM previous p JOIN ciem.snapshot_findings o ON o.snapshot_id = p.snapshot_id AND o.finding_id = sf.finding_id);

COMMENT ON VIEW ciem.new_findings IS
    'Open findings that appeared in the latest snapshot and were not in the previous one.';

-- Trend rows for time-series panels: one per snapshot, category and severity, all accounts.
CREATE VIEW ciem.finding_trends AS
SELECT s.taken_at AS "time", c.cloud, c.account_id, c.category, c.severity, c.open_count, c.suppressed_count
  FROM ciem.snapshots s
  JOIN ciem.snapshot_finding_counts c USING (snapshot_id);

COMMENT ON VIEW ciem.finding_trends IS
    'Finding counts per snapshot time, account, category and severity; filter on account_id and sum for totals.';
