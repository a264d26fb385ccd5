-- Pure functions of the IAM policy language that the effective-permission views share: list
-- normalisation, wildcard matching, resource applicability and the conditions that can be
-- decided without a request. Each cites the AWS rule it implements.

-- Action, Resource and their Not- forms may be a string or an array of strings ("IAM JSON policy
-- elements reference", Action and Resource pages). Returns NULL for any other shape.
CREATE FUNCTION ciem.jsonb_text_list(value jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'string' THEN ARRAY[value #>> '{}']
        WHEN 'array' THEN CASE
            WHEN jsonb_array_length(value) > 0
             AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(value) e WHERE jsonb_typeof(e) <> 'string')
            THEN ARRAY(SELECT e #>> '{}' FROM jsonb_array_elements(value) e)
        END
    END
$$;

-- Turns an IAM wildcard pattern into a LIKE pattern: "*" matches any run of characters and "?"
-- one character, anywhere in the string (IAM User Guide, "Action" and "Resource" elements).
CREATE FUNCTION ciem.glob_to_like(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT replace(replace(replace(replace(replace(pattern, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
$$;

-- True when the pattern is made only of "*", so it matches every resource, "*" included.
CREATE FUNCTION ciem.is_match_all(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT pattern ~ '^\*+$'
$$;

-- Whether an action pattern from a policy matches an action. The service prefix and the action
-- name are case-insensitive ("The prefix and the action name are case insensitive", IAM User
-- Guide, Action element). A pattern without a colon matches only when it is all "*".
CREATE FUNCTION ciem.action_pattern_matches(pattern text, action text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN ciem.is_match_all(pattern) THEN true
        WHEN position(':' IN pattern) = 0 THEN false
        ELSE lower(action) LIKE ciem.glob_to_like(lower(pattern))
    END
$$;

-- The part of a pattern before its first wildcard or policy variable.
CREATE FUNCTION ciem.literal_prefix(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT substring(pattern FROM '^[^*?$]*')
$$;

-- One of the first five ARN segments (arn, partition, service, region, account) of a policy's
-- resource pattern against the same segment of a resource type's ARN format, whose ${...}
-- placeholders stand for any non-empty value and whose empty segments (S3 buckets have no region
-- or account) for none.
CREATE FUNCTION ciem.arn_segment_compatible(pattern_segment text, format_segment text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        -- A placeholder such as ${Region} always has a value, which an empty segment cannot match.
        WHEN format_segment ~ '^\$\{[^}]*\}$' THEN pattern_segment <> ''
        WHEN format_segment = '*' THEN true
        WHEN format_segment = '' THEN pattern_segment = '' OR ciem.is_match_all(pattern_segment)
        WHEN format_segment LIKE '%${%' THEN
            starts_with(ciem.literal_prefix(format_segment), ciem.literal_prefix(pattern_segment))
            OR starts_with(ciem.literal_prefix(pattern_segment), ciem.literal_prefix(format_segment))
        ELSE format_segment LIKE ciem.glob_to_like(pattern_segment)
    END
$$;

-- Whether some string matches both a policy's resource pattern ("*" any run of characters, "?"
-- one character) and a resource type's ARN format part (${...} placeholders). A placeholder that
-- is the whole part, like ${BucketName}, stands for a name without "/" or ":"; a placeholder
-- inside a longer part, like ${ObjectName} in ${BucketName}/${ObjectName}, may hold anything.
-- So arn:aws:s3:::*/CodeDeploy/* can name objects but never a bucket.
CREATE FUNCTION ciem.pattern_overlaps_format(pattern text, format text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    -- Pattern tokens: '*' and '?' wildcards or one literal character each.
    p text[] := regexp_split_to_array(pattern, '');
    -- Format tokens: one literal character each, or chr(1) for a placeholder.
    f text[] := regexp_split_to_array(regexp_replace(format, '\$\{[^}]*\}', chr(1), 'g'), '');
    whole_name boolean := format ~ '^\$\{[^}]*\}$';
    n integer := coalesce(array_length(p, 1), 0);
    m integer := coalesce(array_length(f, 1), 0);
    seen boolean[];
    queue integer[] := ARRAY[0];
    state integer;
    i integer;
    j integer;
    same boolean;
BEGIN
    seen := array_fill(false, ARRAY[(n + 1) * (m + 1)]);
    WHILE cardinality(queue) > 0 LOOP
        state := queue[1];
        queue := queue[2:];
        CONTINUE WHEN seen[state + 1];
        seen[state + 1] := true;
        i := state / (m + 1);
        j := state % (m + 1);

        IF i = n AND j = m THEN
            RETURN true;
        END IF;

        -- A "*" or a placeholder may match nothing more.
        IF i < n AND p[i + 1] = '*' THEN
            queue := queue || ((i + 1) * (m + 1) + j);
        END IF;
        IF j < m AND f[j + 1] = chr(1) THEN
            queue := queue || (i * (m + 1) + j + 1);
        END IF;

        -- Both sides read one character they can agree on.
        IF i < n AND j < m THEN
            IF f[j + 1] = chr(1) THEN
                same := NOT whole_name OR p[i + 1] IN ('*', '?') OR p[i + 1] NOT IN ('/', ':');
            ELSE
                same := p[i + 1] IN ('*', '?') OR p[i + 1] = f[j + 1];
            END IF;
            IF same THEN
                queue := queue || ((CASE WHEN p[i + 1] = '*' THEN i ELSE i + 1 END) * (m + 1)
                                   + CASE WHEN f[j + 1] = chr(1) THEN j ELSE j + 1 END);
            END IF;
        END IF;
    END LOOP;
    RETURN false;
END
$$;

-- Whether a Resource pattern can name a resource of a type with the given ARN format, such as
-- arn:aws:s3:::my-bucket/* against arn:${Partition}:s3:::${BucketName}/${ObjectName}. A trailing
-- "*" may run past ":" and "/" (IAM User Guide, "Resource" element), so a pattern that ends early
-- in a wildcard covers the remaining segments. Policy variables count as wildcards here.
CREATE FUNCTION ciem.arn_pattern_applies(pattern text, arn_format text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    glob     text := regexp_replace(pattern, '\$\{[^}]*\}', '*', 'g');
    parts    text[];
    formats  text[] := string_to_array(arn_format, ':');
    segments integer;
BEGIN
    IF ciem.is_match_all(glob) THEN
        RETURN true;
    END IF;

    parts := string_to_array(glob, ':');
    segments := array_length(parts, 1);

    FOR i IN 1 .. least(segments, 5) LOOP
        IF i = segments THEN
            -- The pattern has no resource part: only a wildcard here can reach the rest.
            RETURN position('*' IN parts[i]) > 0
               AND (starts_with(ciem.literal_prefix(array_to_string(formats[i:], ':')), ciem.literal_prefix(parts[i]))
                    OR starts_with(ciem.literal_prefix(parts[i]), ciem.literal_prefix(array_to_string(formats[i:], ':')))
                    OR array_to_string(formats[i:], ':') ~ '^\$\{');
        END IF;
        IF NOT ciem.arn_segment_compatible(parts[i], coalesce(formats[i], '')) THEN
            RETURN false;
        END IF;
    END LOOP;

    -- The literal prefixes rule most pairs out cheaply before the exact comparison.
    RETURN (starts_with(ciem.literal_prefix(array_to_string(formats[6:], ':')), ciem.literal_prefix(array_to_string(parts[6:], ':')))
            OR starts_with(ciem.literal_prefix(array_to_string(parts[6:], ':')), ciem.literal_prefix(array_to_string(formats[6:], ':'))))
       AND ciem.pattern_overlaps_format(array_to_string(parts[6:], ':'), array_to_string(formats[6:], ':'));
END
$$;

-- Whether a resource pattern matches a resource ARN. ARNs are case-sensitive (IAM User Guide,
-- "Resource" element); "*" and "?" match within and across segments.
CREATE FUNCTION ciem.resource_pattern_matches(pattern text, resource text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT resource LIKE ciem.glob_to_like(pattern)
$$;

-- Reads a date from a condition value: ISO 8601 text or seconds since the epoch, as the Date
-- condition operators accept (IAM User Guide, "Date condition operators"). NULL when unreadable.
CREATE FUNCTION ciem.condition_date(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
BEGIN
    IF value ~ '^\d+$' THEN
        RETURN to_timestamp(value::bigint);
    END IF;
    RETURN value::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- The state of one condition key under one operator at a given time: 'true', 'false' or
-- 'unknown'. Only aws:CurrentTime and aws:TokenIssueTime with Date operators can be decided
-- without a request. Several values of one key are ORed (IAM User Guide, "Creating a condition
-- with multiple keys or values").
CREATE FUNCTION ciem.condition_entry_state(operator text, key text, condition_values jsonb, at timestamptz) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    op         text := lower(regexp_replace(operator, 'IfExists$', '', 'i'));
    key_name   text := lower(key);
    value      text;
    compared   timestamptz;
    any_true   boolean := false;
    any_unknown boolean := false;
    result     boolean;
BEGIN
    IF op NOT IN ('dateequals', 'datenotequals', 'datelessthan', 'datelessthanequals', 'dategreaterthan', 'dategreaterthanequals')
       OR key_name NOT IN ('aws:currenttime', 'aws:tokenissuetime') THEN
        RETURN 'unknown';
    END IF;

    FOR value IN SELECT unnest(ciem.jsonb_text_list(condition_values)) LOOP
        compared := ciem.condition_date(value);
        IF compared IS NULL THEN
            any_unknown := true;
            CONTINUE;
        END IF;

        IF key_name = 'aws:tokenissuetime' THEN
            -- A session in use now was issued within the last 36 hours (the longest STS session,
            -- GetSessionToken); only dates before that are decided.
            IF compared >= at - interval '36 hours' THEN
                any_unknown := true;
                CONTINUE;
            END IF;
            result := CASE op
                WHEN 'dategreaterthan' THEN true
                WHEN 'dategreaterthanequals' THEN true
                WHEN 'datenotequals' THEN true
                ELSE false
            END;
        ELSE
            result := CASE op
                WHEN 'dateequals' THEN at = compared
                WHEN 'datenotequals' THEN at <> compared
                WHEN 'datelessthan' THEN at < compared
                WHEN 'datelessthanequals' THEN at <= compared
                WHEN 'dategreaterthan' THEN at > compared
                WHEN 'dategreaterthanequals' THEN at >= compared
            END;
        END IF;
        any_true := any_true OR result;
    END LOOP;

    IF any_true THEN
        RETURN 'true';
    ELSIF any_unknown THEN
        RETURN 'unknown';
    END IF;
    RETURN 'false';
END
$$;

-- The state of a whole Condition block: 'none' without one, else the AND of its entries
-- (operators and keys are ANDed, IAM User Guide, "Condition element"): 'false' if any entry is
-- false, 'true' if all are true, else 'unknown'.
CREATE FUNCTION ciem.condition_state(condition jsonb, at timestamptz) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN condition IS NULL OR condition = '{}'::jsonb THEN 'none'
        WHEN jsonb_typeof(condition) <> 'object' THEN 'unknown'
        ELSE coalesce((
            SELECT CASE
                WHEN bool_or(state = 'false') THEN 'false'
                WHEN bool_and(state = 'true') THEN 'true'
                ELSE 'unknown'
            END
              FROM jsonb_each(condition) AS operators(operator, keys)
              CROSS JOIN LATERAL (
                    SELECT CASE
                        WHEN jsonb_typeof(operators.keys) <> 'object' THEN 'unknown'
                        ELSE ciem.condition_entry_state(operators.operator, entry.key, entry.value, at)
                    END AS state
                      FROM jsonb_each(CASE WHEN jsonb_typeof(operators.keys) = 'object' THEN operators.keys ELSE '{"":null}'::jsonb END) AS entry(key, value)
              ) entries
        ), 'unknown')
    END
$$;

-- Replaces the policy variables of a resource pattern with their values for a principal.
--   A key in variables with a value is substituted.
--   A key in variables with JSON null is known to be absent for this principal (aws:username for
--   a role), so the pattern matches nothing and NULL is returned (IAM User Guide, "Policy
--   variables": a variable whose key is not in the request makes the element not match).
--   A key not in variables may or may not be in the request (aws:PrincipalTag/team, say); it
--   becomes "*", and ciem.pattern_has_unknown_variables marks the statement conditional.
-- Policies of Version 2008-10-17, or without Version, keep ${...} as literal text.
CREATE FUNCTION ciem.resolve_policy_variables(pattern text, policy_version text, variables jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    result text := pattern;
    name   text;
BEGIN
    IF policy_version IS DISTINCT FROM '2012-10-17' OR position('${' IN pattern) = 0 THEN
        RETURN pattern;
    END IF;

    -- ${*}, ${?} and ${$} stand for the literal characters.
    result := replace(replace(replace(result, '${*}', chr(1)), '${?}', chr(2)), '${$}', chr(3));
    FOR name IN SELECT DISTINCT (regexp_matches(result, '\$\{([^}]+)\}', 'g'))[1] LOOP
        IF NOT variables ? lower(name) THEN
            result := replace(result, '${' || name || '}', '*');
        ELSIF variables ->> lower(name) IS NULL THEN
            RETURN NULL;
        ELSE
            result := replace(result, '${' || name || '}', variables ->> lower(name));
        END IF;
    END LOOP;
    -- NOTE: the escaped characters come back as themselves, so a literal "*" from ${*} still
    -- acts as a wildcard when this pattern is matched with LIKE.
    RETURN replace(replace(replace(result, chr(1), '*'), chr(2), '?'), chr(3), '$');
END
$$;

-- True when a pattern uses a policy variable whose value this principal's requests may or may
-- not carry, so the statement applies only under that unknown.
CREATE FUNCTION ciem.pattern_has_unknown_variables(pattern text, policy_version text, variables jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT policy_version = '2012-10-17'
       AND EXISTS (
            SELECT 1
              FROM regexp_matches(pattern, '\$\{([^}]+)\}', 'g') AS m(groups)
             WHERE m.groups[1] NOT IN ('*', '?', '$')
               AND NOT variables ? lower(m.groups[1]))
$$;
