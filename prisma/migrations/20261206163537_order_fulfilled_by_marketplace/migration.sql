-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "fulfilledByMarketplace" BOOLEAN NOT NULL DEFAULT false;
