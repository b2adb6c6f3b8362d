# One image for all four services: gateway, order, payment, notification.
#
#   docker build -t nestjs-observability-workshop/app:0.1.0 .
#   docker run --rm -p 3002:3002 nestjs-observability-workshop/app:0.1.0 dist/apps/payment/src/main.js
#   (a data service needs DATABASE_URL, its PostgreSQL database; docker-compose.yml gives it one)
#
# Choosing the service: ENTRYPOINT is `node` with the telemetry preload
# (OpenTelemetry must start before the app's first import) and CMD is the entry
# file, so the command picks the service (`command:` in docker-compose.yml; the default is the
# gateway). This keeps one build for all four apps and needs no shell or launcher
# script: node is started in exec form and receives SIGTERM itself (compose adds
# `init: true` to reap zombies and forward signals). A build ARG per app would
# need four images; a launcher reading $APP would add a file that only routes.
# OTEL_SDK_DISABLED=true turns the preload off without changing the image.
#
# No HEALTHCHECK here: the checks live in docker-compose.yml beside the ports
# they probe.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---- build: install all dependencies, compile, then drop dev dependencies ----
FROM ${NODE_IMAGE} AS build


WORKDIR /app

# Dependencies first, so source edits don't reinstall them. Install scripts run
# as approved by `allowScripts` in package.json (@swc/core). No native addon is
# built.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY tsconfig.json nest-cli.json .swcrc ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: same base image ----
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production
WORKDIR /app

# The code stays root-owned and read-only to the app: every service keeps its data in PostgreSQL,
# except the gateway's switched-on faults (FAULTS_STATE_DIR, a volume in compose). A new volume
# takes this directory's owner, so the app can write there.
RUN mkdir -p /var/lib/workshop/faults && chown -R node:node /var/lib/workshop

# package.json carries "type": "module", which the compiled ESM in dist/ needs.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000 3001 3002 3003

ENTRYPOINT ["node", "--import", "./dist/libs/observability/src/telemetry/register.js"]
CMD ["dist/apps/gateway/src/main.js"]
