/** One deployment a route can send a call to. */
export interface RouteTarget {
  provider: string;
  model: string;
  /** Share of traffic for the weighted strategy; 0 takes the target out of every strategy. */
  weight: number;
}

export type RoutingStrategy = 'weighted' | 'round-robin' | 'least-busy' | 'lowest-latency';

/** The key RouteState tracks a target under: `provider/model`. */
export function formatTargetKey(target: Pick<RouteTarget, 'provider' | 'model'>): string {
  return `${target.provider}/${target.model}`;
}
