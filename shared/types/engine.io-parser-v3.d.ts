// engine.io-parser@2 (the Engine.IO v3 codec) ships no types; only what we call is declared.
declare module 'engine.io-parser-v3' {
  export interface V3Packet {
    type: string;
    data?: string | Buffer;
  }
  type Each = (packet: V3Packet, index: number, total: number) => boolean | void;
  export function decodePacket(data: string | Buffer, binaryType?: string, utf8decode?: boolean): V3Packet;
  export function decodePayload(data: string | Buffer, binaryType: string | undefined, callback: Each): void;
  export function decodePayloadAsBinary(data: Buffer, binaryType: string | undefined, callback: Each): void;
  /** Calls back synchronously: text when `supportsBinary` is false or no packet is binary, else a Buffer. */
  export function encodePayload(
    packets: V3Packet[],
    supportsBinary: boolean,
    callback: (encoded: string | Buffer) => void,
  ): void;
}
