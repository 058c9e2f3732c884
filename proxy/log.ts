/** One line per notable thing, to stderr, so stdout stays for what the user asked for. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export function createLogger(opts: { quiet?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  return {
    info: (m) => {
      if (!opts.quiet) write(`sio-proxy: ${m}`);
    },
    warn: (m) => write(`sio-proxy: ${m}`),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
