/**
 * The exact configuration changes the relay findings recommend, as the commands an admin runs: `tmsh`
 * on the BIG-IP, Exchange Management Shell on the mail servers. Values are quoted for the shell they go
 * to, so a connector named `Relay 'Apps'` still yields a command that runs.
 */
export type ChangePurpose =
  | 'add-client-to-data-group'
  | 'add-to-relay-connector'
  | 'add-to-connector'
  | 'remove-from-connector'
  | 'create-relay-connector'
  | 'grant-anonymous-relay'
  | 'create-snat-pool'
  | 'use-snat-pool'
  | 'dedicated-default-snat'
  | 'inspect-connectors';

export interface Change {
  purpose: ChangePurpose;
  /** Where it is run. */
  shell: 'tmsh' | 'exchange-powershell' | 'irule';
  command: string;
}

/** A PowerShell single-quoted string. */
export function psQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A tmsh object name: letters, digits and . _ - / stay; anything else is quoted. */
function tmshName(value: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function hostPrefix(address: string): string {
  return address.includes(':') ? `${address}/128` : `${address}/32`;
}

export function addToDataGroup(dataGroup: string, address: string): Change {
  return {
    purpose: 'add-client-to-data-group',
    shell: 'tmsh',
    command: `tmsh modify ltm data-group internal ${tmshName(dataGroup)} records add { ${hostPrefix(address)} }`,
  };
}

/** Changes one connector's RemoteIPRanges on every server (the pipeline finds it by name on each). */
export function setConnectorRanges(
  connector: string,
  edit: { add?: string[]; remove?: string[] },
  purpose: ChangePurpose,
): Change {
  const parts: string[] = [];
  if (edit.add && edit.add.length > 0) parts.push(`Add=${edit.add.map(psQuote).join(',')}`);
  if (edit.remove && edit.remove.length > 0) parts.push(`Remove=${edit.remove.map(psQuote).join(',')}`);
  return {
    purpose,
    shell: 'exchange-powershell',
    command: `Get-ReceiveConnector | Where-Object { $_.Name -eq ${psQuote(connector)} } | Set-ReceiveConnector -RemoteIPRanges @{${parts.join('; ')}}`,
  };
}

/** A new anonymous-relay connector on a server, and the permission that lets anonymous senders relay. */
export function createRelayConnector(name: string, ranges: string[]): Change[] {
  return [
    {
      purpose: 'create-relay-connector',
      shell: 'exchange-powershell',
      command: `New-ReceiveConnector -Name ${psQuote(name)} -Server <server> -TransportRole FrontendTransport -Custom -Bindings 0.0.0.0:25 -RemoteIPRanges ${ranges.map(psQuote).join(',')} -PermissionGroups AnonymousUsers`,
    },
    {
      purpose: 'grant-anonymous-relay',
      shell: 'exchange-powershell',
      command: `Get-ReceiveConnector | Where-Object { $_.Name -eq ${psQuote(name)} } | Add-ADPermission -User 'NT AUTHORITY\\ANONYMOUS LOGON' -ExtendedRights 'Ms-Exch-SMTP-Accept-Any-Recipient'`,
    },
  ];
}

/** What the servers really have: ranges, permission groups and who holds Accept-Any-Recipient. */
export function inspectConnectors(): Change {
  return {
    purpose: 'inspect-connectors',
    shell: 'exchange-powershell',
    command:
      "Get-ReceiveConnector | Get-ADPermission | Where-Object { $_.ExtendedRights -like '*Accept-Any-Recipient*' } | Format-Table Identity,User -AutoSize; Get-ReceiveConnector | Format-List Identity,Bindings,RemoteIPRanges,PermissionGroups",
  };
}

export function createSnatPool(name: string, members: string[]): Change[] {
  return [
    {
      purpose: 'create-snat-pool',
      shell: 'tmsh',
      command: `tmsh create ltm snatpool ${tmshName(name)} members add { ${members.join(' ')} }`,
    },
    { purpose: 'use-snat-pool', shell: 'irule', command: `snatpool ${tmshName(name)}` },
  ];
}

export function dedicatedDefaultSnat(): Change {
  return {
    purpose: 'dedicated-default-snat',
    shell: 'irule',
    command: 'snat <an address that no relay connector lists>',
  };
}
