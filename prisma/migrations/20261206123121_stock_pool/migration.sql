-- CreateEnum
CREATE TYPE "StockFromUnits" AS ENUM ('ALL_UNITS', 'AGGREGATED_UNITS');

-- CreateEnum
CREATE TYPE "StockLocationKind" AS ENUM ('OWN', 'MARKETPLACE');

-- CreateEnum
CREATE TYPE "StockMovementReason" AS ENUM ('PRODUCTION', 'RESERVE', 'SALE', 'RELEASE', 'ADJUSTMENT', 'COUNT', 'TRANSFER');

-- CreateEnum
CREATE TYPE "StockCauseType" AS ENUM ('BATCH', 'ORDER_LINE', 'USER');

-- CreateEnum
CREATE TYPE "ReservationState" AS ENUM ('RESERVED', 'SHIPPED', 'RELEASED', 'RETURNED');

-- CreateEnum
CREATE TYPE "ProductMappingField" AS ENUM ('EKN_CODE', 'NOMENCLATURE');

-- CreateEnum
CREATE TYPE "StockAllocationMode" AS ENUM ('SHARE', 'CAP', 'BUFFER', 'OFF');

-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'OVERSELL';

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "productId" UUID;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "safetyBuffer" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "zeroStockThreshold" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WorkCenter" ADD COLUMN     "stockFrom" "StockFromUnits" NOT NULL DEFAULT 'ALL_UNITS';

-- CreateTable
CREATE TABLE "StockLocation" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "StockLocationKind" NOT NULL DEFAULT 'OWN',
    "accountId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockLocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockMovement" (
    "id" UUID NOT NULL,
    "seq" SERIAL NOT NULL,
    "productId" UUID NOT NULL,
    "locationId" UUID NOT NULL,
    "reason" "StockMovementReason" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "reservedChange" INTEGER NOT NULL DEFAULT 0,
    "onHandAfter" INTEGER NOT NULL,
    "reservedAfter" INTEGER NOT NULL,
    "causeType" "StockCauseType" NOT NULL,
    "causeId" TEXT NOT NULL,
    "causePosition" INTEGER,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockMovement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockBalance" (
    "productId" UUID NOT NULL,
    "locationId" UUID NOT NULL,
    "onHand" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockBalance_pkey" PRIMARY KEY ("productId","locationId")
);

-- CreateTable
CREATE TABLE "StockReservation" (
    "orderId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "accountId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "locationId" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "state" "ReservationState" NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockReservation_pkey" PRIMARY KEY ("orderId","position")
);

-- CreateTable
CREATE TABLE "ProductMapping" (
    "id" UUID NOT NULL,
    "field" "ProductMappingField" NOT NULL,
    "value" TEXT NOT NULL,
    "productId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockAllocationRule" (
    "accountId" UUID NOT NULL,
    "mode" "StockAllocationMode" NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockAllocationRule_pkey" PRIMARY KEY ("accountId")
);

-- CreateIndex
CREATE UNIQUE INDEX "StockLocation_code_key" ON "StockLocation"("code");

-- CreateIndex
CREATE UNIQUE INDEX "StockMovement_seq_key" ON "StockMovement"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "StockMovement_idempotencyKey_key" ON "StockMovement"("idempotencyKey");

-- CreateIndex
CREATE INDEX "StockMovement_productId_seq_idx" ON "StockMovement"("productId", "seq");

-- CreateIndex
CREATE INDEX "StockMovement_locationId_seq_idx" ON "StockMovement"("locationId", "seq");

-- CreateIndex
CREATE INDEX "StockMovement_reason_seq_idx" ON "StockMovement"("reason", "seq");

-- CreateIndex
CREATE INDEX "StockMovement_causeId_idx" ON "StockMovement"("causeId");

-- CreateIndex
CREATE INDEX "StockBalance_locationId_idx" ON "StockBalance"("locationId");

-- CreateIndex
CREATE INDEX "StockReservation_productId_state_idx" ON "StockReservation"("productId", "state");

-- CreateIndex
CREATE INDEX "ProductMapping_productId_idx" ON "ProductMapping"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "ProductMapping_field_value_key" ON "ProductMapping"("field", "value");

-- CreateIndex
CREATE INDEX "Batch_productId_idx" ON "Batch"("productId");

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockLocation" ADD CONSTRAINT "StockLocation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockMovement" ADD CONSTRAINT "StockMovement_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "StockLocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockBalance" ADD CONSTRAINT "StockBalance_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockBalance" ADD CONSTRAINT "StockBalance_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "StockLocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductMapping" ADD CONSTRAINT "ProductMapping_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockAllocationRule" ADD CONSTRAINT "StockAllocationRule_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
