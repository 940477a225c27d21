/**
 * The scheduled audit Lambda's logic, over ports: read the accounts, judge and compare (the run is
 * kept in the ledger), write the full report (JSON and CSV) to the report bucket, then post the
 * summary to Slack and publish it to SNS. The report is written before anyone is told, so every
 * summary points at a report that exists; a failed Slack post does not stop the SNS publish.
 */
import type { AuditOptions } from '../../rules/audit/findings';
import type { AccountFailure, AccountSnapshot } from '../../rules/audit/snapshot';
import { csvCell } from '../cli/entries';
import type { SlackMessage } from '../notify/slack-message';
import type { Clock, LedgerStore, Logger } from '../ports';
import { findingsCsv } from './report';
import { type AuditReport, runAudit } from './run';
import { auditSlackMessage, auditSnsMessage } from './summary';

interface ReportBucket {
  /** `s3://bucket` for people. */
  readonly location: string;
  put(key: string, body: string, contentType: string): Promise<void>;
}

export interface AuditHandlerDeps {
  read(): Promise<{ snapshots: AccountSnapshot[]; failures: AccountFailure[] }>;
  store: LedgerStore;
  bucket: ReportBucket;
  slack: { channel: string; post(message: SlackMessage): Promise<unknown> }[];
  sns?: { publish(subject: string, message: string): Promise<void> };
  clock: Clock;
  logger: Logger;
  options: Omit<AuditOptions, 'now'>;
}

export interface AuditRunResult {
  runAt: string;
  findings: number;
  new: number;
  fixed: number;
  failedAccounts: string[];
  reportKey: string;
}

export function createAuditHandler(deps: AuditHandlerDeps): () => Promise<AuditRunResult> {
  return async () => {
    const read = await deps.read();
    const report: AuditReport = await runAudit(read, deps.store, {
      ...deps.options,
      now: deps.clock.now(),
      save: true,
    });
    const prefix = `audits/${report.runAt.replace(/[:.]/g, '-')}`;
    await deps.bucket.put(
      `${prefix}/report.json`,
      `${JSON.stringify(report, null, 2)}\n`,
      'application/json',
    );
    await deps.bucket.put(`${prefix}/findings.csv`, findingsCsv(report, csvCell), 'text/csv; charset=utf-8');
    const location = `${deps.bucket.location}/${prefix}/`;
    for (const channel of deps.slack) {
      try {
        await channel.post(auditSlackMessage(report, location));
      } catch (error) {
        deps.logger.error('audit summary not posted to Slack', {
          channel: channel.channel,
          error: (error as Error).message,
        });
      }
    }
    if (deps.sns) {
      const { subject, message } = auditSnsMessage(report, location);
      await deps.sns.publish(subject, message);
    }
    for (const failure of read.failures) {
      deps.logger.warn('account not audited', { accountId: failure.accountId, error: failure.error });
    }
    const result: AuditRunResult = {
      runAt: report.runAt,
      findings: report.findings.length,
      new: report.counts.new,
      fixed: report.counts.fixed,
      failedAccounts: read.failures.map((failure) => failure.accountId),
      reportKey: `${prefix}/report.json`,
    };
    deps.logger.info('audit finished', { ...result });
    return result;
  };
}
