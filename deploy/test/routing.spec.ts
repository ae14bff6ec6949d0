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

  it('reaches every ready Ollama pod through the headless Service: by DNS discovery, or by name', () => {
    const headless = find(objects, 'Service', spec.serviceName).spec as {
      clusterIP?: string;
      publishNotReadyAddresses?: boolean;
      ports: { port: number }[];
    };
    expect(headless.clusterIP).toBe('None');
    // Pods loading their model or terminating must not be resolved, or they get new requests.
    expect(headless.publishNotReadyAddresses ?? false).toBe(false);
    expect(headless.ports.map((port) => port.port)).toContain(11434);
    const host = `${spec.serviceName}.${namespace}.svc.cluster.local`;
    if (data.OLLAMA_DISCOVERY !== undefined) {
      // Any number of replicas (the autoscaler changes it): the gateways re-resolve the Service.
      expect(data.OLLAMA_DISCOVERY).toBe(`dns://${host}:11434`);
      expect(Number(data.OLLAMA_DISCOVERY_INTERVAL_MS)).toBeGreaterThan(0);
      expect(data.OLLAMA_HOSTS).toBeUndefined();
      // The gateway accepts the setting as it is rendered, and has no static endpoint besides it.
      const routing = loadConfig({ ...data }).routing;
      expect(routing.discovery.sources.map((source) => source.name)).toEqual([`dns://${host}:11434`]);
      expect(routing.ollamaHosts).toEqual([]);
    } else {
      const pods = Array.from({ length: spec.replicas ?? 1 }, (_, i) => `http://ollama-${i}.${host}:11434`);
      expect(data.OLLAMA_HOSTS?.split(',')).toEqual(pods);
      expect(loadConfig({ ...data }).routing.ollamaHosts).toEqual(pods);
    }
  });

  it('sends each Ollama pod no more than it serves at once, and bounds the wait beyond that', () => {
    expect(data.MAX_INFLIGHT).toBe(ollamaEnv(statefulSet).OLLAMA_NUM_PARALLEL);
    const routing = loadConfig({ ...data }).routing;
    expect(routing.maxQueue).toBeGreaterThan(0);
    // A queued request must be shed long before the drain would have to cut it.
    expect(routing.maxQueueWaitMs).toBeLessThan(Number(data.DRAIN_TIMEOUT_MS));
  });
});

describe('routing: prod', () => {
  it.each(['deploy/overlays/prod', 'deploy/overlays/prod-gpu'])(
    '%s discovers the Ollama pods through DNS instead of a static list',
    (path) => {
      expect(gatewayConfigMap(render(path)).OLLAMA_DISCOVERY).toMatch(/^dns:\/\//);
    },
  );
});
