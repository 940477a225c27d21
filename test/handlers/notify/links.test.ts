import { describe, expect, it } from 'vitest';
import { cloudTrailEventUrl } from '../../../handlers/notify/links';

describe('cloudTrailEventUrl', () => {
  it('links the event in the regional CloudTrail console', () => {
    expect(cloudTrailEventUrl('us-east-1', '3c5bdbb4-8f11-4c43-9d3b-2f4f7e0c1a55')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/3c5bdbb4-8f11-4c43-9d3b-2f4f7e0c1a55',
    );
  });

  it('uses the China and GovCloud console domains', () => {
    expect(cloudTrailEventUrl('cn-north-1', 'e')).toBe(
      'https://console.amazonaws.cn/cloudtrailv2/home?region=cn-north-1#/events/e',
    );
    expect(cloudTrailEventUrl('us-gov-west-1', 'e')).toBe(
      'https://console.amazonaws-us-gov.com/cloudtrailv2/home?region=us-gov-west-1#/events/e',
    );
  });

  it('encodes the event id so it cannot break out of the URL or a Slack link', () => {
    expect(cloudTrailEventUrl('eu-west-1', 'a|b>c d')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a%7Cb%3Ec%20d',
    );
  });

  it('builds no link from a region that is not a region name, or an empty id', () => {
    expect(cloudTrailEventUrl('evil.example.com/', 'e')).toBeUndefined();
    expect(cloudTrailEventUrl('us-east-1', ' ')).toBeUndefined();
  });
});
