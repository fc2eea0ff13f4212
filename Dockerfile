# The game server image. Node 24 runs the TypeScript sources directly (type stripping), so there is
# no compile step: the first stage only installs the production dependencies.
#
#   docker build -t arena-game-server .
#   docker build --build-arg NODE_IMAGE=registry.example.com/node:24-bookworm-slim -t arena-game-server .
#
# NODE_IMAGE is any Node 24 image with npm (both stages use it, so the installed native
# packages match the runtime's libc). docs/deploy.md covers running it; compose.yaml runs three.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no test tooling, and no `node` devDependency (the Node 24 binary development machines
# run on): here Node 24 is the base image's. esbuild is a production dependency: the server
# bundles the web client with it on the first page request.
# (This stage is thrown away, its npm cache with it: only node_modules is copied on.)
RUN npm ci --omit=dev --no-audit --no-fund --no-update-notifier

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2567
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
# tsconfig.json is read by esbuild when it bundles the web client.
COPY package.json tsconfig.json ./
COPY rooms ./rooms
COPY src ./src
# The official Node images' unprivileged `node` user, by number so that Kubernetes' runAsNonRoot can
# check it. The files above stay root's: the server cannot rewrite its own code.
USER 1000:1000
EXPOSE 2567
# Liveness only (the event loop answers). Readiness (GET /readyz) is the orchestrator's business:
# a draining process must stay up and reachable for its own rooms. No curl in slim images: Node fetches.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/livez`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, never `npm start`: as PID 1 npm exits on SIGTERM at once and takes node down without
# its drain. SIGTERM starts the drain (rooms finish, up to DRAIN_TIMEOUT_S); give the container a
# stop grace period of at least DRAIN_TIMEOUT_S + 15 s.
STOPSIGNAL SIGTERM
CMD ["node", "src/index.ts"]
