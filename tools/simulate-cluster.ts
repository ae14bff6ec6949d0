/**
 * `npm run simulate:cluster [-- --short]`: the gateway tier on this machine under streaming load while
 * Ollama scales, a gateway is SIGKILLed and every Ollama pod is rolled; prints what happened to every
 * request. Exits 1 if a stream was cut without a terminal event (other than by the SIGKILL) or a 503
 * came without Retry-After.
 */
import { formatReport, unexplainedCuts } from './cluster/report-table';
import { LONG_PROFILE, runSimulation, SHORT_PROFILE } from './cluster/simulation';

async function main(): Promise<void> {
  const profile = process.argv.includes('--short') ? SHORT_PROFILE : LONG_PROFILE;
  const started = Date.now();
  const report = await runSimulation(profile, (line) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`),
  );
  console.log(`\n${formatReport(report)}`);
  const missingRetryAfter = report.phases.reduce((sum, phase) => sum + phase.shedWithoutRetryAfter, 0);
  if (unexplainedCuts(report) > 0 || missingRetryAfter > 0) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
