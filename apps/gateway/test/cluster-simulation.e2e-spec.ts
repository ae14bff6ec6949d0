import { formatReport, unexplainedCuts } from '../../../tools/cluster/report-table';
import { runSimulation, SHORT_PROFILE, type SimulationReport } from '../../../tools/cluster/simulation';

/**
 * The short profile of `npm run simulate:cluster`: real gateway processes behind a round-robin front,
 * one redis-server, fake Ollama pods found through DNS, under streaming load while Ollama scales up and
 * down, a gateway is SIGKILLed and every pod is rolled.
 */
describe('the gateway tier under scaling, a gateway SIGKILL and a rolling Ollama restart', () => {
  let report: SimulationReport;

  beforeAll(async () => {
    report = await runSimulation(SHORT_PROFILE);
    process.stdout.write(`\n${formatReport(report)}\n`);
  }, 300_000);

  it('ends every stream with [DONE] or a terminal event, except those the SIGKILLed gateway took with it', () => {
    expect(unexplainedCuts(report)).toBe(0);
    // Pods leave DNS before they stop, so none had a stream left to cut and none ended in an error.
    expect(report.cutByOllamaStop).toBe(0);
    expect(report.phases.map((phase) => phase.errorEvent)).toEqual(report.phases.map(() => 0));
  });

  it('serves or sheds (503 with Retry-After) every request, in every phase', () => {
    for (const phase of report.phases) {
      expect(phase).toMatchObject({ failed: 0, shedWithoutRetryAfter: 0 });
      expect(phase.served).toBeGreaterThan(0);
      expect(phase.sent).toBe(phase.served + phase.shed + phase.errorEvent + phase.failed + phase.cut);
    }
  });

  it('used the pod that joined, and never sent a pod more than its slots, all replicas together', () => {
    expect([...report.peaks.keys()]).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    for (const peak of report.peaks.values()) {
      expect(peak).toBeGreaterThan(0);
      // The replicas share each pod's slots through Redis (REDIS_URL), so Ollama never queues.
      expect(peak).toBeLessThanOrEqual(SHORT_PROFILE.slots);
    }
  });
});
