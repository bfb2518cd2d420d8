import { matches } from './limit';
import type { Found } from './types';

/**
 * ESE (JET) error numbers, as Exchange and AD databases print them: symbolic (`JET_errReadVerifyFailure`),
 * signed decimal (`-1018`, `error -550`) and as the unsigned 32-bit store error (`StoreEc: 0xFFFFFC06`).
 * A bare negative number counts only in a text about databases, logs or ESE, and only when it is a known
 * JET error: `-528` in a stock ticker is nobody's log file.
 */

interface JetError {
  name: string;
  meaning: string;
}

/** esent.h error numbers Exchange and AD admins meet, in plain words. */
export const JET_ERRORS: Record<number, JetError> = {
  [-501]: { name: 'JET_errLogFileCorrupt', meaning: 'a transaction log file is damaged' },
  [-510]: {
    name: 'JET_errLogWriteFail',
    meaning: 'writing to a transaction log failed (disk full, disk error or the log drive went away)',
  },
  [-514]: { name: 'JET_errBadLogVersion', meaning: 'a log file was written by an incompatible ESE version' },
  [-515]: {
    name: 'JET_errInvalidLogSequence',
    meaning: 'the log files do not form an unbroken sequence (a log from another generation or copy is mixed in)',
  },
  [-519]: { name: 'JET_errLogSequenceEnd', meaning: 'the log generation number reached its maximum' },
  [-528]: {
    name: 'JET_errMissingLogFile',
    meaning: 'a transaction log file that recovery needs is missing (often the current E00.log)',
  },
  [-529]: {
    name: 'JET_errLogDiskFull',
    meaning: 'the transaction log drive is full: the database dismounts to protect itself',
  },
  [-530]: {
    name: 'JET_errBadLogSignature',
    meaning: 'a log file belongs to another database or log stream (signature mismatch)',
  },
  [-543]: {
    name: 'JET_errRequiredLogFilesMissing',
    meaning: 'log files recovery needs to bring the database to a clean state are missing',
  },
  [-550]: {
    name: 'JET_errDatabaseDirtyShutdown',
    meaning:
      'the database was not shut down cleanly (Dirty Shutdown): log replay (recovery) must run before it can mount',
  },
  [-551]: {
    name: 'JET_errConsistentTimeMismatch',
    meaning: "the database's last consistent time does not match the logs (files from different points in time)",
  },
  [-614]: {
    name: 'JET_errCheckpointDepthTooDeep',
    meaning:
      'too many log generations are outstanding between the checkpoint and the current log (the database cannot flush fast enough)',
  },
  [-1003]: { name: 'JET_errInvalidParameter', meaning: 'an invalid parameter was passed to ESE' },
  [-1011]: { name: 'JET_errOutOfMemory', meaning: 'ESE ran out of memory' },
  [-1012]: { name: 'JET_errOutOfDatabaseSpace', meaning: 'the database reached its maximum size' },
  [-1014]: { name: 'JET_errOutOfBuffers', meaning: 'the database cache has no free buffers' },
  [-1018]: {
    name: 'JET_errReadVerifyFailure',
    meaning:
      'a page read from the database file failed its checksum: the page is damaged on disk (storage, controller or driver problem)',
  },
  [-1019]: {
    name: 'JET_errPageNotInitialized',
    meaning: 'a database page that should hold data is blank (lost write or storage corruption)',
  },
  [-1021]: {
    name: 'JET_errDiskReadVerificationFailure',
    meaning: 'the operating system reported a CRC error reading the database file',
  },
  [-1022]: {
    name: 'JET_errDiskIO',
    meaning: 'a disk I/O error: the storage under the database or logs failed a read or write',
  },
  [-1032]: {
    name: 'JET_errFileAccessDenied',
    meaning: 'the database or log file is locked or in use by another process (often antivirus or backup)',
  },
  [-1069]: {
    name: 'JET_errVersionStoreOutOfMemory',
    meaning: 'the version store is exhausted (a long-running transaction or a huge operation)',
  },
  [-1090]: {
    name: 'JET_errInstanceUnavailable',
    meaning: 'the ESE instance hit a fatal error and cannot be used until it is restarted',
  },
  [-1201]: { name: 'JET_errDatabaseDuplicate', meaning: 'the database already exists' },
  [-1202]: { name: 'JET_errDatabaseInUse', meaning: 'the database is in use by another process' },
  [-1203]: { name: 'JET_errDatabaseNotFound', meaning: 'the database file was not found' },
  [-1206]: { name: 'JET_errDatabaseCorrupted', meaning: 'the database is corrupted' },
  [-1216]: {
    name: 'JET_errAttachedDatabaseMismatch',
    meaning:
      'the logs name a database that is missing or does not match (a database file was replaced, moved or restored without its logs)',
  },
  [-1601]: { name: 'JET_errRecordNotFound', meaning: 'the key was not found' },
  [-1605]: { name: 'JET_errKeyDuplicate', meaning: 'a duplicate key was inserted' },
  [-1808]: { name: 'JET_errDiskFull', meaning: 'no space left on the disk that holds the database' },
  [-1809]: { name: 'JET_errPermissionDenied', meaning: 'permission to the database or log file was denied' },
  [-1811]: {
    name: 'JET_errFileNotFound',
    meaning: 'a database or log file was not found (wrong path, or the file was removed)',
  },
};

const byName = new Map(Object.entries(JET_ERRORS).map(([num, e]) => [e.name.toLowerCase(), Number(num)]));

const NAME = /\bJET_err[A-Za-z]{3,60}\b/g;
// `StoreEc: 0xFFFFFC06`, `ec=0xfffffdda`, a bare `0xFFFFFB40`: the upper bits all set means a small negative number.
const UNSIGNED = /(?:^|[^\w.])(0x(fffff[0-9a-f]{3}))\b/gi;
// A signed number of three or four digits: `-1018`, `(-550)`, `error -1216`, `Error: -528`.
const SIGNED = /(?:^|[^\w.-])(-(\d{3,4}))(?![\w-]|\.\d)/g;
const CONTEXT =
  /\b(?:jet|ese|esent|eseutil|database|databases|storeec|store|mdb|edb|log file|logs|checkpoint|mount|mounted|dismounted|information store|replay|recovery|page)\b/i;

/** Every regex here, for the static backtracking check in the tests. */
export const JET_PATTERNS: readonly RegExp[] = [NAME, UNSIGNED, SIGNED, CONTEXT];

function jetCode(num: number, raw: string, index: number, end: number): Found | undefined {
  const error = JET_ERRORS[num];
  if (!error) return undefined;
  return {
    kind: 'jet',
    raw,
    value: String(num),
    name: error.name,
    meaning: `ESE database engine error ${num}: ${error.meaning}.`,
    parts: { jet: num, unsigned: `0x${((num >>> 0) & 0xffffffff).toString(16).toUpperCase()}` },
    keys: [`jet:${num}`],
    index,
    end,
  };
}

export function findJetCodes(text: string, lower: string): Found[] {
  const out: Found[] = [];
  const push = (found: Found | undefined): void => {
    if (found) out.push(found);
  };
  if (lower.includes('jet_err')) {
    for (const m of matches(text, NAME)) {
      const num = byName.get(m[0].toLowerCase());
      if (num !== undefined) push(jetCode(num, m[0], m.index, m.index + m[0].length));
    }
  }
  // The context test scans the whole text, so it runs only when a number could need it.
  let context: boolean | undefined;
  const hasContext = (): boolean => (context ??= CONTEXT.test(text));
  if (lower.includes('0xfffff')) {
    for (const m of matches(text, UNSIGNED)) {
      const raw = m[1] as string;
      const num = Number.parseInt(m[2] as string, 16) - 2 ** 32;
      // Without a database word around it, only a store error code (`StoreEc`) is read as JET.
      if (!lower.includes('ec') && !hasContext()) continue;
      const start = m.index + m[0].length - raw.length;
      push(jetCode(num, raw, start, start + raw.length));
    }
  }
  if (text.includes('-')) {
    for (const m of matches(text, SIGNED)) {
      const num = -Number(m[2]);
      if (!JET_ERRORS[num] || !hasContext()) continue;
      const raw = m[1] as string;
      const start = m.index + m[0].length - raw.length;
      push(jetCode(num, raw, start, start + raw.length));
    }
  }
  return out;
}
