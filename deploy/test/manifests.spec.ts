import { CrdSchemas } from './support/crd-schema';
import {
  DEPLOYABLE_PATHS,
  find,
  render,
  renderKustomization,
  renderWithComponents,
  type K8sObject,
} from './support/render';
import { validateStrict } from './support/strict-k8s-schema';

/** CRD schemas of the custom resources the overlays and components use (deploy/schemas). */
const crdSchemas = ['monitoring.coreos.com/v1', 'gateway.networking.k8s.io/v1', 'keda.sh/v1alpha1'].map(
  (apiVersion) => CrdSchemas.load(apiVersion),
);
const RENDERED_PATHS = ['deploy/base', ...DEPLOYABLE_PATHS];

async function schemaErrors(object: K8sObject): Promise<string[]> {
  const crd = crdSchemas.find((schemas) => schemas.handles(object));
  if (crd) {
    return crd.validate(object);
  }
  const check = await validateStrict(object);
  return check.known ? check.errors : [`no schema known for ${object.apiVersion} ${object.kind}`];
}

/** A variant of `base` with extra JSON patches (the `patches:` list of a kustomization). */
function renderVariant(base: string, patch: string): K8sObject[] {
  return renderKustomization(base, () => `patches:\n${patch}`);
}

describe.each(RENDERED_PATHS)('%s', (path) => {
  const objects = render(path);

  it('renders, leaving the Namespace to deploy/namespace (a teardown must not delete it)', () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.filter((object) => object.kind === 'Namespace')).toEqual([]);
  });

  it('puts every object in llm-serving', () => {
    const misplaced = objects
      .filter((object) => object.metadata.namespace !== 'llm-serving')
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(misplaced).toEqual([]);
  });

  it('validates every object against its schema, unknown fields rejected', async () => {
    const problems: string[] = [];
    for (const object of objects) {
      for (const error of await schemaErrors(object)) {
        problems.push(`${object.kind}/${object.metadata.name}: ${error}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.each([
  ['deploy/namespace', []],
  ['deploy/overlays/prod', ['ingress-nginx']],
  ['deploy/overlays/prod', ['ollama-autoscaling']],
  ['deploy/overlays/prod-gpu', ['ollama-autoscaling']],
])('%s with components %j', (base, components) => {
  const objects = components.length === 0 ? render(base) : renderWithComponents(base, components);

  it('validates every object against its schema, unknown fields rejected', async () => {
    expect(objects.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const object of objects) {
      for (const error of await schemaErrors(object)) {
        problems.push(`${object.kind}/${object.metadata.name}: ${error}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the strict schema check', () => {
  it('rejects a misspelled field that kustomize renders without complaint', async () => {
    const objects = renderVariant(
      'deploy/overlays/dev',
      `  - target: {kind: Deployment, name: llm-api}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/ports/0/protocl
        value: TCP
`,
    );
    const errors = await schemaErrors(find(objects, 'Deployment', 'llm-api'));
    expect(errors).toEqual(['unknown field "/spec/template/spec/containers/0/ports/0/protocl"']);
  });

  it('rejects misspelled and mistyped fields at any depth, but accepts map keys', async () => {
    const statefulSet = structuredClone(find(render('deploy/overlays/prod'), 'StatefulSet', 'ollama'));
    const spec = statefulSet.spec as { template: { spec: Record<string, unknown> }; replicas: unknown };
    spec.template.spec.terminationGracePeriod = 30;
    spec.replicas = 'one';
    statefulSet.metadata.labels = { ...statefulSet.metadata.labels, 'any-key.example.com/x': 'y' };
    const errors = await schemaErrors(statefulSet);
    expect(errors).toContain('unknown field "/spec/template/spec/terminationGracePeriod"');
    expect(errors.some((error) => error.includes('/spec/replicas'))).toBe(true);
    expect(errors.join('\n')).not.toContain('any-key');
  });

  it('rejects unknown kinds instead of passing them unchecked', async () => {
    const object = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(await schemaErrors(object)).toEqual(['no schema known for example.com/v1 Widget']);
  });

  it('checks operator objects against their CRD schema', async () => {
    const monitor = structuredClone(find(render('deploy/overlays/prod'), 'ServiceMonitor', 'llm-api'));
    const endpoints = (monitor.spec as { endpoints: Record<string, unknown>[] }).endpoints;
    endpoints[0].intervall = '15s';
    endpoints[0].scrapeTimeout = '10 seconds';
    expect(await schemaErrors(monitor)).toEqual([
      '/spec/endpoints/0/scrapeTimeout: "10 seconds" does not match ' +
        '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
      'unknown field "/spec/endpoints/0/intervall"',
    ]);

    const rule = structuredClone(find(render('deploy/overlays/prod'), 'PrometheusRule', 'llm-gateway'));
    const groups = (rule.spec as { groups: { rules: Record<string, unknown>[] }[] }).groups;
    delete groups[0].rules[0].expr;
    expect(await schemaErrors(rule)).toEqual(['/spec/groups/0/rules/0/expr: required']);
  });

  it('checks Gateway API and KEDA objects against their CRD schema', async () => {
    const route = structuredClone(find(render('deploy/overlays/prod'), 'HTTPRoute', 'llm-api'));
    const rules = (route.spec as { rules: Record<string, unknown>[] }).rules;
    rules[0].timeouts = { request: '1 hour' };
    rules[0].timeout = '1h';
    expect(await schemaErrors(route)).toEqual([
      '/spec/rules/0/timeouts/request: "1 hour" does not match ^([0-9]{1,5}(h|m|s|ms)){1,4}$',
      'unknown field "/spec/rules/0/timeout"',
    ]);

    const scaled = structuredClone(
      find(renderWithComponents('deploy/overlays/prod', ['ollama-autoscaling']), 'ScaledObject', 'ollama'),
    );
    const spec = scaled.spec as Record<string, unknown>;
    spec.minReplicas = 2;
    delete spec.triggers;
    expect(await schemaErrors(scaled)).toEqual([
      '/spec/triggers: required',
      'unknown field "/spec/minReplicas"',
    ]);
  });
});
