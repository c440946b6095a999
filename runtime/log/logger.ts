/**
 * Log lines in GlusterFS's spirit (`[time] L [component] message`), one sink per process. Levels
 * are GlusterFS's; each translator has its own level (`option log-level`).
 */
export const LEVELS = { NONE: 0, CRITICAL: 1, ERROR: 2, WARNING: 3, INFO: 4, DEBUG: 5, TRACE: 6 } as const;
export type LogLevel = keyof typeof LEVELS;
const LETTER: Record<LogLevel, string> = { NONE: '-', CRITICAL: 'C', ERROR: 'E', WARNING: 'W', INFO: 'I', DEBUG: 'D', TRACE: 'T' };

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(line + '\n');
let defaultLevel: LogLevel = (process.env.GFS_LOG_LEVEL?.toUpperCase() as LogLevel | undefined) ?? 'INFO';

/** Send every log line somewhere else (a log file, a test's array). Returns the previous sink. */
export function setLogSink(s: LogSink): LogSink {
  const old = sink;
  sink = s;
  return old;
}

export function setDefaultLogLevel(level: LogLevel): void {
  defaultLevel = level;
}

export class Logger {
  constructor(readonly component: string, public level: LogLevel | undefined = undefined) {}

  enabled(level: LogLevel): boolean {
    return LEVELS[level] <= LEVELS[this.level ?? defaultLevel] && level !== 'NONE';
  }

  private emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    const extra = fields ? ' ' + JSON.stringify(fields, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) : '';
    sink(`[${new Date().toISOString()}] ${LETTER[level]} [${this.component}] ${msg}${extra}`);
  }

  critical(msg: string, fields?: Record<string, unknown>): void { this.emit('CRITICAL', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.emit('ERROR', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.emit('WARNING', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.emit('INFO', msg, fields); }
  debug(msg: string, fields?: Record<string, unknown>): void { this.emit('DEBUG', msg, fields); }
  trace(msg: string, fields?: Record<string, unknown>): void { this.emit('TRACE', msg, fields); }
}
