/** `stockline accounts test <account>`: signs in to the marketplace once (testAccountConnection); exit 0 ok, 1 failed. */
import { resolveAccount } from '../accounts.js';
import { createApiClient, type ConnectionOptions } from '../api-client.js';
import { CliError, EXIT } from '../cli-error.js';
import { ACCOUNTS_TEST } from '../operations.js';


interface TestResult {
  ok: boolean | null;
  kind: string | null;
  message: string | null;
  errors: { code: string; message: string }[];
}

export async function accountsTestCommand(ref: string, options: ConnectionOptions): Promise<number> {
  const api = createApiClient(options);
  try {
    const account = await resolveAccount(api, ref);
    const { testAccountConnection: r } = await api.request<{ testAccountConnection: TestResult }>(ACCOUNTS_TEST, { id: account.id });
    if (r.errors.length || r.ok === null) throw new CliError(`Test refused: ${r.errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no result'}`);
    const label = `${account.name} (${account.channel})`;
    if (r.ok) {
      console.log(`${label}: ok`);
      return EXIT.OK;
    }
    console.log(`${label}: failed${r.kind ? ` [${r.kind}]` : ''}${r.message ? `: ${r.message}` : ''}`);
    return EXIT.FAILED;
  } finally {
    await api.close();
  }
}
