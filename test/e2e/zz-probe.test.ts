import { it } from 'vitest';
import { startPipeline } from './support/pipeline';
import { createUserEnvelope, adminAttachEnvelope } from './support/events';
it('probe', async () => {
  const p = await startPipeline();
  const r = await p.record(createUserEnvelope());
  console.log(JSON.stringify(r.entry, null, 1));
  const r2 = await p.record(adminAttachEnvelope());
  console.log(JSON.stringify(r2.entry.detections));
  const recs = p.stream.take();
  console.log(recs.map(r => [r.eventName, r.dynamodb.NewImage?.kind?.S, r.dynamodb.Keys.sk.S, r.dynamodb.SequenceNumber]));
  const res = await p.notify()({ Records: recs });
  console.log(res, p.slack.requests.length, p.sns.published.length);
  console.log(p.slack.requests[0]?.body.slice(0, 3000));
  console.log(p.stream.take().map(r => [r.eventName, r.dynamodb.NewImage?.delivery]));
  console.log(JSON.stringify(await p.store.get(r.entry.eventId)));
  await p.close();
});
