import { find, gatewayConfigMap, render, type K8sObject } from './support/render';
import { allContainers, podTemplate, type PodSpec, type PodTemplate } from './support/workloads';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

const PASSWORD_REF = { secretKeyRef: { name: 'llm-redis-auth', key: 'password' } };

function redisPod(objects: K8sObject[]): PodTemplate {
  return podTemplate(find(objects, 'Deployment', 'llm-redis'));
}

function redisContainer(objects: K8sObject[]) {
  return allContainers(redisPod(objects).spec)[0] as ReturnType<typeof allContainers>[number] & {
    args: string[];
    env: EnvVar[];
  };
}

function argValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

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

  it('gives the gateway REDIS_URL with the password of the Secret, reaching the Redis Service', () => {
    // Not in the ConfigMap: the URL carries the password, expanded by the kubelet from the Secret.
    expect(gatewayConfigMap(objects).REDIS_URL).toBeUndefined();
    const gateway = allContainers(podTemplate(find(objects, 'Deployment', 'llm-api')).spec).find(
      (c) => c.name === 'gateway',
    ) as ReturnType<typeof allContainers>[number] & { env: EnvVar[] };
    const names = gateway.env.map((entry) => entry.name);
    // $(VAR) only expands variables defined earlier in the list.
    expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf('REDIS_URL'));
    expect(gateway.env.find((entry) => entry.name === 'REDIS_PASSWORD')?.valueFrom).toEqual(PASSWORD_REF);
    const template = gateway.env.find((entry) => entry.name === 'REDIS_URL')?.value ?? '';
    expect(template).toContain(':$(REDIS_PASSWORD)@');
    const url = new URL(template.replace('$(REDIS_PASSWORD)', 'a1b2c3'));
    expect(url.password).toBe('a1b2c3');
    const service = find(objects, 'Service', url.hostname).spec as {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string }[];
    };
    expect(service.ports.map((p) => p.port)).toContain(Number(url.port));
    expect(redisPod(objects).metadata.labels).toMatchObject(service.selector);
  });

  it('runs a patched Redis (CVE-2025-49844) by digest, with AUTH from the Secret and protected mode on', () => {
    const redis = redisContainer(objects);
    const version = /^redis:(\d+)\.(\d+)\.(\d+)-alpine@sha256:[0-9a-f]{64}$/.exec(redis.image);
    expect(version).not.toBeNull();
    const [major, minor, patch] = (version ?? []).slice(1).map(Number);
    // The Lua use-after-free is fixed in 7.2.11, 7.4.6, 8.0.4, 8.2.2 and every later line.
    const fixedIn: Record<string, number> = { '7.2': 11, '7.4': 6, '8.0': 4, '8.2': 2 };
    const line = `${major}.${minor}`;
    expect(major > 8 || (major === 8 && minor > 2) || patch >= (fixedIn[line] ?? Infinity)).toBe(true);
    expect(argValue(redis.args, '--requirepass')).toBe('$(REDIS_PASSWORD)');
    expect(argValue(redis.args, '--protected-mode')).toBe('yes');
    expect(redis.env.find((entry) => entry.name === 'REDIS_PASSWORD')?.valueFrom).toEqual(PASSWORD_REF);
    // The probe authenticates through REDISCLI_AUTH and needs the PONG (redis-cli exits 0 on NOAUTH).
    expect(redis.env.find((entry) => entry.name === 'REDISCLI_AUTH')?.valueFrom).toEqual(PASSWORD_REF);
    expect(JSON.stringify(redis.readinessProbe)).toContain('grep -qx PONG');
    expect(redis.livenessProbe).toBeDefined();
    // Counters only: nothing written to disk.
    expect(redis.args).toEqual(expect.arrayContaining(['--save', '', '--appendonly', 'no']));
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
