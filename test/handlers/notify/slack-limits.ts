/**
 * Checks on a Slack message as sent (parsed from the JSON a test server received, or built
 * directly): within Slack's limits, and no raw markup that data could have formed.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import { SLACK_LIMITS } from '../../../handlers/notify/slack-message';

const TextObject = z.object({ type: z.string(), text: z.string() });
const Element = z.union([
  TextObject,
  z.object({ type: z.literal('button'), text: TextObject, url: z.string(), action_id: z.string() }),
]);
const Block = z.object({
  type: z.string(),
  text: TextObject.optional(),
  fields: z.array(TextObject).optional(),
  elements: z.array(Element).optional(),
});
const Message = z.object({ text: z.string(), blocks: z.array(Block) });
type Message = z.infer<typeof Message>;

function parseSlackMessage(value: unknown): Message {
  return Message.parse(value);
}

/** The fallback text first, then every text in the blocks. */
export function textsOf(value: unknown): string[] {
  const message = parseSlackMessage(value);
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.text) texts.push(block.text.text);
    for (const field of block.fields ?? []) texts.push(field.text);
    for (const element of block.elements ?? []) {
      texts.push(typeof element.text === 'string' ? element.text : element.text.text);
    }
  }
  return texts;
}

export function expectWithinSlackLimits(value: unknown): void {
  const message = parseSlackMessage(value);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section' && block.text) {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    if (block.fields) {
      expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
      for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (block.type === 'context') expect(block.elements?.length).toBeLessThanOrEqual(10);
  }
  const blockText = textsOf(message)
    .slice(1)
    .reduce((total, text) => total + text.length, 0);
  expect(blockText).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
}

/**
 * Data can never form `<!…>`, `<@…>`, `<#…>` or a link: the only raw `<…>` allowed is iamwatch's own
 * CloudTrail console link.
 */
export function expectNoInjectedMarkup(value: unknown): void {
  for (const text of textsOf(value)) {
    const withoutOwnLink = text.replace(
      /<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[^|>]+\|CloudTrail event history>/g,
      '',
    );
    expect(withoutOwnLink).not.toMatch(/[<>]/);
  }
}
