-- AlterTable
ALTER TABLE "MarketplaceAccount" ADD COLUMN     "syncRetries" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "syncTimeoutSeconds" INTEGER NOT NULL DEFAULT 10800;

-- AlterTable
ALTER TABLE "Schedule" ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "retries" INTEGER NOT NULL DEFAULT 0;
