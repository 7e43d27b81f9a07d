import type { RouteHandler, ServerRequest } from './openaiServer/index.js';
import { defaultRoutes } from './openaiServer/routes.js';

/**
 * The loopback server's chat route for a `gecko distill` teacher: FRet step 1 answers a short query built
 * from the passage's title; everything else (the QL and RC log-probabilities) comes from the fake model's
 * default routes.
 */
export function distillTeacherChat(): RouteHandler {
  const fallback = defaultRoutes()['POST /v1/chat/completions'] as (r: ServerRequest) => unknown;
  return async (req) => {
    const body = req.body as {
      messages: { content: string }[];
      response_format?: { json_schema?: { schema?: { properties?: object } } };
    };
    const props = body.response_format?.json_schema?.schema?.properties ?? {};
    if (!('query' in props)) return (await fallback(req)) as { json: unknown };
    const content = body.messages.at(-1)?.content ?? '';
    const passage = content.slice(content.lastIndexOf('Passage: ') + 'Passage: '.length);
    const word = (passage.split(/\W+/).find((w) => w.length > 6) ?? 'geckos').toLowerCase();
    const answer = JSON.stringify({
      task: 'Given a question, retrieve passages that answer it',
      query: `what is known about ${word}`,
    });
    return {
      json: {
        id: 'x',
        object: 'chat.completion',
        model: 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62 },
      },
    };
  };
}
