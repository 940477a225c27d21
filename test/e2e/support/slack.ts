/**
 * Slack for end-to-end tests: a local HTTP server on 127.0.0.1 that answers webhook posts the way Slack
 * does (`200 ok`, or whatever failure the test switches it to), and remembers every request with the
 * answer it got, so a test can count what Slack actually accepted.
 */
import {
  type LocalServer,
  type RecordedRequest,
  type Reply,
  startLocalServer,
} from '../../handlers/notify/local-server';

export const SLACK_OK: Reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };

interface AnsweredRequest extends RecordedRequest {
  status: number;
}

export interface FakeSlack {
  /** The webhook URL to configure (plain http is accepted for loopback only). */
  webhookUrl: string;
  /** Every request so far with the status it was answered with. */
  readonly requests: readonly AnsweredRequest[];
  /** Requests Slack accepted (HTTP 200). */
  accepted(): AnsweredRequest[];
  /** Requests whose body mentions `text` (e.g. an eventId), accepted or not. */
  mentioning(text: string): AnsweredRequest[];
  /**
   * Answers the following requests with `replies` in turn, the last one for every request after that
   * (none given: accept everything).
   */
  answerWith(...replies: Reply[]): void;
  /** Forgets the requests seen so far. */
  reset(): void;
  close(): Promise<void>;
}

const WEBHOOK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

export async function startFakeSlack(): Promise<FakeSlack> {
  let script: Reply[] = [];
  const answered: AnsweredRequest[] = [];
  const server: LocalServer = await startLocalServer((request) => {
    const reply = (script.length > 1 ? script.shift() : script[0]) ?? SLACK_OK;
    answered.push({ ...request, status: reply.status });
    return reply;
  });
  return {
    webhookUrl: `${server.url}${WEBHOOK_PATH}`,
    requests: answered,
    accepted: () => answered.filter((request) => request.status === 200),
    mentioning: (text) => answered.filter((request) => request.body.includes(text)),
    answerWith: (...replies) => {
      script = replies;
    },
    reset: () => {
      answered.length = 0;
      server.requests.length = 0;
    },
    close: () => server.close(),
  };
}
