# ml-optimizer: the MCP server (stdio by default) with a JVM for the checks that run real Java.
#   docker build -t ml-optimizer .
#   docker run -i --rm ml-optimizer                                  # MCP over stdio
#   docker run --rm -p 8080:8080 ml-optimizer serve --http --host 0.0.0.0
# Bookworm, because Debian's openjdk-17-jre-headless is not in later releases.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
    && chmod +x dist/cli/main.js \
    && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY SKILL.md README.md ml-optimizer.example.yaml ./
RUN ln -s /app/dist/cli/main.js /usr/local/bin/ml-optimizer
# The node image's unprivileged user; the tools need no root inside the container.
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["node", "/app/dist/cli/healthcheck.js"]
ENTRYPOINT ["ml-optimizer"]
CMD ["serve"]
