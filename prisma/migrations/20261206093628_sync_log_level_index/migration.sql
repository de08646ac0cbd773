-- CreateIndex
CREATE INDEX "SyncLog_level_createdAt_idx" ON "SyncLog"("level", "createdAt");
