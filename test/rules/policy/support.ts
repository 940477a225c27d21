/** Policy documents for the policy tests. */

export const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
export const text = (...statements: Record<string, unknown>[]) => JSON.stringify(doc(...statements));
export const adminStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
