-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT');

-- CreateEnum
CREATE TYPE "FulfillmentType" AS ENUM ('MAIN', 'FBE');

-- CreateEnum
CREATE TYPE "ConflictStrategy" AS ENUM ('REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL');

-- CreateTable
CREATE TABLE "MarketplaceAccount" (
    "id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "name" TEXT NOT NULL,
    "fulfillment" "FulfillmentType",
    "baseUrl" TEXT NOT NULL,
    "credentialsEncrypted" TEXT NOT NULL,
    "rateLimits" JSONB,
    "conflictStrategy" "ConflictStrategy" NOT NULL DEFAULT 'REMOTE_PRIORITY',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'api',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastTestedAt" TIMESTAMPTZ(3),
    "lastTestOk" BOOLEAN,

    CONSTRAINT "MarketplaceAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceAccount_name_key" ON "MarketplaceAccount"("name");

-- CreateIndex
CREATE INDEX "MarketplaceAccount_channel_idx" ON "MarketplaceAccount"("channel");
