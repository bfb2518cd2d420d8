import type { ChatRequest } from '../../../src/core/chat-request';
import { errorReply, makeReply } from '../../../src/core/reply';
import type { CompletedEvent } from '../../../src/core/router';
import { createMetrics } from '../../../src/metrics';
import { fakeId } from '../../helpers/finding-id';

const request = (platform: ChatRequest['platform']): ChatRequest => ({
  platform,
  door: 'command',
  userId: 'U1',
  channelId: 'C1',
  rawText: 'x',
  text: 'x',
});

function event(
  command: string,
  platform: ChatRequest['platform'],
  durationMs: number,
  findings: string[],
): CompletedEvent {
  const reply = findings.includes('net.timeout')
    ? errorReply(command, { id: 'net.timeout', severity: 'error', message: 'TLS handshake timed out' })
    : makeReply({
        command,
        title: 't',
        findings: findings.map((id) => ({
          id: fakeId(id),
          severity: id.endsWith('fail') ? 'fail' : 'ok',
          message: 'm',
        })),
      });
  return { request: request(platform), command, reply, durationMs, correlationId: 'c' };
}

/** Reads one sample's value from the exposition text. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('metrics registry', () => {
  it('counts commands by name, status and platform; durations; probe timeouts; acknowledgement latency', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.onCompleted(event('cert', 'slack', 120, ['cert.ok']));
    metrics.onCompleted(event('cert', 'slack', 80, ['cert.ok']));
    metrics.onCompleted(event('cert', 'teams', 5000, ['net.timeout']));
    metrics.onCompleted(event('relay', 'cli', 30, ['relay.fail']));
    metrics.observeAck('slack', 'command', 0.004);
    metrics.observeAck('slack', 'command', Number.NaN);
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain/);
    expect(sample(body, 'diagbot_commands_total{command="cert",status="ok",platform="slack"}')).toBe(2);
    expect(sample(body, 'diagbot_commands_total{command="cert",status="error",platform="teams"}')).toBe(1);
    expect(sample(body, 'diagbot_commands_total{command="relay",status="fail",platform="cli"}')).toBe(1);
    expect(sample(body, 'diagbot_command_duration_seconds_count{command="cert",platform="slack"}')).toBe(2);
    expect(sample(body, 'diagbot_command_duration_seconds_sum{command="cert",platform="slack"}')).toBeCloseTo(0.2, 6);
    expect(sample(body, 'diagbot_command_duration_seconds_bucket{le="0.1",command="cert",platform="slack"}')).toBe(1);
    expect(sample(body, 'diagbot_probe_timeouts_total{command="cert"}')).toBe(1);
    expect(sample(body, 'diagbot_probe_timeouts_total{command="relay"}')).toBeUndefined();
    expect(sample(body, 'diagbot_ack_latency_seconds_count{platform="slack",door="command"}')).toBe(1);
    expect(sample(body, 'diagbot_ack_latency_seconds_bucket{le="0.005",platform="slack",door="command"}')).toBe(1);
  });

  it('includes process metrics unless asked not to, and registries do not share state', async () => {
    const a = createMetrics();
    const b = createMetrics({ defaultMetrics: false });
    a.onCompleted(event('help', 'slack', 1, []));
    expect((await a.render()).body).toContain('process_resident_memory_bytes');
    expect((await b.render()).body).not.toContain('process_resident_memory_bytes');
    expect((await b.render()).body).not.toContain('command="help"');
  });
});
