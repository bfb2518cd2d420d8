import { renderText } from '../../../adapters/cli/render-text';
import { freePort, startPostfix } from '../../helpers/postfix';
import { relayApp } from '../../unit/relay/relay-app';
it('dump', async () => {
  const port = await freePort(22150, 22199); const tlsPort = await freePort(22150, 22199, [port]);
  const pf = await startPostfix({ port, tlsPort });
  try {
    const WRONG = [
      { name: 'Default Frontend', remoteIpRanges: ['127.0.0.0/8'], anonymousRelay: false },
      { name: 'Printers', remoteIpRanges: ['127.0.0.3-127.0.0.7'], anonymousRelay: true },
    ];
    const lb = { name: 'SMTP_VS', dataGroup: { name: 'smtp_relay_allowed', members: ['10.0.5.20', '10.0.6.0/24'] }, relaySnat: '10.0.0.200', defaultSnat: 'automap', selfIps: ['10.0.0.100'], expectedConnections: 60000 };
    const conns = [{ name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'] }, { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.0/24'], anonymousRelay: true }];
    for (const [cfg, text] of [[{ relay: { connectors: WRONG } }, `relay 127.0.0.2 via 127.0.0.1:${port}`], [{ relay: { connectors: WRONG } }, `relay 127.0.0.3 via 127.0.0.1:${port}`], [{ relay: { loadBalancer: lb, connectors: conns } }, 'relay 10.1.2.3 --policy-only'], [{ relay: { connectors: WRONG, probe: {allowXclient: true} } }, `relay 10.9.9.9 via 127.0.0.1:${tlsPort}`]] as const) {
      const r = await relayApp(cfg as Record<string, unknown>).ask(text);
      console.log(text + '\n' + renderText(r, { color: false }));
    }
  } finally { await pf.stop(); }
});
