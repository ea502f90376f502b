# The gateway image: `docker build -t liter-llm .`, then
#   docker run -p 8080:8080 -v "$PWD/liter-llm.yaml:/etc/liter-llm/liter-llm.yaml:ro" liter-llm
# Any other command: `docker run liter-llm check-config /etc/liter-llm/liter-llm.yaml`.
# Kubernetes: deploy/kubernetes (the ConfigMap is mounted at /etc/liter-llm).

# Build: the TypeScript sources compiled to dist/ with the full (dev) dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` script is `tsc -b`, which needs the sources copied
# below; no dependency needs its install script to compile (esbuild's only checks its binary).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -b

# Run: production dependencies and dist/ only, owned by root and read-only to the user that runs them.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (tsc -b) cannot run without the dev dependencies, and the only
# production install script (protobufjs's) merely prints a version warning.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's own `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# No curl in the slim image: Node asks /healthz itself (127.0.0.1 passes the Host check).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('node:http').get('http://127.0.0.1:8080/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))"]
# Node runs as PID 1 with the gateway's own SIGTERM handler, so `docker stop` drains like a pod does.
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve", "--config", "/etc/liter-llm/liter-llm.yaml"]
