// ws exports its frame parser and compression extension (wrapper.mjs), but @types/ws does not
// declare them; only what engine/websocket-wire.ts uses is declared here.
import 'ws';
import type { Duplex, Writable } from 'node:stream';

declare module 'ws' {
  export class Receiver extends Writable {
    constructor(options: {
      isServer?: boolean;
      binaryType?: 'nodebuffer';
      extensions?: Record<string, unknown>;
      maxPayload?: number;
      skipUTF8Validation?: boolean;
      allowSynchronousEvents?: boolean;
    });
  }

  export class Sender {
    constructor(socket: Duplex, extensions?: Record<string, unknown>);
    send(
      data: Buffer | string,
      options: { binary?: boolean; compress?: boolean; fin?: boolean; mask?: boolean },
      cb?: (err?: Error) => void,
    ): void;
    ping(data: Buffer, mask: boolean, cb?: (err?: Error) => void): void;
    pong(data: Buffer, mask: boolean, cb?: (err?: Error) => void): void;
    close(
      code: number | undefined,
      data: Buffer | undefined,
      mask: boolean,
      cb?: (err?: Error) => void,
    ): void;
  }

  type ExtensionParams = Record<string, (string | true)[]>;

  export class PerMessageDeflate {
    static readonly extensionName: 'permessage-deflate';
    constructor(options: { isServer?: boolean; maxPayload?: number });
    params: Record<string, unknown> | null;
    accept(configurations: ExtensionParams[]): Record<string, unknown>;
    normalizeParams(configurations: ExtensionParams[]): Record<string, unknown>[];
  }

  export const extension: {
    parse(header: string): Record<string, ExtensionParams[] | undefined>;
  };
}
