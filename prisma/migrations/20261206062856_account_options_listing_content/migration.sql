-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "barcodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "brand" TEXT,
ADD COLUMN     "category" TEXT,
ADD COLUMN     "description" TEXT,
ADD COLUMN     "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "rejectionReasons" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "MarketplaceAccount" ADD COLUMN     "options" JSONB NOT NULL DEFAULT '{}';
