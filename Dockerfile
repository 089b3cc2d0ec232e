# Tollgate: the compiled gateway on Node.js 20, as a non-root user, data in a volume.
#   docker build -t tollgate .
#   docker run -p 4000:4000 -v tollgate-data:/data tollgate
# compose.yaml runs it with PostgreSQL and Redis; docs/deploy.md explains every setting.
# test/deploy.test.ts runs these steps without Docker (FROM, WORKDIR, ENV, COPY, RUN, CMD and the
# HEALTHCHECK) and checks that the result serves /healthz.

# What compiling better-sqlite3 needs, in case no prebuilt binary fits the platform.
FROM node:20-bookworm-slim AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# The run-time dependencies only: no tsx, no TypeScript, no Vite, no test tools.
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The compiled build: dist/ (server, commands, migrations, the console's bundle).
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    TOLLGATE_DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The data directory (the SQLite database and secret.key unless TOLLGATE_DATABASE_URL and
# TOLLGATE_SECRET_KEY are set) belongs to the image's unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/src/cli/tollgate.js", "serve"]
