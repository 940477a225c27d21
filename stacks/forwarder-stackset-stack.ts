/**
 * The forwarders for every member account: a service-managed StackSet with auto-deployment, so an
 * account that joins a target OU gets its forwarders without anyone acting. Deployed from the
 * management account (CallAs SELF) or a StackSets delegated administrator (CallAs DELEGATED_ADMIN).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { Construct } from 'constructs';
import { type CloudFormationTemplate, StackSetTemplateError } from './forwarder-template';

/** CloudFormation's limit on an inline TemplateBody. */
const TEMPLATE_BODY_LIMIT_BYTES = 51_200;

export interface ForwarderStackSetStackProps extends StackProps {
  resourcePrefix: string;
  /** The region-agnostic forwarder template (see `synthesizeForwarderTemplate`). */
  template: CloudFormationTemplate;
  /** OUs (or the root id) whose accounts receive forwarders. */
  organizationalUnitIds: readonly string[];
  /** us-east-1 first, then the sign-in / STS regions. */
  regions: readonly string[];
  callAs: 'SELF' | 'DELEGATED_ADMIN';
}

export class ForwarderStackSetStack extends Stack {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: ForwarderStackSetStackProps) {
    super(scope, id, props);
    const templateBody = JSON.stringify(props.template);
    if (Buffer.byteLength(templateBody) > TEMPLATE_BODY_LIMIT_BYTES) {
      throw new StackSetTemplateError(
        `The forwarder template is ${Buffer.byteLength(templateBody)} bytes; an inline StackSet template may have ${TEMPLATE_BODY_LIMIT_BYTES}.`,
      );
    }
    this.stackSet = new cloudformation.CfnStackSet(this, 'Forwarders', {
      stackSetName: `${props.resourcePrefix}-forwarders`,
      description: 'iamwatch forwarders: IAM, Organizations, sign-in and STS events to the monitor bus',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { Active: true },
      // The template names its IAM role (per region) so operators can find it in every account.
      capabilities: ['CAPABILITY_NAMED_IAM'],
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
          regions: [...props.regions],
        },
      ],
      templateBody,
    });
  }
}
