import { loadConfig } from '../load-config';

describe('discovery configuration', () => {
  it('is off by default, with OLLAMA_HOST as the only endpoint', () => {
    const config = loadConfig({ INFERENCE_BACKEND: 'ollama' });
    expect(config.routing.discovery.sources).toEqual([]);
    expect(config.routing.ollamaHosts).toEqual(['http://127.0.0.1:11434']);
  });

  it('normalises names (port 11434 when omitted) and drops the OLLAMA_HOST default', () => {
    const config = loadConfig({
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_DISCOVERY: 'dns://Ollama-Headless.llm-serving.svc.cluster.local, dns://coder.test:8080',
      OLLAMA_DISCOVERY_DNS_SERVER: '10.96.0.10',
    });
    expect(config.routing.discovery).toMatchObject({
      sources: [
        {
          name: 'dns://ollama-headless.llm-serving.svc.cluster.local:11434',
          hostname: 'ollama-headless.llm-serving.svc.cluster.local',
          port: 11434,
        },
        { name: 'dns://coder.test:8080', hostname: 'coder.test', port: 8080 },
      ],
      intervalMs: 5000,
      timeoutMs: 2000,
      maxEndpoints: 64,
      dnsServer: '10.96.0.10',
    });
    expect(config.routing.ollamaHosts).toEqual([]);
  });

  it('keeps configured endpoints next to discovered ones', () => {
    const config = loadConfig({
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_DISCOVERY: 'dns://ollama.test',
      OLLAMA_HOSTS: 'gpu-box',
    });
    expect(config.routing.ollamaHosts).toEqual(['http://gpu-box:11434']);
  });

  it('reports every bad value at once', () => {
    const attempt = () =>
      loadConfig({
        INFERENCE_BACKEND: 'ollama',
        OLLAMA_DISCOVERY:
          'http://ollama.test,dns://10.0.0.1:11434,dns://a.test/path,dns://b.test,dns://B.test:11434',
        OLLAMA_DISCOVERY_DNS_SERVER: 'dns.example',
        OLLAMA_DISCOVERY_MAX_ENDPOINTS: '0',
      });
    expect(attempt).toThrow(/entry 1: must start with dns:\/\//);
    expect(attempt).toThrow(/entry 2: must name a DNS name, not an address/);
    expect(attempt).toThrow(/entry 3: must be dns:\/\/name:port, without credentials, path/);
    expect(attempt).toThrow(/dns:\/\/b.test:11434 is listed twice/);
    expect(attempt).toThrow(/OLLAMA_DISCOVERY_DNS_SERVER: must be an IP address/);
    expect(attempt).toThrow(/OLLAMA_DISCOVERY_MAX_ENDPOINTS/);
  });

  it('accepts IPv6 resolvers with a port', () => {
    const config = loadConfig({
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_DISCOVERY: 'dns://ollama.test',
      OLLAMA_DISCOVERY_DNS_SERVER: '[fd00::10]:5353',
    });
    expect(config.routing.discovery.dnsServer).toBe('[fd00::10]:5353');
  });

  it('refuses discovery for the embedded engine', () => {
    expect(() =>
      loadConfig({ INFERENCE_BACKEND: 'embedded', OLLAMA_DISCOVERY: 'dns://ollama.test' }),
    ).toThrow(/OLLAMA_DISCOVERY: applies to the Ollama backend only/);
  });
});
