# The openciem CLI. docker-compose.yml runs it once (service openciem-init) to create the
# ciem views and load the demo organisation; any other subcommand works the same way:
#   docker compose run --rm openciem-init openciem migrate --database-url ...
FROM node:20.20.0-bookworm-slim

WORKDIR /opt/openciem

# What the CLI needs at run time: its manifest and lockfile, the launcher, the TypeScript
# sources (npm ci runs the prepare script, which compiles cli/ into lib/) and the SQL migrations.
COPY package.json package-lock.json ./
COPY bin ./bin
COPY cli ./cli
COPY sql-views ./sql-views

RUN npm ci --no-audit --no-fund && npm cache clean --force

USER node
CMD ["npx", "openciem", "--help"]
