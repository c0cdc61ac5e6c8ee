# syntax=docker/dockerfile:1
#
# Coffer's production image. Three stages:
#   toolchain → build: all dependencies, then `npm run build` (dist/client and dist/server)
#   toolchain → deps:  production dependencies only
#   runtime:           node, package.json, package-lock.json, the production node_modules,
#                      dist/ and migrations/ — no sources, tests, dev dependencies or compilers.
#
#   docker build -t coffer .
#   docker run -d -p 127.0.0.1:8080:8080 -v coffer-data:/data \
#     -e PUBLIC_URL=https://files.example.nl -e SMTP_URL=... -e MAIL_FROM=... coffer
#
# test/e2e/production-layout.test.ts proves this layout without Docker: it copies the same
# files into an empty folder, installs and prunes the production dependencies the same way and
# runs the server from there. Change both together.

# One base image for every stage, so better-sqlite3's binary is built for exactly the Node ABI
# and glibc it runs on.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# better-sqlite3 downloads a prebuilt binary for the platform when one exists; when none does
# (another architecture, another libc, a build machine without internet access to GitHub) it
# compiles SQLite and its binding from source, which needs python3, make and a C++ compiler.
# These tools exist only in the stages that install dependencies.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# ---------------------------------------------------------------------------------------------
FROM toolchain AS build
# The lock files first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------------------------
FROM toolchain AS deps
COPY package.json package-lock.json ./
# --omit=dev: no vite, typescript, vitest, playwright or preact in the image (the client is
# already bundled into dist/client); --omit=optional: no tsx either (only the `coffer` command
# needs it, package.json "optionalDependencies"). Then keep only better-sqlite3's compiled binary: a build
# from source leaves the SQLite sources (deps/, src/) and object files (build/) beside it,
# about 25 MB the server never reads.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && test -f build/Release/better_sqlite3.node \
 && mv build/Release/better_sqlite3.node /tmp/better_sqlite3.node \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/better_sqlite3.node

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# The container starts node directly and never installs anything, so the package managers of
# the base image (npm with its bundled node-gyp, npx, corepack, yarn) go: less to patch and
# less for a scanner to flag. The operator's commands run as
# `docker compose exec coffer node dist/server/server/cli.js <command>`.
#
# The data folder belongs to the unprivileged `node` user (uid 1000) and only to it. A named
# volume mounted there starts with this owner and mode; a bind mount keeps the host folder's,
# so that folder must belong to uid 1000 with mode 0700.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir /data \
 && chown node:node /data \
 && chmod 0700 /data

WORKDIR /app
# Owned by root and not writable by `node`: a compromised server process cannot change the
# code it runs or the migrations it applies. The server finds this folder by the package.json
# above dist/server/server/main.js and reads dist/client and migrations/ from it.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations

# HOST=0.0.0.0: inside a container, 127.0.0.1 cannot be reached through a published port.
# PUBLIC_URL is deliberately not set here: it is the address people type, known only where
# the container is run. Left unset, Coffer assumes http://localhost:8080 and the development
# outbox, which fits only a test on this machine; with an https PUBLIC_URL it also requires
# SMTP_URL and MAIL_FROM and refuses to start without them.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data

USER node
VOLUME /data
EXPOSE 8080

# The base image has no curl; node's own fetch does. Asks over loopback, so it keeps working
# when HOST is 0.0.0.0 (the default here); exit 1 unless the answer is 200 (503 means the
# database or the data folder is failing).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]

# The base image's entrypoint execs this, so node is PID 1 and gets SIGTERM from `docker stop`
# itself: open requests finish, the WAL is checkpointed, exit 0 (within 10 s; compose gives it
# 20). Not `npm start`: neither npm nor scripts/run.mjs is in the image, and npm in between
# would stand between node and the signal.
CMD ["node", "dist/server/server/main.js"]
