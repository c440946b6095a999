const LEVELS = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'NONE'] as const;
const LOGGERS = ['gluster-log', 'syslog'] as const;
const FORMATS = ['no-msg-id', 'with-msg-id'] as const;

/** GlusterFS io-stats's option table, so glusterd-generated volfiles validate unchanged. */
export const options = {
  'dump-fd-stats': { type: 'bool', default: 'off', description: 'Track per-fd statistics.' },
  'ios-dump-interval': { type: 'int', min: 0, max: 3600, default: '0', description: 'Seconds between automatic dumps to the log (0: never).' },
  'ios-sample-interval': { type: 'int', min: 0, max: 65535, default: '0' },
  'ios-dump-format': { type: 'str', values: ['text', 'json', 'dict', 'samples'], default: 'json' },
  'ios-sample-buf-size': { type: 'int', min: 1024, max: 1048576, default: '65535' },
  'ios-dnscache-ttl-sec': { type: 'int', min: 1, max: 259200, default: '86400' },
  'latency-measurement': { type: 'bool', default: 'off', description: 'Measure per-fop latency (count is always kept).' },
  'count-fop-hits': { type: 'bool', default: 'off' },
  'client-log-level': { type: 'str', values: LEVELS },
  'brick-log-level': { type: 'str', values: LEVELS },
  'sys-log-level': { type: 'str', values: LEVELS },
  logger: { type: 'str', values: LOGGERS },
  'client-logger': { type: 'str', values: LOGGERS },
  'brick-logger': { type: 'str', values: LOGGERS },
  'log-format': { type: 'str', values: FORMATS },
  'client-log-format': { type: 'str', values: FORMATS },
  'brick-log-format': { type: 'str', values: FORMATS },
  'log-buf-size': { type: 'int', min: 0, max: 20 },
  'client-log-buf-size': { type: 'int', min: 0, max: 20 },
  'brick-log-buf-size': { type: 'int', min: 0, max: 20 },
  'log-flush-timeout': { type: 'time', min: 30, max: 300 },
  'client-log-flush-timeout': { type: 'time', min: 30, max: 300 },
  'brick-log-flush-timeout': { type: 'time', min: 30, max: 300 },
  'unique-id': { type: 'str' },
  'global-threading': { type: 'bool', default: 'off' },
  threads: { type: 'int', min: 1, max: 64 },
  'brick-threads': { type: 'int', min: 1, max: 64 },
  'client-threads': { type: 'int', min: 1, max: 64 },
  'volume-id': { type: 'str' },
} as const;
