# One image for every mirrormaker service; the container's command picks the app:
#   docker run mirrormaker node dist/apps/data-mirror/main.js --coordinator coordinator:7000
# and it carries the operator's command line: node dist/apps/mirrorctl/main.js --help
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps/coordinator/package.json apps/coordinator/
COPY apps/data-mirror/package.json apps/data-mirror/
COPY apps/offset-sync/package.json apps/offset-sync/
COPY apps/topic-config-sync/package.json apps/topic-config-sync/
COPY apps/acl-sync/package.json apps/acl-sync/
COPY apps/mirrorctl/package.json apps/mirrorctl/
COPY libs libs
RUN npm ci --no-audit --no-fund
COPY . .
RUN NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
USER node
# gRPC 7000-7004, metrics 9400-9404 by default (see each app's --help).
EXPOSE 7000-7004 9400-9404
CMD ["node", "dist/apps/coordinator/main.js"]
