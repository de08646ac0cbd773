-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('ACTIVE', 'INACTIVE', 'DELISTED');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED');

-- CreateEnum
CREATE TYPE "ChangeSource" AS ENUM ('USER', 'SYNC', 'CONFLICT_RESOLUTION');

-- CreateEnum
CREATE TYPE "PushKind" AS ENUM ('PRICE', 'STOCK');

-- CreateEnum
CREATE TYPE "PushStatus" AS ENUM ('PENDING', 'DONE', 'FAILED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "SyncScope" AS ENUM ('PRODUCTS', 'ORDERS', 'ALL');

-- CreateEnum
CREATE TYPE "SyncMode" AS ENUM ('FULL', 'INCREMENTAL', 'SELECTIVE');

-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED', 'INTERRUPTED');

-- CreateEnum
CREATE TYPE "SyncPhase" AS ENUM ('PRODUCTS', 'ORDERS');

-- CreateEnum
CREATE TYPE "LogLevel" AS ENUM ('DEBUG', 'INFO', 'WARN', 'ERROR');

-- CreateEnum
CREATE TYPE "ConflictField" AS ENUM ('PRICE', 'STOCK', 'ORDER_STATUS');

-- CreateEnum
CREATE TYPE "ConflictResolution" AS ENUM ('KEEP_LOCAL', 'TAKE_REMOTE');

-- CreateTable
CREATE TABLE "Product" (
    "id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cost" DECIMAL(14,2),
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price" DECIMAL(14,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "stock" INTEGER NOT NULL,
    "stockByWarehouse" JSONB NOT NULL DEFAULT '{}',
    "status" "ListingStatus" NOT NULL,
    "remoteStatus" TEXT NOT NULL,
    "remotePrice" DECIMAL(14,2) NOT NULL,
    "remoteStock" INTEGER NOT NULL,
    "remoteUpdatedAt" TIMESTAMPTZ(3),
    "priceEditedAt" TIMESTAMPTZ(3),
    "stockEditedAt" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "remoteOrderStatus" "OrderStatus" NOT NULL,
    "remoteStatus" TEXT NOT NULL,
    "statusEditedAt" TIMESTAMPTZ(3),
    "customerName" TEXT,
    "customerEmail" TEXT,
    "customerPhone" TEXT,
    "total" DECIMAL(14,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "placedAt" TIMESTAMPTZ(3) NOT NULL,
    "remoteUpdatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderItem" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "externalProductId" TEXT NOT NULL,
    "name" TEXT,
    "quantity" INTEGER NOT NULL,
    "price" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeRecord" (
    "id" UUID NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "oldValue" TEXT,
    "newValue" TEXT,
    "actor" TEXT NOT NULL,
    "source" "ChangeSource" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushJob" (
    "id" UUID NOT NULL,
    "listingId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "kind" "PushKind" NOT NULL,
    "value" TEXT NOT NULL,
    "status" "PushStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PushJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "activeKey" TEXT,
    "scope" "SyncScope" NOT NULL,
    "mode" "SyncMode" NOT NULL,
    "skus" TEXT[],
    "maxPages" INTEGER,
    "conflictStrategy" "ConflictStrategy" NOT NULL,
    "status" "SyncStatus" NOT NULL DEFAULT 'PENDING',
    "phase" "SyncPhase",
    "cursor" TEXT,
    "since" TIMESTAMPTZ(3),
    "watermark" TIMESTAMPTZ(3),
    "ordersSince" TIMESTAMPTZ(3),
    "ordersWatermark" TIMESTAMPTZ(3),
    "percent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "pageFailures" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "delisted" INTEGER NOT NULL DEFAULT 0,
    "conflicts" INTEGER NOT NULL DEFAULT 0,
    "pagesDone" INTEGER NOT NULL DEFAULT 0,
    "pagesTotal" INTEGER,
    "itemsDone" INTEGER NOT NULL DEFAULT 0,
    "itemsTotal" INTEGER,
    "activeMs" INTEGER NOT NULL DEFAULT 0,
    "triggeredBy" TEXT NOT NULL,
    "ownerId" TEXT,
    "heartbeatAt" TIMESTAMPTZ(3),
    "cancelRequestedAt" TIMESTAMPTZ(3),
    "error" TEXT,
    "resumedCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRunSeen" (
    "runId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,

    CONSTRAINT "SyncRunSeen_pkey" PRIMARY KEY ("runId","externalId")
);

-- CreateTable
CREATE TABLE "SyncLog" (
    "id" UUID NOT NULL,
    "runId" UUID,
    "accountId" UUID,
    "level" "LogLevel" NOT NULL,
    "message" TEXT NOT NULL,
    "context" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncConflict" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "runId" UUID,
    "listingId" UUID,
    "orderId" UUID,
    "field" "ConflictField" NOT NULL,
    "localValue" TEXT NOT NULL,
    "remoteValue" TEXT NOT NULL,
    "localChangedAt" TIMESTAMPTZ(3) NOT NULL,
    "remoteChangedAt" TIMESTAMPTZ(3),
    "resolution" "ConflictResolution",
    "resolvedBy" TEXT,
    "resolvedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncConflict_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Product_sku_key" ON "Product"("sku");

-- CreateIndex
CREATE INDEX "Product_name_idx" ON "Product"("name");

-- CreateIndex
CREATE INDEX "Listing_productId_idx" ON "Listing"("productId");

-- CreateIndex
CREATE INDEX "Listing_accountId_sku_idx" ON "Listing"("accountId", "sku");

-- CreateIndex
CREATE INDEX "Listing_stock_idx" ON "Listing"("stock");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_accountId_externalId_key" ON "Listing"("accountId", "externalId");

-- CreateIndex
CREATE INDEX "Order_placedAt_idx" ON "Order"("placedAt");

-- CreateIndex
CREATE INDEX "Order_status_idx" ON "Order"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Order_accountId_externalId_key" ON "Order"("accountId", "externalId");

-- CreateIndex
CREATE INDEX "OrderItem_sku_idx" ON "OrderItem"("sku");

-- CreateIndex
CREATE UNIQUE INDEX "OrderItem_orderId_position_key" ON "OrderItem"("orderId", "position");

-- CreateIndex
CREATE INDEX "ChangeRecord_entityType_entityId_createdAt_idx" ON "ChangeRecord"("entityType", "entityId", "createdAt");

-- CreateIndex
CREATE INDEX "PushJob_status_nextAttemptAt_idx" ON "PushJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "PushJob_listingId_kind_idx" ON "PushJob"("listingId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "SyncRun_activeKey_key" ON "SyncRun"("activeKey");

-- CreateIndex
CREATE INDEX "SyncRun_accountId_createdAt_idx" ON "SyncRun"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncRun_status_idx" ON "SyncRun"("status");

-- CreateIndex
CREATE INDEX "SyncLog_runId_createdAt_idx" ON "SyncLog"("runId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncLog_accountId_createdAt_idx" ON "SyncLog"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncLog_createdAt_idx" ON "SyncLog"("createdAt");

-- CreateIndex
CREATE INDEX "SyncConflict_accountId_resolvedAt_idx" ON "SyncConflict"("accountId", "resolvedAt");

-- CreateIndex
CREATE INDEX "SyncConflict_listingId_idx" ON "SyncConflict"("listingId");

-- CreateIndex
CREATE INDEX "SyncConflict_orderId_idx" ON "SyncConflict"("orderId");

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderItem" ADD CONSTRAINT "OrderItem_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushJob" ADD CONSTRAINT "PushJob_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRunSeen" ADD CONSTRAINT "SyncRunSeen_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncConflict" ADD CONSTRAINT "SyncConflict_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
