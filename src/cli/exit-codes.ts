// s3cmd's exit codes (S3/ExitCodes.py, patterned on sysexits.h) and the
// scoreboard that turns a batch of per-object outcomes into one of them.

export const EX_OK = 0;
export const EX_GENERAL = 1;
/** Some parts of the command succeeded, others failed. */
export const EX_PARTIAL = 2;
export const EX_SERVERMOVED = 10;
export const EX_SERVERERROR = 11;
export const EX_NOTFOUND = 12;
export const EX_CONFLICT = 13;
export const EX_PRECONDITION = 14;
export const EX_SERVICE = 15;
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_SOFTWARE = 70;
export const EX_OSERR = 71;
export const EX_OSFILE = 72;
export const EX_IOERR = 74;
export const EX_TEMPFAIL = 75;
export const EX_ACCESSDENIED = 77;
export const EX_CONFIG = 78;
export const EX_CONNECTIONREFUSED = 111;
export const EX_BREAK = 130;

/** S3Error.get_error_code: the exit code for an HTTP status. */
export function exitCodeForStatus(status: number): number {
  if (status === 301 || status === 307) return EX_SERVERMOVED;
  if ([400, 405, 411, 416, 417, 501, 504].includes(status)) return EX_SERVERERROR;
  if (status === 403) return EX_ACCESSDENIED;
  if (status === 404) return EX_NOTFOUND;
  if (status === 409) return EX_CONFLICT;
  if (status === 412) return EX_PRECONDITION;
  if (status === 429 || status === 503) return EX_SERVICE;
  return EX_SOFTWARE;
}

/** ExitScoreboard: OK when all succeeded, PARTIAL when some failed, NOTFOUND when only misses. */
export class Scoreboard {
  private succeeded = 0;
  private missing = 0;
  private failed = 0;
  success(): void {
    this.succeeded++;
  }
  notFound(): void {
    this.missing++;
  }
  failure(): void {
    this.failed++;
  }
  code(): number {
    if (this.succeeded) {
      if (!this.failed && !this.missing) return EX_OK;
      if (this.failed) return EX_PARTIAL;
      return EX_GENERAL;
    }
    if (this.failed) return EX_GENERAL;
    return this.missing ? EX_NOTFOUND : EX_GENERAL;
  }
}
