import { parse } from 'yaml';

import { dashboard, dashboardExpressions, ruleExpressions, rulesFile } from './support/monitoring-files';
import { metricNames } from './support/promql';
import { find, readRepoFile, render } from './support/render';

/** Request-level series: probes and scrapes also land in them, under their own route label. */
const REQUEST_SERIES = /llm_gateway_(requests_total|request_duration_seconds_bucket)\{([^}]*)\}/g;

/** Every selector of a request-level series in `expr` that does not keep to API routes. */
function unscopedRequestSelectors(expr: string): string[] {
  return [...expr.matchAll(REQUEST_SERIES)]
    .filter((match) => !/route=~"\/v1\/\.\+"/.test(match[2]))
    .map((match) => match[0]);
}

interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
}

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
      'LlmGatewayApiKeysReloadFailing',
      'LlmGatewayCircuitOpen',
      'LlmGatewayHighErrorRatio',
      'LlmGatewayHighLatencyP95',
      'LlmGatewayHighTimeToFirstToken',
      'LlmGatewayNoReadyReplicas',
      'LlmGatewayQueueSaturated',
      'LlmGatewayRateLimitStoreFailing',
      'LlmGatewaySustainedLoadShedding',
      'OllamaDown',
      'OllamaModelVolumeFilling',
    ]);
  });

  it('each have a promtool unit test in which they fire', () => {
    const tests = (parse(readRepoFile('deploy/monitoring/alerts.test.yml')) as { tests: RuleTest[] }).tests;
    const firing = new Set(
      tests.flatMap((test) =>
        (test.alert_rule_test ?? [])
          .filter((rule) => rule.exp_alerts.length > 0)
          .map((rule) => rule.alertname),
      ),
    );
    const alerts = rulesFile.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.filter((alert) => !firing.has(alert as string))).toEqual([]);
  });

  it('count API requests only: probes and scrapes are not user traffic', () => {
    expect(ruleExpressions().flatMap(unscopedRequestSelectors)).toEqual([]);
  });

  it('load on a default kube-prometheus-stack: the rule carries the ServiceMonitor release label', () => {
    const objects = render('deploy/overlays/prod');
    const monitorLabels = find(objects, 'ServiceMonitor', 'llm-api').metadata.labels ?? {};
    const ruleLabels = find(objects, 'PrometheusRule', 'llm-gateway').metadata.labels ?? {};
    expect(monitorLabels.release).toBe('kube-prometheus-stack');
    expect(ruleLabels.release).toBe(monitorLabels.release);
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
      /queue depth/i,
      /in flight per endpoint/i,
      /circuit state/i,
      /retries/i,
      /429.*by reason/i,
    ]) {
      expect(titles.some((title) => wanted.test(title))).toBe(true);
    }
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      expect(panel.datasource.uid).toBe('${datasource}');
    }
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });

  it('shows API requests only in the request panels', () => {
    expect(dashboardExpressions().flatMap(unscopedRequestSelectors)).toEqual([]);
  });

  it('queries only gateway metrics', () => {
    const names = dashboardExpressions().flatMap(metricNames);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !name.startsWith('llm_gateway_'))).toEqual([]);
  });
});
