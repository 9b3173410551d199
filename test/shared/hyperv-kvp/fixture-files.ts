import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KvpError, type KvpErrorCode } from 'hyperv-kvp';
import { expect } from 'vitest';

/** Reads a file of test/fixtures/hyperv-kvp (see PROVENANCE.md there). */
export function fixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/hyperv-kvp/${name}`, import.meta.url)), 'utf8');
}

/** A fixture holding a JSON array of CIM-XML strings, as ConvertTo-Json prints a KVP property. */
export function fixtureXmlArray(name: string): string[] {
  const parsed: unknown = JSON.parse(fixtureText(name));
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    throw new Error(`${name} is not a JSON array of strings`);
  }
  return parsed;
}

/** Runs `action`, expects a KvpError and returns it for further checks. */
export function kvpErrorOf(action: () => unknown): KvpError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(KvpError);
    return error as KvpError;
  }
  throw new Error('expected a KvpError, but nothing was thrown');
}

/** Expects `action` to throw a KvpError with `code`; returns it. */
export function expectKvpError(action: () => unknown, code: KvpErrorCode): KvpError {
  const error = kvpErrorOf(action);
  expect(error.code, error.message).toBe(code);
  return error;
}

/** The compact Data/Name/Source instance text, with `data` written as is (already XML). */
export function rawInstance(nameXml: string, dataXml: string, sourceXml = '2'): string {
  return (
    '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">' +
    `<PROPERTY NAME="Data" TYPE="string"><VALUE>${dataXml}</VALUE></PROPERTY>` +
    `<PROPERTY NAME="Name" TYPE="string"><VALUE>${nameXml}</VALUE></PROPERTY>` +
    `<PROPERTY NAME="Source" TYPE="uint16"><VALUE>${sourceXml}</VALUE></PROPERTY>` +
    '</INSTANCE>'
  );
}

/** Text an item may hold: no NUL and not the non-characters U+FFFE/U+FFFF (no XML can carry them). */
export function isItemText(text: string): boolean {
  return !text.includes('\u0000') && !text.includes('\uFFFE') && !text.includes('\uFFFF');
}
