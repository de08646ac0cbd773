-- AlterTable
ALTER TABLE "SyncConflict" ADD COLUMN     "baseValue" TEXT;
