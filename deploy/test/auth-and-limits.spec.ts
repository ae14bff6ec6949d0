import { find, gatewayConfigMap, render } from './support/render';
import { allContainers, podTemplate, type PodSpec } from './support/workloads';

interface Volume {
  name: string;
  secret?: { secretName: string };
}

describe.each(['deploy/overlays/prod', 'deploy/overlays/prod-gpu'])('auth and shared limits: %s', (path) => {
  const objects = render(path);

  it('turns API keys on, read from the llm-api-keys Secret mounted as a file', () => {
    const data = gatewayConfigMap(objects);
    expect(data.AUTH_MODE).toBe('keys');
    const spec: PodSpec = podTemplate(find(objects, 'Deployment', 'llm-api')).spec;
    const gateway = allContainers(spec).find((c) => c.name === 'gateway');
    const mount = gateway?.volumeMounts?.find((m) => data.API_KEYS_FILE.startsWith(`${m.mountPath}/`));
    expect(mount).toBeDefined();
    const volume = (spec.volumes as Volume[]).find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe('llm-api-keys');
  });

  it('points REDIS_URL at the Redis component, whose Service reaches its pod', () => {
    const url = new URL(gatewayConfigMap(objects).REDIS_URL);
    const service = find(objects, 'Service', url.hostname).spec as {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string }[];
    };
    expect(service.ports.map((p) => p.port)).toContain(Number(url.port));
    const redis = podTemplate(find(objects, 'Deployment', 'llm-redis'));
    expect(redis.metadata.labels).toMatchObject(service.selector);
    const container = allContainers(redis.spec)[0] as ReturnType<typeof allContainers>[number] & {
      args: string[];
    };
    expect(container.readinessProbe).toBeDefined();
    expect(container.livenessProbe).toBeDefined();
    // Counters only: nothing written to disk.
    expect(container.args).toEqual(expect.arrayContaining(['--save', '', '--appendonly', 'no']));
  });

  it('lets only gateway pods reach Redis, on 6379 only', () => {
    const policy = find(objects, 'NetworkPolicy', 'llm-redis-from-gateway-only').spec;
    expect(policy).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'llm-redis' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'llm-api' } } }],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ],
    });
  });
});
