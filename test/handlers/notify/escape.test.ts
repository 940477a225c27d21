import { describe, expect, it } from 'vitest';
import {
  asciiLine,
  BACKTICK_LOOKALIKE,
  escapeMrkdwn,
  mrkdwnCode,
  mrkdwnText,
  plainText,
  singleLine,
  ZERO_WIDTH_SPACE,
} from '../../../handlers/notify/escape';
import { fitEscaped, truncate, truncationMarker } from '../../../handlers/notify/truncate';

/** Mentions, channel links, user groups and links all need a raw `<` … `>`. */
function hasRawAngleBracket(text: string): boolean {
  return /[<>]/.test(text);
}

describe('escapeMrkdwn', () => {
  it('escapes exactly &, < and >, ampersand first', () => {
    expect(escapeMrkdwn('<!channel> & <http://evil|x> &amp')).toBe(
      '&lt;!channel&gt; &amp; &lt;http://evil|x&gt; &amp;amp',
    );
  });
});

describe('mrkdwnCode', () => {
  it('wraps the escaped value in inline code so nothing inside formats', () => {
    expect(mrkdwnCode('*bold* <!here>', 100)).toBe('`*bold* &lt;!here&gt;`');
  });

  it('replaces backticks so the value cannot close the code span', () => {
    const out = mrkdwnCode('a`*b*`c', 100);
    expect(out).toBe(`\`a${BACKTICK_LOOKALIKE}*b*${BACKTICK_LOOKALIKE}c\``);
    expect(out.slice(1, -1)).not.toContain('`');
  });

  it('keeps values on one line and drops invisible direction overrides', () => {
    expect(mrkdwnCode('bob\nadmin\u202Eevil', 100)).toBe('`bob adminevil`');
  });

  it('cuts long values to the limit, backticks and marker included, without splitting an entity', () => {
    const out = mrkdwnCode('&'.repeat(1000), 60);
    expect(out.length).toBeLessThanOrEqual(60);
    expect(out).toMatch(/^`(&amp;)+…\[truncated \d+ chars\]`$/);
  });

  it('shows blank values as (blank) rather than an empty code span', () => {
    expect(mrkdwnCode('  \n', 20)).toBe('(blank)');
  });
});

describe('mrkdwnText', () => {
  it('fences every formatting character with zero-width spaces and escapes markup', () => {
    const out = mrkdwnText('*bold* _it_ ~s~ `c` <!channel>', 200);
    expect(hasRawAngleBracket(out)).toBe(false);
    for (const [index, char] of [...out].entries()) {
      if ('*_~`'.includes(char)) {
        expect([...out][index - 1]).toBe(ZERO_WIDTH_SPACE);
        expect([...out][index + 1]).toBe(ZERO_WIDTH_SPACE);
      }
    }
    expect(out.replaceAll(ZERO_WIDTH_SPACE, '')).toBe('*bold* _it_ ~s~ `c` &lt;!channel&gt;');
  });

  it('strips zero-width characters an attacker sent, so only ours remain', () => {
    expect(mrkdwnText(`a${ZERO_WIDTH_SPACE}b`, 20)).toBe('ab');
  });
});

describe('plainText and singleLine', () => {
  it('removes ANSI escapes and line breaks', () => {
    expect(singleLine('\u001b[31mred\r\nnext\u2028x')).toBe(' [31mred  next x');
    expect(plainText('<b>\n', 20)).toBe('&lt;b&gt; ');
  });
});

describe('asciiLine', () => {
  it('folds accents, replaces other non-ASCII and control characters, collapses spaces', () => {
    expect(asciiLine('Créé\tpar  José 👀\n…')).toBe('Cree par Jose ? ...');
  });
});

describe('truncate', () => {
  it('leaves short values alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('fits the limit exactly and says how many characters were dropped', () => {
    const value = 'x'.repeat(10_000);
    const out = truncate(value, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    const kept = out.indexOf('…');
    expect(out.slice(kept)).toBe(truncationMarker(10_000 - kept));
  });

  it('never splits a surrogate pair', () => {
    const out = truncate('😀'.repeat(100), 40);
    expect(out).toMatch(/^(😀)+…\[truncated \d+ chars\]$/u);
  });

  it('falls back to a hard cut when the limit is shorter than the marker', () => {
    expect(fitEscaped('abcdefghijklmnopqrstuvwxyz'.repeat(2), 5, (t) => t)).toBe('abcde');
  });
});
