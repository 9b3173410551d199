/** What `service-probe.ps1` reports about a host, validated before anything is planned from it. */
import { z } from 'zod';
import type { PsRequest, PsRunner } from '../driver/powershell/runner.js';
import { HOST_SERVICE_NAME } from './host-service-config.js';
import { ServiceError } from './service-error.js';

export const ServiceFacts = z.object({
  ProgramData: z.string(),
  SystemRoot: z.string().min(3),
  DataFolder: z.string().min(3),
  IsAdministrator: z.boolean(),
  Service: z
    .object({
      State: z.string(),
      StartMode: z.string(),
      DelayedAutoStart: z.string(),
      StartName: z.string(),
      PathName: z.string(),
    })
    .nullable(),
  DataFolderExists: z.boolean(),
  ConfigExists: z.boolean(),
  DatabaseExists: z.boolean(),
  EventSource: z.enum(['registered', 'missing', 'unknown']),
  MissingFiles: z.array(z.string()),
});
export type ServiceFacts = z.infer<typeof ServiceFacts>;

/** The probe request: `dataFolder` null means the host's %ProgramData%\avma-agent. */
export function probeRequest(dataFolder: string | null, files: readonly string[]): PsRequest {
  return {
    operation: 'service-probe',
    arguments: {
      Name: HOST_SERVICE_NAME,
      Source: HOST_SERVICE_NAME,
      DataFolder: dataFolder ?? '',
      Files: [...files],
    },
  };
}

/** Runs the probe; rejects with the runner's DriverError or ServiceError BAD_PROBE. */
export async function probeHost(
  runner: PsRunner,
  dataFolder: string | null,
  files: readonly string[],
): Promise<ServiceFacts> {
  const answer = await runner.run(probeRequest(dataFolder, files));
  const parsed = ServiceFacts.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServiceError(
      'BAD_PROBE',
      `service-probe answered unexpectedly at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** What a dry run assumes when it cannot look at the host (not Windows, no PowerShell): a fresh one. */
export function freshHostFacts(dataFolder: string | null): ServiceFacts {
  return {
    ProgramData: 'C:\\ProgramData',
    SystemRoot: 'C:\\Windows',
    DataFolder: dataFolder ?? 'C:\\ProgramData\\avma-agent',
    IsAdministrator: true,
    Service: null,
    DataFolderExists: false,
    ConfigExists: false,
    DatabaseExists: false,
    EventSource: 'missing',
    MissingFiles: [],
  };
}
