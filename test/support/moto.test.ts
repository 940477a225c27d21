import {
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { expect, it } from 'vitest';
import { describeWithMoto, MOTO_DEFAULT_ACCOUNT, useMoto } from './moto';

describeWithMoto('moto_server test support', () => {
  const moto = useMoto();

  it('serves Organizations to the real SDK client, and reset forgets it', async () => {
    const client = new OrganizationsClient(moto.clientConfig());
    await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const { Accounts } = await client.send(new ListAccountsCommand({}));
    expect(Accounts?.map((account) => account.Id)).toEqual([MOTO_DEFAULT_ACCOUNT]);
    await moto.reset();
    const after = await client.send(new ListAccountsCommand({}));
    expect(after.Accounts ?? []).toEqual([]);
    client.destroy();
  });
});
