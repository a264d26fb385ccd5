/** Names that carry a secret, in environment variables and configuration keys. */
export const secretName = /password|passwd|secret|token|api_?key/i;

// A value that only points elsewhere: an environment variable ($NAME, ${NAME...}), a psql
// variable (:'name', :"name", :name) or a documentation placeholder (..., …, <...>).
const reference = /^(\$\{?[A-Za-z_]\w*|:['"]?[A-Za-z_]\w*|\.\.\.|…|<)/;

// KEY: value (YAML) or KEY=value (environment files, shell, psql -v). YAML needs a space
// after the colon, so SQL's `PASSWORD :'name'` does not match here.
const assignment = /([A-Za-z_][\w-]*)\s*(?:=|:\s)\s*("[^"]*"|'[^']*'|\S*)/g;

// SQL: PASSWORD 'text' in CREATE ROLE or ALTER ROLE.
const sqlPasswordLiteral = /\bpassword\s+'/i;

// scheme://user:password@host
const urlCredentials = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@/i;

function unquote(value: string): string {
  return value.trim().replace(/^['"]/, '');
}

/**
 * Returns the lines of a text that contain a literal secret: a password, token or key written as
 * a value instead of a reference to where it is kept.
 */
export function findLiteralSecrets(text: string): string[] {
  return text.split('\n').filter((line) => {
    for (const [, key, rawValue] of line.matchAll(assignment)) {
      const value = unquote(rawValue);
      if (secretName.test(key) && value !== '' && !reference.test(value)) {
        return true;
      }
    }
    if (sqlPasswordLiteral.test(line)) {
      return true;
    }
    const url = urlCredentials.exec(line);
    return url !== null && !reference.test(url[1]);
  });
}
