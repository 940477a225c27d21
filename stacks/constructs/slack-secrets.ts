/**
 * One Secrets Manager secret per Slack route, holding the incoming-webhook URL. The URL never appears
 * in a template or an environment variable: the stack creates the secret with a random placeholder
 * (or references an existing one), and the notify function reads the value at runtime.
 */
import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SlackRouteConfig } from '../config/schema';

/** One entry of `IAMWATCH_SLACK_ROUTES`, the notify function's routing contract. */
export interface SlackRouteEnv {
  name: string;
  secretArn: string;
  minSeverity: string;
  accounts?: string[];
  detections?: string[];
}

export interface SlackSecretsProps {
  routes: readonly SlackRouteConfig[];
  /** Secrets are named `<prefix>/slack/<route>`. */
  resourcePrefix: string;
  encryptionKey: kms.IKey;
}

export class SlackSecrets extends Construct {
  readonly secrets: secretsmanager.ISecret[] = [];
  /** The routes as the notify function reads them. */
  readonly routes: SlackRouteEnv[] = [];

  constructor(scope: Construct, id: string, props: SlackSecretsProps) {
    super(scope, id);
    for (const route of props.routes) {
      const secret = route.secretArn
        ? secretsmanager.Secret.fromSecretCompleteArn(this, route.name, route.secretArn)
        : this.createSecret(route.name, props);
      this.secrets.push(secret);
      this.routes.push({
        name: route.name,
        secretArn: secret.secretArn,
        minSeverity: route.minSeverity,
        ...(route.accounts ? { accounts: route.accounts } : {}),
        ...(route.detections ? { detections: route.detections } : {}),
      });
    }
  }

  private createSecret(name: string, props: SlackSecretsProps): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, name, {
      secretName: `${props.resourcePrefix}/slack/${name}`,
      description: `Slack incoming-webhook URL for the iamwatch "${name}" route. Put the URL with aws secretsmanager put-secret-value.`,
      encryptionKey: props.encryptionKey,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A Slack incoming-webhook URL cannot be rotated by a Lambda; it is replaced by hand in Slack and here.',
    });
    return secret;
  }
}
