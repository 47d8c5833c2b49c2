# Keysmith: build once, run as an unprivileged user. bcrypt 6 ships prebuilt binaries,
# so the runtime image needs no compiler.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The install builds the web console (a workspace), which bundles the GraphQL schema.
COPY package.json package-lock.json ./
COPY console ./console
COPY scripts ./scripts
COPY schema ./schema
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
# Production dependencies only; the console's are all build tools, and its bundle comes built.
COPY package.json package-lock.json ./
COPY console/package.json ./console/package.json
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 4000
# Ready means the database answers too; the port is whatever PORT says.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
