# The kbench image, for `kbench worker` processes (docker-compose.yml's kbench-worker service,
# deploy/kubernetes/kbench-workers.yaml) and for a coordinator next to them. Build it from the
# repository root:  docker build -t kbench .
# The entry point is the CLI itself, so the command is a kbench command line:
#   docker run --rm kbench worker --brokers broker:9092          (the default command: a worker)
#   docker run --rm kbench --brokers broker:9092 --workers 3 … --out -   (a coordinator; report on stdout)
# Settings may also come as KBENCH_* variables (KBENCH_BROKERS, KBENCH_SASL_PASSWORD, …).
FROM node:20-slim

WORKDIR /app

# Dependencies first, so that a change to the sources reuses this layer. --ignore-scripts: npm ci
# would run the package's own `prepare` (the TypeScript build) before the sources are here; no
# dependency needs an install script (lz4-napi's native binary comes as a per-platform package).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# Build to dist/ (tsconfig.build.json: src and bench, tests left out), then drop the build-only
# packages (TypeScript, vitest, …).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

# Not root. A run's default report folder is ./reports: give --out (a mounted volume, or - for stdout).
USER node

ENTRYPOINT ["node", "dist/src/cli/main.js"]
# Waits for runs on the cluster named by --brokers or KBENCH_BROKERS.
CMD ["worker"]
