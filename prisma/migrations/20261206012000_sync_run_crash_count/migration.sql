-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "crashCount" INTEGER NOT NULL DEFAULT 0;
