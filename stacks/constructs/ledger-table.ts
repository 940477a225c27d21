/**
 * The ledger table, built from the one plain description in `handlers/ledger/table.ts` so the
 * deployed table, dynalite and the code that queries it cannot disagree. Hardened: on-demand,
 * point-in-time recovery, customer-managed encryption, deletion protection, retained on stack
 * deletion, TTL, and a stream for the notify function.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type KeyAttribute, LEDGER_TABLE, type LedgerTableDefinition } from '../../handlers/ledger/table';

export interface LedgerTableProps {
  tableName: string;
  encryptionKey: kms.IKey;
  /** The description to build from; the ledger's own by default. */
  definition?: LedgerTableDefinition;
}

export class LedgerTable extends dynamodb.TableV2 {
  constructor(scope: Construct, id: string, props: LedgerTableProps) {
    const definition = props.definition ?? LEDGER_TABLE;
    super(scope, id, {
      tableName: props.tableName,
      partitionKey: toAttribute(definition.partitionKey),
      sortKey: toAttribute(definition.sortKey),
      globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      })),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: definition.timeToLiveAttribute,
      dynamoStream: dynamodb.StreamViewType[definition.streamViewType],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function toAttribute(key: KeyAttribute): dynamodb.Attribute {
  const types = {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  };
  return { name: key.name, type: types[key.type] };
}
