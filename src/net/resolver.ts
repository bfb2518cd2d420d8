export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** The DNS port: the system resolver by default, a table in tests (so a name can resolve anywhere). */
export interface Resolver {
  resolve(hostname: string): Promise<ResolvedAddress[]>;
}

export const systemResolver: Resolver = {
  async resolve(hostname) {
    // Loaded on first lookup: a start that resolves nothing (`help`, `explain`) never loads the DNS module.
    const { lookup } = await import('node:dns/promises');
    const answers = await lookup(hostname, { all: true, verbatim: true });
    return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  },
};

/** A resolver from a fixed table, for tests and benchmarks; unknown names fail like NXDOMAIN. */
export function tableResolver(table: Record<string, string[]>): Resolver {
  return {
    async resolve(hostname) {
      const answers = table[hostname.toLowerCase()];
      if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}
