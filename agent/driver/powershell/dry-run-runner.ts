import type { PsOperation } from './operations.js';
import { PS_OPERATION_SPECS } from './operations.js';
import { buildRequestText, newMarker } from './request-text.js';
import type { PsRequest, PsRunner } from './runner.js';
import type { ScriptCatalog } from './script-catalog.js';

/** What a write "returns" in a dry run: the shape the real scripts print on success. */
const DRY_RUN_RESULTS: Readonly<Record<'kvp' | 'dataExchange', (request: PsRequest) => unknown>> = {
  kvp: () => ({
    Status: 'done',
    ReturnValue: '0',
    JobState: '',
    ErrorCode: '',
    ErrorDescription: '',
    Keys: [],
  }),
  dataExchange: (request) => ({
    Status: 'done',
    Enabled: request.operation === 'enable-data-exchange' ? 'true' : 'false',
  }),
};

/**
 * Decorates a runner for `--dry-run`: reads go through, writes are rendered to the exact text that
 * would be sent and handed to `print` instead.
 */
export class DryRunRunner implements PsRunner {
  constructor(
    private readonly inner: PsRunner,
    private readonly catalog: ScriptCatalog,
    private readonly computerName: string | null,
    private readonly print: (operation: PsOperation, text: string) => void,
  ) {}

  /** Reads: the inner runner's result. Writes: prints the text and resolves with a success result. */
  async run(request: PsRequest): Promise<unknown> {
    if (PS_OPERATION_SPECS[request.operation].kind === 'read') return this.inner.run(request);
    const payload = { ComputerName: this.computerName, Arguments: request.arguments };
    this.print(request.operation, buildRequestText(this.catalog, request.operation, payload, newMarker()));
    const isDataExchange =
      request.operation === 'enable-data-exchange' || request.operation === 'disable-data-exchange';
    return (isDataExchange ? DRY_RUN_RESULTS.dataExchange : DRY_RUN_RESULTS.kvp)(request);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
