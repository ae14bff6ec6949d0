import { parse } from 'yaml';

import { dashboard, dashboardExpressions, rulesFile } from './support/monitoring-files';
import { metricNames } from './support/promql';
import { readRepoFile } from './support/render';

describe('metric name extraction', () => {
  it('finds metrics, not functions, label names, ranges, keywords or numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{outcome=~"x|y", le!="1"}[5m]))) > 1e3 ' +
          'and on (job) b_total or absent(up{job="llm-api"} == 1) / sum without (x) (c[$__rate_interval] offset 5m)',
      ),
    ).toEqual(['a_bucket', 'b_total', 'c', 'up']);
    expect(metricNames('label_values(llm_gateway_requests_total, job)')).toEqual([
      'llm_gateway_requests_total',
    ]);
  });
});

describe('alert rules', () => {
  it('cover the failure modes an on-call engineer needs paged for', () => {
    const alerts = rulesFile.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.sort()).toEqual([
      'LlmGatewayHighErrorRatio',
      'LlmGatewayHighLatencyP95',
      'LlmGatewayHighTimeToFirstToken',
      'LlmGatewayNoReadyReplicas',
      'LlmGatewaySustainedLoadShedding',
      'OllamaDown',
    ]);
  });

  it('ship unchanged to prometheus-operator (regenerate with `make prometheusrule`)', () => {
    const resource = parse(readRepoFile('deploy/components/monitoring/prometheusrule.yaml')) as {
      spec: { groups: unknown };
    };
    expect(resource.spec.groups).toEqual(rulesFile.groups);
  });
});

describe('Grafana dashboard', () => {
  it('has the panels the runbook refers to, each with at least one query', () => {
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const wanted of [
      /request rate/i,
      /error ratio/i,
      /p50 \/ p95 \/ p99/i,
      /time to first token/i,
      /tokens per second/i,
      /in flight/i,
      /overhead/i,
    ]) {
      expect(titles.some((title) => wanted.test(title))).toBe(true);
    }
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      expect(panel.datasource.uid).toBe('${datasource}');
    }
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('queries only gateway metrics', () => {
    const names = dashboardExpressions().flatMap(metricNames);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !name.startsWith('llm_gateway_'))).toEqual([]);
  });
});
