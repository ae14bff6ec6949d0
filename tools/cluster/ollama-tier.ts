import { DnsResponder } from '../../test/fixtures/dns-responder';
import { FakeOllama, type Scenario } from '../../test/fixtures/fake-ollama';

export const SIM_MODEL = 'qwen2.5:0.5b';
export const SIM_DNS_NAME = 'ollama.sim';

/**
 * The model tier: fake Ollama "pods" on their own loopback addresses (127.0.0.0/8 is all loopback on
 * Linux), one shared port, each with `slots` parallel generations, published in a DNS name the way a
 * headless Service publishes ready pods. Removing a pod follows a preStop hook: out of DNS first, then
 * wait for its streams to finish (bounded by `graceMs`), then stop.
 */
export class OllamaTier {
  readonly dns = new DnsResponder();
  /** The most generations each address had open at once, over all the pods it ever hosted. */
  readonly peakByAddress = new Map<string, number>();
  private readonly pods = new Map<string, FakeOllama>();
  port = 0;

  constructor(
    private readonly slots: number,
    private readonly scenario: Scenario,
    private readonly graceMs: number,
    private readonly noticeMs: number,
  ) {}

  async start(addresses: string[]): Promise<void> {
    await this.dns.start();
    for (const address of addresses) {
      await this.addPod(address);
    }
  }

  get discovery(): string {
    return `dns://${SIM_DNS_NAME}:${this.port}`;
  }

  addresses(): string[] {
    return [...this.pods.keys()];
  }

  async addPod(address: string): Promise<void> {
    const pod = new FakeOllama({ host: address, port: this.port, models: [SIM_MODEL], slots: this.slots });
    pod.always(this.scenario);
    await pod.start();
    this.port = pod.listeningPort;
    this.pods.set(address, pod);
    this.publish();
  }

  /** preStop: leave DNS, let the streams finish, then stop. Returns the streams it had to cut. */
  async removePod(address: string): Promise<number> {
    const pod = this.pods.get(address);
    if (!pod) {
      return 0;
    }
    this.pods.delete(address);
    this.publish();
    // Like a preStop sleep: give every gateway a few discovery rounds to notice before counting streams.
    await new Promise((resolve) => setTimeout(resolve, this.noticeMs));
    const deadline = Date.now() + this.graceMs;
    while (pod.activeGenerations > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cut = pod.activeGenerations;
    this.record(address, pod);
    await pod.stop();
    return cut;
  }

  async stop(): Promise<void> {
    for (const [address, pod] of this.pods) {
      this.record(address, pod);
      await pod.stop();
    }
    this.pods.clear();
    await this.dns.stop();
  }

  /** Peak concurrency per address so far, live pods included. */
  peaks(): Map<string, number> {
    for (const [address, pod] of this.pods) {
      this.record(address, pod);
    }
    return new Map([...this.peakByAddress].sort(([a], [b]) => a.localeCompare(b)));
  }

  private record(address: string, pod: FakeOllama): void {
    this.peakByAddress.set(
      address,
      Math.max(this.peakByAddress.get(address) ?? 0, pod.maxConcurrentGenerations),
    );
  }

  private publish(): void {
    this.dns.set(SIM_DNS_NAME, this.addresses());
  }
}
