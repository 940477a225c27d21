import { describe, expect, it } from 'vitest';
import { lastArnSegment } from '../../rules/arn';

describe('lastArnSegment', () => {
  it('reads the name after the last slash of the resource part, paths included', () => {
    expect(lastArnSegment('arn:aws:iam::111122223333:role/path/to/Deploy')).toBe('Deploy');
    expect(lastArnSegment('arn:aws:iam::aws:policy/AdministratorAccess')).toBe('AdministratorAccess');
  });

  it('reads a resource part without a slash whole, colons after the sixth field included', () => {
    expect(lastArnSegment('arn:aws:iam::111122223333:root')).toBe('root');
    expect(lastArnSegment('arn:aws:sns:us-east-1:111122223333:alerts')).toBe('alerts');
  });

  it('reads a value that is not an ARN as a resource part', () => {
    expect(lastArnSegment('table/ledger')).toBe('ledger');
    expect(lastArnSegment('ledger')).toBe('ledger');
  });

  it('gives undefined for nothing and for an empty last segment', () => {
    expect(lastArnSegment(undefined)).toBeUndefined();
    expect(lastArnSegment('')).toBeUndefined();
    expect(lastArnSegment('arn:aws:iam::111122223333:role/')).toBeUndefined();
  });
});
