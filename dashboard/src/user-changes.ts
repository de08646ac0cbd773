/**
 * When the signed-in user last changed something the inventory figures count (a price, a stock, a
 * product's visibility, an order's status, a conflict decision). The overview's figures are a
 * snapshot: one computed before that change is recomputed when shown, so the user never reads
 * figures older than their own change.
 */
let last = 0;

export function noteUserChange(): void {
  last = Date.now();
}

/** Whether a snapshot computed at `computedAt` (ISO) predates the user's last change. */
export const predatesUserChange = (computedAt: string) => last > 0 && new Date(computedAt).getTime() < last;
