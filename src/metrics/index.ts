export { createMetrics, type Metrics, type MetricsOptions } from './registry';
