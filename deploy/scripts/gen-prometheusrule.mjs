// Writes deploy/components/monitoring/prometheusrule.yaml from deploy/monitoring/alerts.rules.yml,
// so plain Prometheus and prometheus-operator run the same, unit-tested rules.
// Usage: node deploy/scripts/gen-prometheusrule.mjs (make prometheusrule)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const rules = parse(readFileSync(join(deployDir, 'monitoring/alerts.rules.yml'), 'utf8'));
const resource = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: {
    name: 'llm-gateway',
    // kube-prometheus-stack's default ruleSelector, the same label as the ServiceMonitor's.
    labels: { 'app.kubernetes.io/name': 'llm-api', release: 'kube-prometheus-stack' },
  },
  spec: { groups: rules.groups },
};
const header =
  '# GENERATED from deploy/monitoring/alerts.rules.yml by deploy/scripts/gen-prometheusrule.mjs.\n' +
  '# Edit the rules file (and its promtool tests), then run `make prometheusrule`.\n';
writeFileSync(
  join(deployDir, 'components/monitoring/prometheusrule.yaml'),
  header + stringify(resource, { lineWidth: 0 }),
);
