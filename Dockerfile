# Stockline: one image for every role (api, worker, migrate); ROLE picks what a container runs.
#   docker build -t stockline .
FROM node:20-slim

ENV NODE_ENV=production
# DejaVu covers Cyrillic and Romanian diacritics in PDF reports (Helvetica would print "?").
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so source edits do not reinstall them. The Prisma client is committed
# (src/generated) and migrations run through the wasm schema engine (docs/adr/0002), so neither
# the Prisma CLI nor an engine download is needed. tsx is a runtime dependency; dev tools are omitted.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
# The dashboard bundle (esbuild) served at / and the API reference (installs tools/docs); the persisted-operations manifest
# is committed, so its build (which needs client-examples' Apollo Client) is not run here.
RUN npx tsx scripts/build-dashboard.ts && npx tsx scripts/build-docs.ts

EXPOSE 4000
# graphql-ws shares the HTTP port. /healthz is liveness, /readyz checks the database.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Node itself, not the tsx CLI: the tsx CLI SIGKILLs a child that does not acknowledge a signal
# within 30 ms, which cuts the graceful shutdown of a busy process.
CMD ["node", "--import", "tsx", "src/main.ts"]
