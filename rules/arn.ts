/**
 * The last `/`-separated segment of an ARN's resource part: `arn:aws:iam::1:role/path/Name` → `Name`,
 * `arn:aws:iam::1:root` → `root`. A value that is not an ARN is read as a resource part already
 * (`table/ledger` → `ledger`, `ledger` → `ledger`). Empty in, or an empty segment, gives `undefined`.
 */
export function lastArnSegment(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const resource = value.startsWith('arn:') ? value.split(':').slice(5).join(':') : value;
  const slash = resource.lastIndexOf('/');
  const segment = slash < 0 ? resource : resource.slice(slash + 1);
  return segment.length > 0 ? segment : undefined;
}

/** The account field of an ARN (`arn:aws:iam::111122223333:role/x` → `111122223333`), when it has one. */
export function arnAccount(arn: string | undefined): string | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  const account = arn.split(':')[4];
  return account ? account : undefined;
}
