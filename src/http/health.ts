import type { ComponentState, HealthRegistry } from '../core/http-host';

/** One /healthz or /readyz registry: component → state. Loads nothing, so createApp makes them before any server. */
export function createHealthRegistry(): HealthRegistry {
  const components = new Map<string, ComponentState>();
  return {
    set: (component, up, reason) =>
      void components.set(component, up || reason === undefined ? { up } : { up, reason }),
    snapshot: () => Object.fromEntries([...components].map(([name, state]) => [name, state.up])),
    details: () => Object.fromEntries([...components].map(([name, state]) => [name, { ...state }])),
  };
}
