import { find, render, renderWithComponents, type K8sObject } from './support/render';

interface HTTPRouteSpec {
  parentRefs: { name: string; sectionName?: string }[];
  hostnames: string[];
  rules: {
    matches?: { path: { type: string; value: string } }[];
    backendRefs?: { name: string; port: number }[];
    timeouts?: { request?: string; backendRequest?: string };
    filters?: { type: string; requestRedirect?: { scheme: string } }[];
  }[];
}

interface GatewaySpec {
  listeners: {
    name: string;
    protocol: string;
    port: number;
    hostname?: string;
    tls?: { certificateRefs: { kind?: string; name: string }[] };
  }[];
}

interface PolicyPeer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: { from: PolicyPeer[]; ports: { protocol: string; port: number }[] }[];
  egress?: { to: PolicyPeer[]; ports: { protocol: string; port: number }[] }[];
}

/** Gateway API durations (`1h`, `30m`, `90s`, `1h30m`...) in seconds; "0s" disables a timeout. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return [...duration.matchAll(/(\d+)(ms|h|m|s)/g)].reduce(
    (total, [, value, unit]) => total + Number(value) * units[unit],
    0,
  );
}

function policies(objects: K8sObject[]): { name: string; spec: PolicySpec }[] {
  return objects
    .filter((object) => object.kind === 'NetworkPolicy')
    .map((object) => ({ name: object.metadata.name, spec: object.spec as PolicySpec }));
}

describe.each(['deploy/overlays/prod', 'deploy/overlays/prod-gpu'])('production edge: %s', (path) => {
  const objects = render(path);

  it('serves /v1 only, through a Gateway API v1 HTTPRoute on an HTTPS listener with TLS', () => {
    const route = find(objects, 'HTTPRoute', 'llm-api');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    const spec = route.spec as HTTPRouteSpec;
    const gateway = find(objects, 'Gateway', spec.parentRefs[0].name).spec as GatewaySpec;
    const listener = gateway.listeners.find((candidate) => candidate.name === spec.parentRefs[0].sectionName);
    expect(listener).toMatchObject({ protocol: 'HTTPS', port: 443 });
    expect(listener?.tls?.certificateRefs).toEqual([{ kind: 'Secret', name: 'llm-api-tls' }]);
    expect(spec.hostnames).toEqual([listener?.hostname]);
    expect(spec.rules.flatMap((rule) => rule.matches ?? [])).toEqual([
      { path: { type: 'PathPrefix', value: '/v1' } },
    ]);
    for (const ref of spec.rules.flatMap((rule) => rule.backendRefs ?? [])) {
      const service = find(objects, 'Service', ref.name).spec as { ports: { port: number }[] };
      expect(service.ports.map((port) => port.port)).toContain(ref.port);
    }
    expect(objects.filter((object) => object.kind === 'Ingress')).toEqual([]);
  });

  it('lets streams run for up to an hour instead of the implementation default (Envoy: 15 s)', () => {
    const spec = find(objects, 'HTTPRoute', 'llm-api').spec as HTTPRouteSpec;
    for (const rule of spec.rules) {
      expect(rule.timeouts?.request).toBeDefined();
      expect(seconds(rule.timeouts?.request ?? '')).toBeGreaterThanOrEqual(3600);
      expect(seconds(rule.timeouts?.backendRequest ?? '')).toBeGreaterThanOrEqual(3600);
    }
  });

  it('redirects plain HTTP to HTTPS', () => {
    const spec = find(objects, 'HTTPRoute', 'llm-api-https-redirect').spec as HTTPRouteSpec;
    expect(spec.rules[0].filters).toEqual([
      { type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } },
    ]);
  });

  it('admits edge and scrape traffic by namespace label, naming no controller', () => {
    const all = policies(objects);
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/ingress-nginx|envoy|istio|traefik/i);
    // Only the cluster DNS is named (kube-system); every other namespace opts in by label.
    const named = all.flatMap(({ spec }) =>
      [
        ...(spec.ingress ?? []).flatMap((rule) => rule.from),
        ...(spec.egress ?? []).flatMap((rule) => rule.to),
      ]
        .map((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'])
        .filter((name) => name !== undefined),
    );
    expect([...new Set(named)]).toEqual(['kube-system']);
    const toGateway = all.filter(
      ({ spec }) => spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'llm-api',
    );
    const sources = toGateway.flatMap(({ spec }) => (spec.ingress ?? []).flatMap((rule) => rule.from));
    expect(sources).toEqual([
      { namespaceSelector: { matchLabels: { 'llm-gateway/edge': 'true' } } },
      { namespaceSelector: { matchLabels: { 'llm-gateway/scrape': 'true' } } },
    ]);
  });

  it('denies egress by default and opens only DNS, gateway to Ollama and Redis, Ollama to public HTTPS', () => {
    const all = policies(objects);
    expect(find(objects, 'NetworkPolicy', 'default-deny-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
    });
    const egress = all.flatMap(({ spec }) =>
      (spec.egress ?? []).map((rule) => ({
        from: spec.podSelector.matchLabels?.['app.kubernetes.io/name'] ?? '*',
        to: rule.to.map(
          (peer) =>
            peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ??
            peer.podSelector?.matchLabels?.['k8s-app'] ??
            peer.ipBlock?.cidr,
        ),
        ports: rule.ports.map((port) => `${port.protocol}/${port.port}`),
      })),
    );
    expect(egress).toEqual(
      expect.arrayContaining([
        { from: '*', to: ['kube-dns'], ports: ['UDP/53', 'TCP/53'] },
        { from: 'llm-api', to: ['ollama'], ports: ['TCP/11434'] },
        { from: 'llm-api', to: ['llm-redis'], ports: ['TCP/6379'] },
        { from: 'ollama', to: ['0.0.0.0/0', '::/0'], ports: ['TCP/443'] },
      ]),
    );
    expect(egress).toHaveLength(4);
    // Model pulls go to the internet, never to the cluster's private ranges or the metadata endpoint.
    const pulls = all.find(({ name }) => name === 'ollama-model-pulls')?.spec.egress?.[0].to[0].ipBlock;
    expect(pulls?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']));
  });
});

describe('alternative edge: the ingress-nginx component', () => {
  it('serves /v1 over TLS without buffering streams or cutting long ones', () => {
    const objects = renderWithComponents('deploy/overlays/prod', ['ingress-nginx']);
    const ingress = find(objects, 'Ingress', 'llm-api');
    const annotations = ingress.metadata.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(
      3600,
    );
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(
      3600,
    );
    const spec = ingress.spec as {
      tls: { secretName: string }[];
      rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
    };
    expect(spec.tls[0].secretName).toBe('llm-api-tls');
    expect(spec.rules.flatMap((rule) => rule.http.paths.map((entry) => entry.path))).toEqual(['/v1']);
  });
});
