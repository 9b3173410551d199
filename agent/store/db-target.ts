/** What `--db` names, told apart without loading either database driver (the config loader asks too). */

/** Whether `--db` names a PostgreSQL database (a `postgres://` or `postgresql://` URL) rather than an SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return typeof target === 'string' && /^postgres(ql)?:\/\//i.test(target);
}
