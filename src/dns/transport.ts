import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { Socket, isIPv6 } from 'node:net';
import * as packet from 'dns-packet';
import { withDeadline } from '../net/deadline';
import type { DnsServer } from './types';

/** EDNS payload size from the DNS Flag Day 2020 advice: no IP fragmentation on common paths. */
const UDP_PAYLOAD = 1232;
/** An answer larger than this is refused (TCP messages cannot exceed 65535 anyway). */
export const MAX_ANSWER_BYTES = 65_535;

export interface RawQuery {
  name: string;
  type: packet.RecordType;
  /** Ask for the answer without validation (to tell a bogus zone from a broken server). */
  checkingDisabled?: boolean;
}

function encodeQuery(query: RawQuery, id: number): Buffer {
  return packet.encode({
    type: 'query',
    id,
    // RD, and AD in the query (RFC 6840 §5.7) so the resolver reports validation without sending signatures.
    flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA | (query.checkingDisabled ? packet.CHECKING_DISABLED : 0),
    questions: [{ type: query.type, name: query.name, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: UDP_PAYLOAD,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: packet.DNSSEC_OK,
        flag_do: true,
        options: [],
      },
    ],
  });
}

function matches(response: packet.DecodedPacket, id: number, query: RawQuery): boolean {
  const question = response.questions?.[0];
  return (
    response.id === id &&
    response.type === 'response' &&
    question !== undefined &&
    question.type === query.type &&
    question.name.toLowerCase() === query.name.toLowerCase().replace(/\.$/, '')
  );
}

function literalLookup(
  hostname: string,
  _options: unknown,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  callback(null, hostname, isIPv6(hostname) ? 6 : 4);
}

function udpExchange(server: DnsServer, query: RawQuery, signal: AbortSignal): Promise<packet.DecodedPacket> {
  const id = randomInt(0, 0x10000);
  // Servers are addresses: the literal lookup keeps dgram from asking the system resolver (it looks up even 0.0.0.0).
  const socket = createSocket({ type: isIPv6(server.host) ? 'udp6' : 'udp4', lookup: literalLookup });
  return new Promise<packet.DecodedPacket>((resolve, reject) => {
    const done = (): void => {
      socket.close();
    };
    signal.addEventListener('abort', done, { once: true });
    socket.on('error', (error) => {
      done();
      reject(error);
    });
    socket.on('message', (message, remote) => {
      // Only the server asked may answer, with our id and question (off-path spoofing needs both).
      if (remote.address !== server.host || remote.port !== server.port) return;
      let response: packet.DecodedPacket;
      try {
        response = packet.decode(message);
      } catch {
        return;
      }
      if (!matches(response, id, query)) return;
      signal.removeEventListener('abort', done);
      done();
      resolve(response);
    });
    socket.send(encodeQuery(query, id), server.port, server.host, (error) => {
      if (error) {
        done();
        reject(error);
      }
    });
  });
}

function tcpExchange(server: DnsServer, query: RawQuery, signal: AbortSignal): Promise<packet.DecodedPacket> {
  const id = randomInt(0, 0x10000);
  const socket = new Socket();
  return new Promise<packet.DecodedPacket>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    signal.addEventListener('abort', () => socket.destroy(), { once: true });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`${server.host}:${server.port} closed the TCP connection before answering`)),
    );
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < length + 2) return;
      socket.destroy();
      try {
        const response = packet.decode(buffered.subarray(2, length + 2));
        if (!matches(response, id, query)) throw new Error('the TCP answer does not match the question');
        resolve(response);
      } catch (error) {
        reject(error);
      }
    });
    socket.connect({ host: server.host, port: server.port }, () => {
      const message = encodeQuery(query, id);
      const framed = Buffer.alloc(message.length + 2);
      framed.writeUInt16BE(message.length, 0);
      message.copy(framed, 2);
      socket.write(framed);
    });
  });
}

/**
 * One question to one server within `timeoutMs`: UDP first, TCP when the answer was truncated.
 * The TCP attempt gets its own deadline (a large answer is worth the second round trip).
 */
export async function exchange(server: DnsServer, query: RawQuery, timeoutMs: number): Promise<packet.DecodedPacket> {
  const where = `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  const udp = await withDeadline(`the DNS answer for ${query.name} ${query.type} from ${where}`, timeoutMs, (signal) =>
    udpExchange(server, query, signal),
  );
  if (!udp.flag_tc) return udp;
  return withDeadline(`the DNS answer for ${query.name} ${query.type} over TCP from ${where}`, timeoutMs, (signal) =>
    tcpExchange(server, query, signal),
  );
}
