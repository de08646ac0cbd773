-- CreateEnum
CREATE TYPE "WebhookDeadLetterPolicy" AS ENUM ('SKIP', 'HOLD');

-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'WEBHOOK_DISABLED';

-- AlterEnum
ALTER TYPE "DeliveryStatus" ADD VALUE 'DEAD';

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "orderingKey" TEXT,
ADD COLUMN     "replayOf" UUID,
ADD COLUMN     "replayedAt" TIMESTAMPTZ(3),
ADD COLUMN     "sequence" INTEGER;

-- AlterTable
ALTER TABLE "WebhookSubscription" ADD COLUMN     "contactEmail" TEXT,
ADD COLUMN     "deadLetterPolicy" "WebhookDeadLetterPolicy" NOT NULL DEFAULT 'SKIP',
ADD COLUMN     "disabledAt" TIMESTAMPTZ(3),
ADD COLUMN     "disabledReason" TEXT,
ADD COLUMN     "failingSince" TIMESTAMPTZ(3),
ADD COLUMN     "maxPerSecond" INTEGER,
ADD COLUMN     "ordered" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "pausedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "previousSecretEncrypted" TEXT,
ADD COLUMN     "previousSecretUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "WebhookKeySequence" (
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "WebhookKeySequence_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_subscriptionId_orderingKey_sequence_idx" ON "WebhookDelivery"("subscriptionId", "orderingKey", "sequence");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");
