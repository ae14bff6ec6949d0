import { DEPLOYABLE_PATHS, find, render, type K8sObject } from './support/render';
import { allContainers, podTemplate, workloads, type Container, type PodSpec } from './support/workloads';

const PROD_PATHS = ['deploy/overlays/prod', 'deploy/overlays/prod-gpu'];
/** Created outside the overlays in production, never committed (docs/kubernetes.md). */
const EXTERNAL_PROD_SECRETS = ['Secret/llm-api-keys', 'Secret/llm-redis-auth'];
/** The image this repository builds (skaffold deploys it by digest); every other image is pinned here. */
const GATEWAY_IMAGE = /^(?:registry\.example\.com\/)?llm-gateway:/;

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

function serviceSpec(service: K8sObject): { selector?: Record<string, string>; ports: ServicePort[] } {
  return service.spec as { selector?: Record<string, string>; ports: ServicePort[] };
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function gatewayPod(objects: K8sObject[]): PodSpec {
  return podTemplate(find(objects, 'Deployment', 'llm-api')).spec;
}

function container(spec: PodSpec, name: string): Container {
  const found = allContainers(spec).find((candidate) => candidate.name === name);
  if (!found) {
    throw new Error(`container ${name} missing`);
  }
  return found;
}

describe.each(DEPLOYABLE_PATHS)('policy: %s', (path) => {
  const objects = render(path);
  const pods = workloads(objects).map((workload) => ({ workload, template: podTemplate(workload) }));

  it('applies the per-pod policies below to every object that runs containers', () => {
    // The loops below pass vacuously over an empty or incomplete list of workloads.
    const id = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;
    const runsContainers = objects.filter((object) => JSON.stringify(object).includes('"containers":['));
    expect(pods.map(({ workload }) => id(workload))).toEqual(runsContainers.map(id));
    expect(pods.map(({ workload }) => id(workload))).toEqual(
      expect.arrayContaining(['Deployment/llm-api', 'StatefulSet/ollama']),
    );
  });

  it('pins third-party images by digest (release tag kept for readers), the gateway by tag', () => {
    for (const { template } of pods) {
      for (const { image } of allContainers(template.spec)) {
        if (GATEWAY_IMAGE.test(image)) {
          const tag = /^[^@]+:([^:/@]+)$/.exec(image)?.[1];
          expect({ image, tag }).toEqual({ image, tag: expect.any(String) as string });
          expect(tag).not.toBe('latest');
          if (PROD_PATHS.includes(path)) {
            expect(tag).toMatch(/^v?\d+\.\d+\.\d+/);
          }
        } else {
          // A tag can be moved to other content; a digest cannot.
          expect(image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+[\w.-]*@sha256:[0-9a-f]{64}$/);
        }
      }
    }
  });

  it('gives every container (init containers too) CPU and memory requests and limits', () => {
    for (const { template } of pods) {
      for (const { name, resources } of allContainers(template.spec)) {
        for (const kind of ['requests', 'limits'] as const) {
          expect({ name, kind, cpu: resources?.[kind]?.cpu, memory: resources?.[kind]?.memory }).toEqual({
            name,
            kind,
            cpu: expect.any(String) as string,
            memory: expect.any(String) as string,
          });
        }
      }
    }
  });

  it('meets the restricted Pod Security Standard the namespace enforces', () => {
    expect(find(render('deploy/namespace'), 'Namespace', 'llm-serving').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    for (const { template } of pods) {
      const podSecurity = template.spec.securityContext;
      expect(template.spec.hostNetwork ?? false).toBe(false);
      expect(template.spec.hostPID ?? false).toBe(false);
      for (const { name, securityContext } of allContainers(template.spec)) {
        expect({ name, nonRoot: securityContext?.runAsNonRoot ?? podSecurity?.runAsNonRoot }).toEqual({
          name,
          nonRoot: true,
        });
        expect(securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(securityContext?.capabilities?.add ?? []).toEqual([]);
        expect(securityContext?.seccompProfile?.type ?? podSecurity?.seccompProfile?.type).toBe(
          'RuntimeDefault',
        );
      }
    }
  });

  it('hardens and sizes the gateway as specified', () => {
    const spec = gatewayPod(objects);
    const gateway = container(spec, 'gateway');
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(gateway.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(gateway.resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    const tmp = gateway.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    expect(gateway.livenessProbe?.httpGet?.path).toBe('/health');
    expect(gateway.readinessProbe?.httpGet?.path).toBe('/ready');
    expect(gateway.startupProbe?.httpGet?.path).toBeDefined();
    expect(gateway.lifecycle?.preStop?.exec?.command).toEqual(['sleep', '5']);
    expect(spec.topologySpreadConstraints?.[0]?.topologyKey).toBe('kubernetes.io/hostname');
    expect(podTemplate(find(objects, 'Deployment', 'llm-api')).metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
  });

  it('runs Ollama as a single-model StatefulSet on its own volume with slow-start probes', () => {
    const statefulSet = find(objects, 'StatefulSet', 'ollama');
    const spec = podTemplate(statefulSet).spec;
    const ollama = container(spec, 'ollama');
    const env = Object.fromEntries(
      ((ollama as { env?: { name: string; value?: string }[] }).env ?? []).map((entry) => [
        entry.name,
        entry.value,
      ]),
    );
    // A current release (0.40 or later), by digest.
    const version = /^ollama\/ollama:(\d+)\.(\d+)\.\d+@sha256:[0-9a-f]{64}$/.exec(ollama.image);
    expect(version).not.toBeNull();
    expect(Number(version?.[1]) * 1000 + Number(version?.[2])).toBeGreaterThanOrEqual(40);
    expect(env).toMatchObject({ OLLAMA_HOST: '0.0.0.0:11434', OLLAMA_KEEP_ALIVE: '-1' });
    expect(Number(env.OLLAMA_NUM_PARALLEL)).toBeGreaterThanOrEqual(1);
    expect(ollama.resources).toMatchObject(
      path === 'deploy/overlays/prod-gpu'
        ? { requests: { cpu: '1', memory: '12Gi' }, limits: { cpu: '4', memory: '24Gi' } }
        : { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '6Gi' } },
    );
    const claims = (statefulSet.spec as { volumeClaimTemplates: K8sObject[] }).volumeClaimTemplates;
    expect(claims[0].spec).toMatchObject({
      resources: { requests: { storage: path === 'deploy/overlays/prod-gpu' ? '100Gi' : '10Gi' } },
    });
    const store = ollama.volumeMounts?.find((mount) => mount.name === claims[0].metadata.name)?.mountPath;
    expect(env.OLLAMA_MODELS?.startsWith(`${store}/`)).toBe(true);
    expect(container(spec, 'pull-model').volumeMounts).toContainEqual({ name: 'models', mountPath: store });
    const startup = ollama.startupProbe as { periodSeconds: number; failureThreshold: number };
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(300);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    expect(serviceSpec(find(objects, 'Service', 'ollama-headless'))).toMatchObject({ clusterIP: 'None' });
    expect((statefulSet.spec as { serviceName: string }).serviceName).toBe('ollama-headless');
  });

  it('points every Service port at a named or numbered port of the pods it selects', () => {
    for (const service of objects.filter((object) => object.kind === 'Service')) {
      const { selector, ports } = serviceSpec(service);
      const selected = pods.filter(({ template }) => selector && selects(selector, template.metadata.labels));
      expect({ service: service.metadata.name, pods: selected.length > 0 }).toEqual({
        service: service.metadata.name,
        pods: true,
      });
      for (const port of ports) {
        const target = port.targetPort ?? port.port;
        for (const { template } of selected) {
          const containerPorts = template.spec.containers.flatMap((candidate) => candidate.ports ?? []);
          const match = containerPorts.find((candidate) =>
            typeof target === 'string' ? candidate.name === target : candidate.containerPort === target,
          );
          expect({ service: service.metadata.name, target, matched: match !== undefined }).toEqual({
            service: service.metadata.name,
            target,
            matched: true,
          });
        }
      }
    }
    const apiService = serviceSpec(find(objects, 'Service', 'llm-api-service'));
    expect(apiService.ports.map((port) => port.port)).toEqual([8080]);
  });

  it('refers only to ConfigMaps and Secrets that are rendered or created out of band', () => {
    const rendered = new Set(
      objects
        .filter((o) => ['ConfigMap', 'Secret'].includes(o.kind))
        .map((o) => `${o.kind}/${o.metadata.name}`),
    );
    const text = JSON.stringify(pods.map(({ template }) => template));
    const refs = [
      ...[...text.matchAll(/"(?:configMapRef|configMapKeyRef|configMap)":\{[^}]*?"name":"([^"]+)"/g)].map(
        (match) => `ConfigMap/${match[1]}`,
      ),
      ...[...text.matchAll(/"secret":\{[^}]*?"secretName":"([^"]+)"/g)].map((match) => `Secret/${match[1]}`),
      ...[...text.matchAll(/"(?:secretRef|secretKeyRef)":\{[^}]*?"name":"([^"]+)"/g)].map(
        (match) => `Secret/${match[1]}`,
      ),
    ];
    expect(refs.length).toBeGreaterThanOrEqual(4);
    const outOfBand = PROD_PATHS.includes(path) ? EXTERNAL_PROD_SECRETS : [];
    expect(refs.filter((ref) => !rendered.has(ref) && !outOfBand.includes(ref))).toEqual([]);
  });
});

describe('policy: prod exposure and resilience', () => {
  const objects = render('deploy/overlays/prod');

  it('autoscales the gateway on CPU and leaves the replica count to the HPA', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'llm-api').spec as Record<string, unknown>;
    expect(hpa).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'llm-api' } });
    expect(hpa.metrics).toContainEqual(expect.objectContaining({ type: 'Resource' }));
    expect((find(objects, 'Deployment', 'llm-api').spec as { replicas?: number }).replicas).toBeUndefined();
  });

  it('keeps a gateway up through voluntary disruptions', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'llm-api').spec as {
      selector: { matchLabels: Record<string, string> };
    };
    expect(
      selects(pdb.selector.matchLabels, podTemplate(find(objects, 'Deployment', 'llm-api')).metadata.labels),
    ).toBe(true);
  });

  it('lets only gateway pods reach Ollama, on 11434 only, and nothing else in by default', () => {
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    expect(find(objects, 'NetworkPolicy', 'default-deny-ingress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const toOllama = policies.filter((policy) =>
      selects(
        (policy.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector.matchLabels ??
          {},
        { 'app.kubernetes.io/name': 'ollama' },
      ),
    );
    const rules = toOllama.flatMap((policy) => (policy.spec as { ingress?: unknown[] }).ingress ?? []);
    expect(rules).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'llm-api' } } }],
        ports: [{ protocol: 'TCP', port: 11434 }],
      },
    ]);
    const edgeKinds = objects.filter((object) => ['Ingress', 'HTTPRoute'].includes(object.kind));
    expect(edgeKinds.length).toBeGreaterThan(0);
    expect(JSON.stringify(edgeKinds)).not.toContain('ollama');
    for (const service of objects.filter((object) => object.kind === 'Service')) {
      expect((service.spec as { type?: string }).type ?? 'ClusterIP').toBe('ClusterIP');
    }
  });

  it('adds the GPU only in the gpu overlay', () => {
    const ollamaSpec = (path: string): PodSpec =>
      podTemplate(find(render(path), 'StatefulSet', 'ollama')).spec;
    expect(JSON.stringify(ollamaSpec('deploy/overlays/prod'))).not.toContain('nvidia.com/gpu');
    const gpu = ollamaSpec('deploy/overlays/prod-gpu') as PodSpec & Record<string, unknown>;
    expect(container(gpu, 'ollama').resources?.limits).toMatchObject({ 'nvidia.com/gpu': '1' });
    expect(gpu.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu' }));
    expect(gpu.nodeSelector).toBeDefined();
  });
});

describe('policy: dev overlay', () => {
  const objects = render('deploy/overlays/dev');

  it('runs the locally built image, one replica, and no Ingress', () => {
    const deployment = find(objects, 'Deployment', 'llm-api');
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    expect(container(podTemplate(deployment).spec, 'gateway').image).toBe('llm-gateway:dev');
    expect(objects.filter((object) => object.kind === 'Ingress')).toEqual([]);
  });
});
