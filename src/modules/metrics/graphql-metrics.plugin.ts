/**
 * GraphQL metrics through the Yoga Prometheus plugin, on the app's own registry. Only operation
 * count, duration and errors are kept, under names the plugin chooses itself (graphql_envelop_*);
 * HTTP timing is stockline_http_* (all routes), and the plugin's per-phase histograms and
 * summary would multiply the output for little. Operation names come from clients, so they are
 * capped (Metrics.operationName), counted only for signed-in callers, and the error `path` label
 * (list indexes) is left out.
 */
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './metrics.registry.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function useGraphQLMetrics(metrics: Metrics): Plugin {
  const { registry } = metrics;
  // Only a signed-in caller's operation takes a new one of the capped label slots (anyone could
  // otherwise fill them with made-up names and leave every real operation as "other"). Parse and
  // validation errors come before the caller is known: they use a name already seen, or "other".
  const operation = (params: FillLabelsFnParams, context?: { actor?: unknown }) => ({
    operationType: params.operationType ?? 'unknown',
    operationName: metrics.operationName(params.operationName, Boolean(context?.actor)),
  });
  return usePrometheus({
    registry,
    // /metrics is served by the app (token check, every route), not by Yoga.
    endpoint: false,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed (HTTP and WebSocket), by type and name.', labelNames: ['operationType', 'operationName'] },
        fillLabelsFn: operation,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time to execute a GraphQL operation, in seconds (a subscription: until it ends).',
          labelNames: ['operationType', 'operationName'],
          buckets: BUCKETS,
        },
        fillLabelsFn: operation,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Errors in GraphQL results, by operation and phase (parse, validate, context, execute, subscribe).',
          labelNames: ['operationType', 'operationName', 'phase'],
        },
        // Only a failed subscription source stream comes without a phase.
        fillLabelsFn: (params, context) => ({ ...operation(params, context), phase: params.errorPhase ?? 'subscribe' }),
      }),
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_yoga_http_duration: false,
    },
  });
}

/**
 * Open subscriptions, whatever carries them (graphql-ws or Yoga's server-sent events): counted
 * when the stream exists, uncounted once when it ends — completed, closed by the client or its
 * socket, or failed.
 */
export function useSubscriptionGauge(metrics: Metrics): Plugin {
  return {
    onSubscribe() {
      let open = false;
      const end = () => {
        if (!open) return;
        open = false;
        metrics.subscriptions.dec();
      };
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in Object(result))) return;
          open = true;
          metrics.subscriptions.inc();
          return { onEnd: end };
        },
        onSubscribeError: end,
      };
    },
  };
}
