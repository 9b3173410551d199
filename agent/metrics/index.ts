/** Prometheus metrics of the agent (architecture §12); the server mounts `render` at GET /metrics. */
export {
  type AgentMetrics,
  type AgentMetricsOptions,
  createAgentMetrics,
  type MetricsExposition,
} from './agent-metrics.js';
