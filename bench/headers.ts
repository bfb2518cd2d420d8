import libmime from 'libmime';
import { headersReply } from '../commands/headers/reply';
import { loadHeadersTexts } from '../commands/headers/texts';
import { analyseHeaders } from '../src/headers/analyse';
import { percentile, report, rssMb } from './stats';

/**
 * `headers` on a 60-hop, 64 KB header block: time per paste (the engine alone, and the whole answer with the
 * Reply built) and memory. Baseline measured in the same run: libmime's `decodeHeaders` over the same text —
 * the unfold-and-split floor every header parser pays — so the ratio shows what the diagnosis adds.
 */
const HOPS = 60;
const TARGET_BYTES = 64 * 1024;
const WARMUP = 200;
const ROUNDS = 3000;

function stamp(base: number, seconds: number): string {
  return new Date(base + seconds * 1000).toUTCString().replace('GMT', '+0000');
}

/** A realistic block: 60 Received: lines of the shapes Postfix and Exchange write, authentication, verdicts, then DKIM/ARC padding up to 64 KB. */
export function buildBlock(): string {
  const base = Date.UTC(2026, 11, 5, 9, 0, 0);
  const lines: string[] = [];
  for (let i = HOPS; i > 0; i -= 1) {
    // A 1 h 40 min hold before hop 31.
    const at = stamp(base, i * 7 + (i >= 31 ? 6000 : 0));
    lines.push(
      i % 2 === 0
        ? `Received: from relay${i - 1}.contoso.local (10.1.${i}.11) by relay${i}.contoso.local\n (10.1.${i}.12) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.39; ${at}`
        : `Received: from mx${i - 1}.example.net (mx${i - 1}.example.net [192.0.2.${i}])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n\t(No client certificate requested)\n\tby mx${i}.example.net (Postfix) with ESMTPS id 4Xyz${i}\n\tfor <bob@example.net>; ${at}`,
    );
  }
  lines.push(
    'Authentication-Results: spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.net; dkim=pass (signature was verified) header.d=example.net;dmarc=pass action=none header.from=example.net;compauth=pass reason=100',
    'X-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:NL;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mx0.example.net;PTR:mx0.example.net;CAT:NONE;SFS:(13230040);DIR:INB;',
    'X-Microsoft-Antispam: BCL:0;',
    'From: Alice <alice@example.net>',
    'To: bob@example.net',
    'Subject: =?UTF-8?Q?Benchmark_r=C3=A9sum=C3=A9?=',
    `Date: ${stamp(base, 0)}`,
    'Message-ID: <bench@example.net>',
  );
  let block = lines.join('\n');
  for (let k = 0; Buffer.byteLength(block) < TARGET_BYTES; k += 1) {
    block = `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s${k};\n\th=from:to:subject:date;\n\tb=${'A'.repeat(340)}\n${block}`;
  }
  return block;
}

function time(work: () => unknown): { p50: number; p99: number; mean: number } {
  for (let i = 0; i < WARMUP; i += 1) work();
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i += 1) {
    const t0 = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS,
  };
}

export async function run(): Promise<void> {
  const block = buildBlock();
  // Loaded once, as a run of the command does; the timings are of the answer, not of reading the file.
  const texts = await loadHeadersTexts();
  const check = analyseHeaders(block);
  report('headers', 'paste size', Buffer.byteLength(block) / 1024, 'KB');
  report('headers', 'hops read', check.hops.length, 'hops');
  report('headers', 'largest delay found', check.largestDelay?.seconds ?? 0, 's');

  const baseline = time(() => libmime.decodeHeaders(block));
  const engine = time(() => analyseHeaders(block));
  const whole = time(() => headersReply(analyseHeaders(block), texts));
  report('headers', 'baseline libmime.decodeHeaders p50', baseline.p50, 'ms');
  report('headers', 'analyseHeaders p50', engine.p50, 'ms');
  report('headers', 'analyseHeaders p99', engine.p99, 'ms');
  report('headers', 'analyse + Reply p50 (target <= 5 ms)', whole.p50, 'ms');
  report('headers', 'analyse + Reply p99', whole.p99, 'ms');
  report('headers', 'analyse + Reply mean', whole.mean, 'ms');
  report('headers', 'ratio analyse + Reply / baseline (p50)', whole.p50 / baseline.p50, 'x');

  // Memory: what one answer keeps (its JSON), and the heap after many pastes once garbage is collected.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: 100 }, () => headersReply(analyseHeaders(block), texts));
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  report('headers', 'Reply JSON size', Buffer.byteLength(JSON.stringify(kept[0])) / 1024, 'KB');
  report('headers', 'heap held per kept Reply', (heapAfter - heapBefore) / kept.length / 1024, 'KB');
  report('headers', 'rss', rssMb(), 'MB');
}
