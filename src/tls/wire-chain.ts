import { createDecipheriv, createHmac } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * Reads the certificate chain exactly as the server sent it — DER, in its order — out of the handshake.
 * Node offers only a chain it has already re-linked and completed from its own store
 * (`getPeerCertificate(true)`), which hides a chain sent out of order or with extra certificates.
 *
 * The client's socket is wrapped in a pass-through stream that copies what the server sends (bounded).
 * TLS 1.2 carries the Certificate message in clear. TLS 1.3 encrypts it with the server handshake traffic
 * keys; the client's own `keylog` event hands us that secret, so the records are decrypted here (RFC 8446
 * §7.1–7.3). Anything unexpected returns undefined and the caller falls back to Node's chain.
 */
export class HandshakeCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private serverHandshakeSecret: Buffer | undefined;

  constructor(private readonly maxBytes = 256 * 1024) {}

  push(chunk: Buffer): void {
    if (this.size >= this.maxBytes) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Feed of the TLS socket's `keylog` event (NSS key log lines). */
  keylog(line: Buffer): void {
    const [label, , secret] = line.toString('latin1').trim().split(' ');
    if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET' && secret) this.serverHandshakeSecret = Buffer.from(secret, 'hex');
  }

  /** Everything captured so far. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The certificates in the server's order, or undefined when they could not be read from the wire. */
  certificates(): Buffer[] | undefined {
    try {
      return extractCertificates(this.bytes(), this.serverHandshakeSecret);
    } catch {
      return undefined;
    }
  }
}

/** Wraps a connected socket in a Duplex that copies the server's bytes into `capture` (for `tls.connect({ socket })`). */
export function tapSocket(socket: Socket, capture: HandshakeCapture): Duplex {
  const duplex = new Duplex({
    read() {
      if (socket.isPaused()) socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    capture.push(chunk);
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (error) => duplex.destroy(error));
  socket.on('close', () => duplex.destroy());
  return duplex;
}

interface RecordKeys {
  algorithm: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  key: Buffer;
  iv: Buffer;
  sequence: number;
}

const TLS13_SUITES: Record<number, [RecordKeys['algorithm'], number, 'sha256' | 'sha384']> = {
  0x1301: ['aes-128-gcm', 16, 'sha256'],
  0x1302: ['aes-256-gcm', 32, 'sha384'],
  0x1303: ['chacha20-poly1305', 32, 'sha256'],
};

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context. */
function expandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1, total = 0; total < length; i += 1) {
    previous = createHmac(hash, secret)
      .update(Buffer.concat([previous, info, Buffer.from([i])]))
      .digest();
    blocks.push(previous);
    total += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function decryptRecord(keys: RecordKeys, header: Buffer, body: Buffer): { type: number; content: Buffer } | undefined {
  if (body.length < 17) return undefined;
  const nonce = Buffer.from(keys.iv);
  const sequence = Buffer.alloc(8);
  sequence.writeBigUInt64BE(BigInt(keys.sequence));
  keys.sequence += 1;
  for (let i = 0; i < 8; i += 1) nonce[4 + i] = (nonce[4 + i] as number) ^ (sequence[i] as number);
  const ciphertextLength = body.length - 16;
  // Two calls because the typings overload GCM and ChaCha20-Poly1305 separately.
  const decipher =
    keys.algorithm === 'chacha20-poly1305'
      ? createDecipheriv(keys.algorithm, keys.key, nonce, { authTagLength: 16 }).setAAD(header, {
          plaintextLength: ciphertextLength,
        })
      : createDecipheriv(keys.algorithm, keys.key, nonce, { authTagLength: 16 }).setAAD(header);
  decipher.setAuthTag(body.subarray(ciphertextLength));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(body.subarray(0, ciphertextLength)), decipher.final()]);
  } catch {
    return undefined; // the tag did not verify: wrong secret or not a handshake record
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end -= 1;
  if (end === 0) return undefined;
  return { type: plain[end - 1] as number, content: plain.subarray(0, end - 1) };
}

/** ServerHello: the cipher suite and whether supported_versions selected TLS 1.3. */
function parseServerHello(body: Buffer): { suite: number; tls13: boolean } {
  let offset = 2 + 32;
  offset += 1 + (body[offset] as number);
  const suite = body.readUInt16BE(offset);
  offset += 3;
  let tls13 = false;
  if (offset + 2 <= body.length) {
    const end = offset + 2 + body.readUInt16BE(offset);
    for (offset += 2; offset + 4 <= end;) {
      const type = body.readUInt16BE(offset);
      const length = body.readUInt16BE(offset + 2);
      if (type === 43 && length === 2 && body.readUInt16BE(offset + 4) === 0x0304) tls13 = true;
      offset += 4 + length;
    }
  }
  return { suite, tls13 };
}

function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  let offset = tls13 ? 1 + (body[0] as number) : 0;
  const end = offset + 3 + body.readUIntBE(offset, 3);
  const certs: Buffer[] = [];
  for (offset += 3; offset + 3 <= end;) {
    const length = body.readUIntBE(offset, 3);
    certs.push(Buffer.from(body.subarray(offset + 3, offset + 3 + length)));
    offset += 3 + length;
    if (tls13) offset += 2 + body.readUInt16BE(offset);
  }
  return certs;
}

/** Walks the server's records up to its Certificate message; undefined when it cannot (a malformed message may throw). */
export function extractCertificates(data: Buffer, serverHandshakeSecret: Buffer | undefined): Buffer[] | undefined {
  let pending = Buffer.alloc(0);
  let hello: { suite: number; tls13: boolean } | undefined;
  let keys: RecordKeys | undefined;
  for (let offset = 0; offset + 5 <= data.length;) {
    const type = data[offset] as number;
    const length = data.readUInt16BE(offset + 3);
    if (offset + 5 + length > data.length) return undefined;
    const header = data.subarray(offset, offset + 5);
    const body = data.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    let content: Buffer;
    if (type === 22) {
      content = body;
    } else if (type === 23) {
      if (!hello?.tls13 || !serverHandshakeSecret) return undefined;
      if (!keys) {
        const suite = TLS13_SUITES[hello.suite];
        if (!suite) return undefined;
        const [algorithm, keyLength, hash] = suite;
        keys = {
          algorithm,
          key: expandLabel(hash, serverHandshakeSecret, 'key', keyLength),
          iv: expandLabel(hash, serverHandshakeSecret, 'iv', 12),
          sequence: 0,
        };
      }
      const plain = decryptRecord(keys, header, body);
      if (!plain || plain.type !== 22) return undefined;
      content = plain.content;
    } else if (type === 20) {
      continue;
    } else {
      return undefined;
    }
    pending = Buffer.concat([pending, content]);
    while (pending.length >= 4) {
      const messageLength = pending.readUIntBE(1, 3);
      if (pending.length < 4 + messageLength) break;
      const messageType = pending[0] as number;
      const message = pending.subarray(4, 4 + messageLength);
      pending = pending.subarray(4 + messageLength);
      if (messageType === 2) hello = parseServerHello(message);
      else if (messageType === 11) return parseCertificateMessage(message, hello?.tls13 ?? false);
    }
  }
  return undefined;
}
