/**
 * Exit codes of the stockline command and the error that carries one. Scripts and monitors rely
 * on the split: 1 means "the thing you asked about is not fine", 2 means "could not find out".
 */
export const EXIT = {
  OK: 0,
  /** The checked condition failed: health not OK, a sync not SUCCESS, a connection test failed. */
  FAILED: 1,
  /** Usage, connection, authentication or refusal: the command could not do its job. */
  ERROR: 2,
} as const;

/** An expected failure: its message is printed as is (no stack) and the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
  }
}

/**
 * Runs one command and ends the process with its exit code. Every command closes what it opened;
 * the unref'd timer only ends a process something unexpected would otherwise keep alive.
 */
export async function runCommand(work: () => Promise<number | void>): Promise<void> {
  let code: number;
  try {
    code = (await work()) ?? EXIT.OK;
  } catch (error) {
    code = error instanceof CliError ? error.exitCode : EXIT.ERROR;
    console.error(error instanceof CliError ? `stockline: ${error.message}` : error);
  }
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
