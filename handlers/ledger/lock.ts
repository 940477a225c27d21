/**
 * A pid lock file beside the embedded ledger. dynalite throws an uncatchable exception (it crashes the
 * process) when its LevelDB is already open elsewhere, so a second user is turned away up front with
 * a readable error instead.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { LedgerConfigurationError } from './errors';

/**
 * Takes the lock at `file` for this process; a lock left by a process that no longer runs is taken
 * over. Returns the release function.
 *
 * @throws LedgerConfigurationError when a live process (this one included) holds the lock.
 */
export function acquireLock(file: string, purpose: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (!isErrorCode(error, 'EEXIST')) {
        throw new LedgerConfigurationError(`cannot create the lock file ${file}`, { cause: error });
      }
    }
    const holder = readHolder(file);
    if (holder !== undefined && isRunning(holder)) {
      throw new LedgerConfigurationError(
        `${purpose} is in use by another iamwatch process (pid ${holder}); if there is none, delete ${file}`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new LedgerConfigurationError(
    `cannot take the lock file ${file}: another process keeps recreating it`,
  );
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrorCode(error, 'EPERM');
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
