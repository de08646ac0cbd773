-- CreateEnum
CREATE TYPE "ScheduleKind" AS ENUM ('SYNC', 'LOG_RETENTION', 'TASK_RETENTION', 'STATS_REFRESH');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('REPEATED_FAILURES', 'ERROR_RATE', 'STALE_DATA', 'AUTH_FAILURE');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('WARNING', 'CRITICAL');

-- CreateTable
CREATE TABLE "Schedule" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "ScheduleKind" NOT NULL,
    "accountId" UUID,
    "scope" "SyncScope",
    "mode" "SyncMode",
    "cron" TEXT,
    "intervalSeconds" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "nextFireAt" TIMESTAMPTZ(3),
    "lastFiredAt" TIMESTAMPTZ(3),
    "lastRunId" UUID,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchedulerState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "pausedBy" TEXT,
    "pausedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SchedulerState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "accountId" UUID,
    "activeKey" TEXT,
    "message" TEXT NOT NULL,
    "details" JSONB,
    "raisedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatsSnapshot" (
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StatsSnapshot_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_key_key" ON "Schedule"("key");

-- CreateIndex
CREATE INDEX "Schedule_enabled_nextFireAt_idx" ON "Schedule"("enabled", "nextFireAt");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_activeKey_key" ON "Alert"("activeKey");

-- CreateIndex
CREATE INDEX "Alert_resolvedAt_raisedAt_idx" ON "Alert"("resolvedAt", "raisedAt");

-- CreateIndex
CREATE INDEX "Alert_accountId_idx" ON "Alert"("accountId");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
