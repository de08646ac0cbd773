import { pino, type Logger, type DestinationStream } from 'pino';

/** JSON logs; credentials and tokens are redacted wherever they appear under these keys. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['*.password', '*.token', '*.secret', '*.apiKey', '*.credentials', '*.authorization', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
