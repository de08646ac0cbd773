/**
 * Stands in for an upload that went over the limit: its bytes were never kept (the parser stopped
 * reading at the limit), so the mutation can still answer with its typed FILE_TOO_LARGE error.
 */
export class OversizedUpload {
  constructor(
    readonly name: string,
    readonly type: string,
    /** The limit it exceeded. */
    readonly maxBytes: number,
  ) {}
}
