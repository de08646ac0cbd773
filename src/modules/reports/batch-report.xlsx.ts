/**
 * The batch report as an XLSX workbook, written with exceljs's streaming writer: sheet "Batch"
 * holds one header row and one row with every field of the batch, its work center and the unit
 * totals; sheet "Units" holds one row per unit (code order). Rows are committed as they are
 * written and units are pulled a page at a time while the reader keeps up, so a batch of 100,000
 * units is not held in memory.
 *
 * Timestamps are real date cells in UTC (Excel dates carry no zone; the column heads say UTC);
 * the batch date is a date cell.
 */
import { PassThrough, type Readable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import { excel } from '../../shared/exceljs.js';
import { aggregationShare, waitForReader, type BatchReportData } from './batch-report.data.js';

/** exceljs, loaded on the first XLSX file rather than at start. */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const TIME = 'yyyy-mm-dd hh:mm:ss';
const DAY = 'yyyy-mm-dd';

/** Columns of the "Batch" sheet (header text, key, width, number format). */
export const BATCH_SHEET_COLUMNS = [
  { header: 'Batch id', key: 'id', width: 38 },
  { header: 'Batch number', key: 'batchNumber', width: 14 },
  { header: 'Batch date', key: 'batchDate', width: 12, numFmt: DAY },
  { header: 'Task description', key: 'taskDescription', width: 30 },
  { header: 'Shift', key: 'shift', width: 10 },
  { header: 'Team', key: 'team', width: 14 },
  { header: 'Nomenclature', key: 'nomenclature', width: 24 },
  { header: 'EKN code', key: 'eknCode', width: 14 },
  { header: 'Shift start (UTC)', key: 'shiftStart', width: 20, numFmt: TIME },
  { header: 'Shift end (UTC)', key: 'shiftEnd', width: 20, numFmt: TIME },
  { header: 'Closed', key: 'closed', width: 8 },
  { header: 'Closed at (UTC)', key: 'closedAt', width: 20, numFmt: TIME },
  { header: 'Created at (UTC)', key: 'createdAt', width: 20, numFmt: TIME },
  { header: 'Updated at (UTC)', key: 'updatedAt', width: 20, numFmt: TIME },
  { header: 'Work center id', key: 'workCenterId', width: 38 },
  { header: 'Work center identifier', key: 'workCenterIdentifier', width: 22 },
  { header: 'Work center name', key: 'workCenterName', width: 24 },
  { header: 'Units', key: 'units', width: 10 },
  { header: 'Aggregated units', key: 'aggregatedUnits', width: 16 },
  { header: 'Not aggregated units', key: 'notAggregatedUnits', width: 20 },
  { header: 'Aggregation rate', key: 'aggregationRate', width: 16, numFmt: '0.0%' },
  { header: 'Report generated at (UTC)', key: 'generatedAt', width: 24, numFmt: TIME },
] as const;

/** Columns of the "Units" sheet. */
export const UNIT_SHEET_COLUMNS = [
  { header: '#', key: 'position', width: 8 },
  { header: 'Unit code', key: 'code', width: 40 },
  { header: 'Aggregated', key: 'aggregated', width: 12 },
  { header: 'Aggregated at (UTC)', key: 'aggregatedAt', width: 20, numFmt: TIME },
  { header: 'Added at (UTC)', key: 'createdAt', width: 20, numFmt: TIME },
] as const;

function columnsOf(columns: readonly { header: string; key: string; width: number; numFmt?: string }[]): Partial<ExcelJS.Column>[] {
  return columns.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
}

/**
 * Bytes of a sheet committed but not yet compressed into the zip. exceljs's streaming writer
 * ignores backpressure (its sheet buffer writes into the zip entry regardless), so the renderer
 * looks at those buffers itself; if a future exceljs changes them, this reads 0 and only the
 * output's own backpressure applies.
 */
function pendingBytes(sheet: ExcelJS.Worksheet): number {
  const stream = (sheet as unknown as { _stream?: { buffers?: { length?: number }[]; pipes?: { writableLength?: number }[] } })._stream;
  if (!stream) return 0;
  const own = (stream.buffers ?? []).reduce((n, b) => n + (typeof b.length === 'number' ? b.length : 0), 0);
  const piped = (stream.pipes ?? []).reduce((n, p) => n + (typeof p.writableLength === 'number' ? p.writableLength : 0), 0);
  return own + piped;
}

/**
 * Renders the report as an XLSX stream. Errors while reading units destroy the stream with that
 * error; destroying the stream stops the reading.
 */
export function renderBatchReportXlsx(data: BatchReportData): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  void (async () => {
    const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
    workbook.creator = 'Stockline';
    workbook.created = data.generatedAt;
    const { batch, workCenter, totals } = data;

    // The zip writes its entries in order: the small Batch sheet is finished before units stream.
    const batchSheet = workbook.addWorksheet('Batch', { views: [{ state: 'frozen', ySplit: 1 }] });
    batchSheet.columns = columnsOf(BATCH_SHEET_COLUMNS);
    batchSheet.getRow(1).font = { bold: true };
    batchSheet.getRow(1).commit();
    batchSheet
      .addRow({
        ...batch,
        workCenterId: workCenter.id,
        workCenterIdentifier: workCenter.identifier,
        workCenterName: workCenter.name,
        units: totals.units,
        aggregatedUnits: totals.aggregated,
        notAggregatedUnits: totals.notAggregated,
        aggregationRate: aggregationShare(totals),
        generatedAt: data.generatedAt,
      })
      .commit();
    batchSheet.commit();

    const unitSheet = workbook.addWorksheet('Units', { views: [{ state: 'frozen', ySplit: 1 }] });
    unitSheet.columns = columnsOf(UNIT_SHEET_COLUMNS);
    unitSheet.getRow(1).font = { bold: true };
    unitSheet.getRow(1).commit();
    let position = 0;
    for await (const page of data.units) {
      for (const unit of page) {
        unitSheet.addRow({ position: ++position, code: unit.code, aggregated: unit.aggregated, aggregatedAt: unit.aggregatedAt, createdAt: unit.createdAt }).commit();
      }
      if (!(await waitForReader(out, () => pendingBytes(unitSheet)))) return; // the reader went away: stop reading units
    }
    unitSheet.commit();
    await workbook.commit();
  })().catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}
