/**
 * Attribute names from the OpenTelemetry semantic conventions (HTTP, server, error, and the
 * incubating GenAI ones, spelled out rather than imported as the conventions advise for incubating
 * names), plus the gateway's own under `llm_gateway.`.
 */
export const ATTR = {
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  urlScheme: 'url.scheme',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',

  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiMaxTokens: 'gen_ai.request.max_tokens',
  genAiTemperature: 'gen_ai.request.temperature',
  genAiTopP: 'gen_ai.request.top_p',
  genAiSeed: 'gen_ai.request.seed',
  genAiResponseModel: 'gen_ai.response.model',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  /** Opt-in only (OTEL_GENAI_CAPTURE_CONTENT): they carry the conversation itself. */
  genAiInputMessages: 'gen_ai.input.messages',
  genAiOutputMessages: 'gen_ai.output.messages',

  requestId: 'llm_gateway.request.id',
  callerId: 'llm_gateway.caller.id',
  outcome: 'llm_gateway.outcome',
  queueWaitMs: 'llm_gateway.queue.wait_ms',
  ttftMs: 'llm_gateway.ttft_ms',
} as const;

/** The event on the upstream span when the first token reaches the gateway. */
export const FIRST_TOKEN_EVENT = 'first_token';
/** The span of the wait for a backend slot (admission control). */
export const ADMISSION_SPAN = 'admission';
