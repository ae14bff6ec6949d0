# syntax=docker/dockerfile:1.7
# The gateway image: Node LTS, production dependencies only (the embedded llama.cpp engine is an
# optionalDependency and stays out: in Kubernetes the backend is Ollama), non-root, tini as PID 1.
# Without registry access, `make base-image` builds this exact base locally.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/empty-package tools/empty-package
# build_ca (optional build secret): extra CA certificates for a TLS-intercepting proxy between
# the build and the npm registry; never stored in a layer.
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=build_ca \
    if [ -f /run/secrets/build_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build_ca; fi \
    && npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/empty-package tools/empty-package
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=build_ca \
    if [ -f /run/secrets/build_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build_ca; fi \
    && npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# tini runs as PID 1, forwards SIGTERM to node (which drains open streams) and reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Numeric, so Kubernetes' runAsNonRoot can verify it; uid 1000 is the image's `node` user.
USER 1000:1000
EXPOSE 8080
# No curl in the image: Node's own fetch probes the liveness route.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# The young generation sized for the gateway, not from the container's memory limit: under the
# deployment's 512Mi limit Node would pick 1 MB semi-spaces, and the gateway would spend about 1.9x the
# CPU per request on garbage collection; 8 MB ones hold resident memory near 128 MB after 100k requests
# (README, Performance). The old generation keeps Node's own limit-derived size.
CMD ["node", "--max-semi-space-size=8", "dist/apps/gateway/src/main.js"]
