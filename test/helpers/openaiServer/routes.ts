/** Default routes of the loopback OpenAI-compatible server, backed by the deterministic fake model. */
import {
  fakeChatReply,
  fakeJsonFor,
  fakeTokenize,
  fakeTokenLogprob,
  fakeTopLogprobs,
  unitHash,
} from './fakeModel.js';
import type { RouteHandler, RouteResponse } from './index.js';

/** What the fake server supports, so tests can emulate servers with fewer features. */
export interface FakeFeatures {
  /** `response_format: json_schema` in chat (else 400). */
  jsonSchema: boolean;
  /** Chat `logprobs` / `top_logprobs` (else 400 when requested). */
  chatLogprobs: boolean;
  /** `/v1/completions` with `echo` + `logprobs` (else 404). */
  completionsEcho: boolean;
  /** Dimension of `/v1/embeddings` vectors. */
  embeddingDim: number;
  /** `/v1/embeddings` (else 404, as a chat-only endpoint answers). */
  embeddings: boolean;
}

const bad = (message: string): RouteResponse => ({
  status: 400,
  json: { error: { message, type: 'invalid_request_error' } },
});

type Msg = { role: string; content: string };

/** The default route table (keyed `POST /v1/...`). */
export function defaultRoutes(features: Partial<FakeFeatures> = {}): Record<string, RouteHandler> {
  const f: FakeFeatures = {
    jsonSchema: true,
    chatLogprobs: true,
    completionsEcho: true,
    embeddingDim: 8,
    embeddings: true,
    ...features,
  };
  return {
    'POST /v1/chat/completions': ({ body }) => {
      const b = body as {
        model?: string;
        messages?: Msg[];
        logprobs?: boolean;
        top_logprobs?: number;
        seed?: number;
        response_format?: { type?: string; json_schema?: { schema?: Record<string, unknown> } };
      };
      if (!Array.isArray(b?.messages)) return bad('messages is required');
      const rf = b.response_format;
      if (rf?.type === 'json_schema' && !f.jsonSchema)
        return bad('response_format json_schema is not supported');
      if (b.logprobs && !f.chatLogprobs) return bad('logprobs are not supported');
      let content = fakeChatReply(b.messages);
      if (rf?.type === 'json_schema' && rf.json_schema?.schema) {
        content = JSON.stringify(fakeJsonFor(rf.json_schema.schema, content));
      } else if (b.messages.some((m) => m.role === 'system' && m.content.includes('JSON schema'))) {
        // Prompted JSON: wrap it in prose, as real models often do; the client must extract it.
        const schema = JSON.parse(
          (b.messages.find((m) => m.content.includes('JSON schema'))?.content ?? '')
            .split('\n')
            .slice(1)
            .join('\n'),
        );
        content = `Sure! Here it is: ${JSON.stringify(fakeJsonFor(schema, content))}`;
      }
      const promptTokens = b.messages.reduce((n, m) => n + fakeTokenize(m.content).length, 0);
      const choice: Record<string, unknown> = {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
      };
      if (b.logprobs) {
        const top = fakeTopLogprobs(b.messages, b.top_logprobs ?? 1);
        choice.logprobs = {
          content: [{ token: top[0]?.token, logprob: top[0]?.logprob, top_logprobs: top }],
        };
      }
      return {
        json: {
          id: `chatcmpl-${Math.floor(unitHash(content) * 1e9)}`,
          object: 'chat.completion',
          model: b.model,
          choices: [choice],
          usage: { prompt_tokens: promptTokens, completion_tokens: fakeTokenize(content).length },
        },
      };
    },
    'POST /v1/completions': ({ body }) => {
      if (!f.completionsEcho) return { status: 404, json: { error: { message: 'not found' } } };
      const b = body as {
        model?: string;
        prompt?: string | string[];
        echo?: boolean;
        logprobs?: number;
        max_tokens?: number;
      };
      const prompts = typeof b?.prompt === 'string' ? [b.prompt] : b?.prompt;
      if (!Array.isArray(prompts)) return bad('prompt is required');
      if (!b.echo || b.max_tokens !== 0)
        return bad('this fake server only implements echo scoring (echo: true, max_tokens: 0)');
      let promptTokens = 0;
      const choices = prompts.map((p, index) => {
        const toks = fakeTokenize(p);
        promptTokens += toks.length;
        return {
          index,
          text: p,
          finish_reason: 'length',
          logprobs: {
            tokens: toks.map((t) => t.token),
            token_logprobs: toks.map((t, i) =>
              i === 0 ? null : fakeTokenLogprob((toks[i - 1] as { token: string }).token, t.token),
            ),
            text_offset: toks.map((t) => t.offset),
            top_logprobs: null,
          },
        };
      });
      return {
        json: {
          object: 'text_completion',
          model: b.model,
          choices,
          usage: { prompt_tokens: promptTokens, completion_tokens: 0 },
        },
      };
    },
    'POST /v1/embeddings': ({ body }) => {
      if (!f.embeddings) return { status: 404, json: { error: { message: 'not found' } } };
      const b = body as { model?: string; input?: string | string[] };
      const inputs = typeof b?.input === 'string' ? [b.input] : b?.input;
      if (!Array.isArray(inputs)) return bad('input is required');
      const data = inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from({ length: f.embeddingDim }, (_, d) => unitHash(`${text}\u0000${d}`) * 2 - 1),
      }));
      const tokens = inputs.reduce((n, t) => n + fakeTokenize(t).length, 0);
      return {
        json: {
          object: 'list',
          model: b.model,
          data,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        },
      };
    },
  };
}
