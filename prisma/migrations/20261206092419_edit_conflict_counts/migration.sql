-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "remoteOrderStatusSeenAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "editsKept" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "editsOverridden" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "editsQueued" INTEGER NOT NULL DEFAULT 0;
