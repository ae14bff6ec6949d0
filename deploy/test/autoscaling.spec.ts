import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { find, gatewayConfigMap, render, renderWithComponents } from './support/render';
import { allContainers, podTemplate } from './support/workloads';

interface ScaledObjectSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  fallback?: { failureThreshold: number; replicas: number };
  advanced?: {
    horizontalPodAutoscalerConfig?: { behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } } };
  };
  triggers: { type: string; metricType?: string; metadata: Record<string, string> }[];
}

/** `promtool check rules` on a recording rule per query: the queries are valid PromQL. */
function promqlErrors(queries: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'keda-promql-'));
  try {
    const file = join(dir, 'queries.yml');
    const rules = queries.map((expr, index) => ({ record: `keda_query_${index}`, expr }));
    writeFileSync(file, stringify({ groups: [{ name: 'keda', rules }] }));
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    return check.status === 0 ? '' : `${check.stdout}${check.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(['deploy/overlays/prod', 'deploy/overlays/prod-gpu'])(
  'ollama-autoscaling component on %s',
  (path) => {
    const objects = renderWithComponents(path, ['ollama-autoscaling']);
    const spec = find(objects, 'ScaledObject', 'ollama').spec as ScaledObjectSpec;

    it('scales the Ollama StatefulSet, which leaves its replica count to the autoscaler', () => {
      expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ollama' });
      expect((find(objects, 'StatefulSet', 'ollama').spec as { replicas?: number }).replicas).toBeUndefined();
      // The gateway's own HPA stays on CPU.
      const hpa = find(objects, 'HorizontalPodAutoscaler', 'llm-api').spec as { metrics: { type: string }[] };
      expect(hpa.metrics.map((metric) => metric.type)).toEqual(['Resource']);
    });

    it('asks for one pod per OLLAMA_NUM_PARALLEL slots of demand: running, queued and shed work', () => {
      const ollama = allContainers(podTemplate(find(objects, 'StatefulSet', 'ollama')).spec).find(
        (container) => container.name === 'ollama',
      ) as { env: { name: string; value?: string }[] };
      const slots = ollama.env.find((entry) => entry.name === 'OLLAMA_NUM_PARALLEL')?.value;
      expect(gatewayConfigMap(objects).MAX_INFLIGHT).toBe(slots);
      expect(spec.triggers).toHaveLength(1);
      const [trigger] = spec.triggers;
      expect(trigger).toMatchObject({ type: 'prometheus', metricType: 'AverageValue' });
      // prod-gpu runs 4 slots per pod: the threshold must follow, or it scales twice too far.
      expect(trigger.metadata.threshold).toBe(path === 'deploy/overlays/prod-gpu' ? '4' : slots);
      for (const metric of [
        'llm_gateway_upstream_inflight',
        'llm_gateway_queue_depth',
        'llm_gateway_load_shed_total',
      ]) {
        expect(trigger.metadata.query).toContain(metric);
      }
      expect(trigger.metadata.serverAddress).toMatch(/^https?:\/\/[^/]+:\d+$/);
      expect(promqlErrors(spec.triggers.map((candidate) => candidate.metadata.query))).toBe('');
    });

    it('keeps two warm pods, a safe fallback, and scales in slower than a pod drains', () => {
      expect(spec.minReplicaCount).toBe(2);
      expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
      expect(spec.fallback?.replicas).toBeGreaterThanOrEqual(spec.minReplicaCount);
      const grace =
        podTemplate(find(objects, 'StatefulSet', 'ollama')).spec.terminationGracePeriodSeconds ?? 0;
      const window =
        spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown?.stabilizationWindowSeconds;
      expect(window).toBeGreaterThanOrEqual(grace);
    });
  },
);

describe('prod without the component', () => {
  it('keeps a fixed pair of Ollama pods', () => {
    const objects = render('deploy/overlays/prod');
    expect(objects.filter((object) => object.kind === 'ScaledObject')).toEqual([]);
    expect((find(objects, 'StatefulSet', 'ollama').spec as { replicas?: number }).replicas).toBe(2);
  });
});
