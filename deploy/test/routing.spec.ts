import { loadConfig } from '@gateway/config';

import { DEPLOYABLE_PATHS, find, gatewayConfigMap, render, type K8sObject } from './support/render';
import { allContainers, podTemplate } from './support/workloads';

interface StatefulSetSpec {
  replicas?: number;
  serviceName: string;
}

function ollamaEnv(statefulSet: K8sObject): Record<string, string | undefined> {
  const ollama = allContainers(podTemplate(statefulSet).spec).find((c) => c.name === 'ollama');
  const env = (ollama as { env?: { name: string; value?: string }[] } | undefined)?.env ?? [];
  return Object.fromEntries(env.map((entry) => [entry.name, entry.value]));
}

describe.each(DEPLOYABLE_PATHS)('routing and load shedding wiring: %s', (path) => {
  const objects = render(path);
  const data = gatewayConfigMap(objects);
  const statefulSet = find(objects, 'StatefulSet', 'ollama');
  const spec = statefulSet.spec as StatefulSetSpec;
  const namespace = statefulSet.metadata.namespace ?? 'default';

  it('lists every Ollama pod, and only those, by its stable name through the headless Service', () => {
    const replicas = spec.replicas ?? 1;
    const pods = Array.from(
      { length: replicas },
      (_, i) => `http://ollama-${i}.${spec.serviceName}.${namespace}.svc.cluster.local:11434`,
    );
    expect(data.OLLAMA_HOSTS?.split(',')).toEqual(pods);
    const headless = find(objects, 'Service', spec.serviceName).spec as {
      clusterIP?: string;
      ports: { port: number }[];
    };
    expect(headless.clusterIP).toBe('None');
    expect(headless.ports.map((port) => port.port)).toContain(11434);
    expect(loadConfig({ ...data }).routing.ollamaHosts).toEqual(pods);
  });

  it('sends each Ollama pod no more than it serves at once, and bounds the wait beyond that', () => {
    expect(data.MAX_INFLIGHT).toBe(ollamaEnv(statefulSet).OLLAMA_NUM_PARALLEL);
    const routing = loadConfig({ ...data }).routing;
    expect(routing.maxQueue).toBeGreaterThan(0);
    // A queued request must be shed long before the drain would have to cut it.
    expect(routing.maxQueueWaitMs).toBeLessThan(Number(data.DRAIN_TIMEOUT_MS));
  });
});
