import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCommandGroup, addHelpEpilogue, helpEpilogue } from '../../../src/cli/helpText.js';

describe('helpEpilogue', () => {
  it('puts the notes, a blank line, then the examples each as "  $ line"', () => {
    expect(helpEpilogue({ notes: ['first line', 'second line'], examples: ['gecko a', 'gecko b --x'] })).toBe(
      '\nfirst line\nsecond line\n\nExamples:\n  $ gecko a\n  $ gecko b --x',
    );
  });

  it('writes notes alone or examples alone without an empty section', () => {
    expect(helpEpilogue({ notes: ['only notes'] })).toBe('\nonly notes');
    expect(helpEpilogue({ examples: ['gecko stats'] })).toBe('\nExamples:\n  $ gecko stats');
  });

  it('is what --help prints after the options, for a command and for a group', () => {
    const program = new Command('gecko');
    const group = addCommandGroup(program, 'llm', 'check a model', ['gecko llm check --llm x']);
    const cmd = group.command('check').option('--llm <spec>', 'model');
    addHelpEpilogue(cmd, { notes: ['Checks the model.'], examples: ['gecko llm check --llm y'] });
    const printed = (c: Command): string => {
      let out = '';
      c.configureOutput({ writeOut: (s) => (out += s) });
      c.outputHelp();
      return out;
    };
    expect(group.description()).toBe('check a model');
    expect(printed(group)).toMatch(/\n\nExamples:\n {2}\$ gecko llm check --llm x\n$/);
    expect(printed(cmd)).toMatch(
      /--llm <spec> {2}model\n.*\n\nChecks the model\.\n\nExamples:\n {2}\$ gecko llm check --llm y\n$/s,
    );
  });
});
