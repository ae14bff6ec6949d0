import { UpstreamUnavailableError } from '@gateway/inference';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

const PACKAGE = 'node-llama-cpp';

/** The embedded backend was selected but its optional engine is not installed (e.g. in the production image). */
export class EmbeddedEngineMissingError extends UpstreamUnavailableError {
  constructor(cause: unknown) {
    super(
      `the embedded backend needs the optional dependency ${PACKAGE}, which is not installed; ` +
        'install it with `npm install` (optional dependencies included) or set INFERENCE_BACKEND=ollama',
      { cause },
    );
  }
}

/**
 * node-llama-cpp is ESM-only and optional, while the gateway compiles to CommonJS: TypeScript would turn
 * `import()` into `require()`, so the import is built at runtime, and only when the backend is selected.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real dynamic import, see above
const dynamicImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

export async function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  try {
    return (await dynamicImport(PACKAGE)) as NodeLlamaCpp;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new EmbeddedEngineMissingError(error);
    }
    throw error;
  }
}
