/**
 * Turns a prompt (string or chat messages) into the tokens a llama.cpp model sees. Chat messages go
 * through the chat template that node-llama-cpp resolves from the GGUF (its Jinja template or a known
 * wrapper), ending at the start of the assistant's reply (or inside it, when the last message is an
 * assistant prefill).
 */
import type { ChatHistoryItem, ChatWrapper, LlamaModel, LlamaText, Token } from 'node-llama-cpp';
import type { PromptInput } from '../types.js';
import type { NodeLlamaCpp } from './loadNodeLlamaCpp.js';

/** A rendered prompt: its text form (for appending continuations) and its tokens, BOS included. */
export interface RenderedPrompt {
  /** The prompt string, for plain prompts (undefined for chat). */
  raw: string | undefined;
  text: LlamaText;
  tokens: Token[];
  /** Extra stop triggers from the chat template (end of the assistant turn). */
  stops: LlamaText[];
}

/** Renders prompts for one model. */
export class PromptRenderer {
  private readonly wrapper: ChatWrapper;

  constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly model: LlamaModel,
  ) {
    this.wrapper = lib.resolveChatWrapper(model);
  }

  /** The chat template's name (e.g. `Llama2Chat`, `JinjaTemplate`). */
  get templateName(): string {
    return this.wrapper.wrapperName;
  }

  render(input: PromptInput): RenderedPrompt {
    const { LlamaText } = this.lib;
    if (typeof input === 'string') {
      // llama.cpp's own tokenization (SentencePiece space prefix included), as llama-server's echo
      // log-probabilities see it; LlamaText would drop the prefix after BOS.
      return {
        raw: input,
        text: LlamaText(input),
        tokens: this.withBos(this.model.tokenize(input)),
        stops: [],
      };
    }
    const history: ChatHistoryItem[] = input.map((m) =>
      m.role === 'system'
        ? { type: 'system', text: m.content }
        : m.role === 'user'
          ? { type: 'user', text: m.content }
          : { type: 'model', response: [m.content] },
    );
    if (input[input.length - 1]?.role !== 'assistant') history.push({ type: 'model', response: [] });
    const state = this.wrapper.generateContextState({ chatHistory: history });
    const stops = state.stopGenerationTriggers.map((t) => LlamaText(t));
    return {
      raw: undefined,
      text: state.contextText,
      tokens: state.contextText.tokenize(this.model.tokenizer),
      stops,
    };
  }

  private withBos(tokens: Token[]): Token[] {
    const bos = this.model.tokens.bos;
    return bos !== null && this.model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
  }

  /**
   * The tokens of `continuation` after `prompt`: the tail of tokenize(prompt + continuation) when the
   * prompt's tokens are its prefix (the usual case), else the continuation tokenized on its own.
   */
  continuationTokens(prompt: RenderedPrompt, continuation: string): Token[] {
    const full =
      prompt.raw === undefined
        ? this.lib.LlamaText([prompt.text, continuation]).tokenize(this.model.tokenizer)
        : this.withBos(this.model.tokenize(prompt.raw + continuation));
    const n = prompt.tokens.length;
    let prefix = full.length >= n;
    for (let i = 0; prefix && i < n; i++) prefix = full[i] === prompt.tokens[i];
    return prefix ? full.slice(n) : this.model.tokenize(continuation, false, 'trimLeadingSpace');
  }
}
