export { createMetrics, type MetricsOptions } from './registry';
export { noMetrics, type Metrics } from './types';
