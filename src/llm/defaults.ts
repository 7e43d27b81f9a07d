/** Defaults of {@link GenerateOptions}, shared by providers and the cache key so equal calls hash equal. */
export const DEFAULT_GENERATE = { maxTokens: 256, temperature: 0, seed: 0 } as const;
