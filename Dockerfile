# truesplit controller and CLI image. Multi-stage: compile TypeScript with the dev toolchain, ship only dist/ and the
# production dependencies on a slim Node 24 runtime, running as an unprivileged numeric user.
# Base images are pinned to exact versions (Node 24.11.1, the first 24 LTS, satisfies engines >= 22.19.0);
# add @sha256 digests when building against a registry.
# Build: docker build -t ghcr.io/truesplit/truesplit:0.1.0 .
FROM node:24.11.1-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY hack/bundle-client-node.ts ./hack/
RUN npm run build

FROM node:24.11.1-bookworm AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.11.1-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
USER 1000:1000
EXPOSE 8080 8090
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["controller", "--leader-elect"]
