import { describe, expect, it } from 'vitest';
import { classifySourceIp, classifyVia, isIpv4, isIpv6 } from '../../../rules/cloudtrail/classify';
import type { Actor, SourceIpKind, Via } from '../../../rules/types';

const user: Actor = { type: 'IAMUser', name: 'alice' };

describe('classifySourceIp', () => {
  const cases: [string, SourceIpKind][] = [
    ['203.0.113.7', 'ipv4'],
    ['192.0.2.0', 'ipv4'],
    ['255.255.255.255', 'ipv4'],
    ['075.050.255.67', 'ipv4'],
    ['2001:db8::1', 'ipv6'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'ipv6'],
    ['::1', 'ipv6'],
    ['::ffff:192.0.2.128', 'ipv6'],
    ['fe80::', 'ipv6'],
    ['iam.amazonaws.com', 'aws-service'],
    ['cloudformation.amazonaws.com', 'aws-service'],
    ['resource-explorer-2.amazonaws.com', 'aws-service'],
    ['AWS Internal', 'aws-internal'],
    ['aws internal', 'aws-internal'],
    ['256.1.1.1', 'other'],
    ['1.2.3', 'other'],
    ['1.2.3.4.5', 'other'],
    ['2001:db8::1::2', 'other'],
    ['12345::', 'other'],
    ['1:2:3:4:5:6:7', 'other'],
    ['example.com', 'other'],
    ['evil.amazonaws.com.attacker.example', 'other'],
    ['<script>.amazonaws.com', 'other'],
    ['', 'other'],
  ];
  it.each(cases)('%s → %s', (value, kind) => {
    expect(classifySourceIp(value)).toBe(kind);
  });

  it('agrees with the strict checks it is built on', () => {
    expect(isIpv4('10.0.0.1')).toBe(true);
    expect(isIpv4('10.0.0.a')).toBe(false);
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIpv6('1:2:3:4:5:6:192.0.2.1')).toBe(true);
  });
});

describe('classifyVia from real user agents', () => {
  const cases: [string, Via][] = [
    ['console.amazonaws.com', 'console'],
    ['console.ec2.amazonaws.com', 'console'],
    ['signin.amazonaws.com', 'console'],
    ['AWSConsole', 'console'],
    [
      '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.219-186.866.amzn2int.x86_64]',
      'console',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
      'console',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:60.0) Gecko/20100101 Firefox/60.0', 'console'],
    ['aws-cli/1.11.10 Python/2.7.8 Linux/3.2.45-0.6.wd.865.49.315.metal1.x86_64 botocore/1.4.67', 'cli'],
    [
      'aws-cli/2.15.59 md/awscrt#0.19.19 ua/2.0 os/macos#22.6.0 md/arch#arm64 lang/python#3.11.11 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#sts.get-caller-identity',
      'cli',
    ],
    ['aws-cli/2.15.0', 'cli'],
    [
      'AWSPowerShell.Common/4.1.90.0 .NET_Core/6.0.5 PowerShellCore/7.-1 OS/Microsoft_Windows_10.0.19044',
      'cli',
    ],
    ['ec2-api-tools 1.6.12.2', 'cli'],
    ['aws-sdk-go/1.44.122 (go1.19.2; linux; amd64)', 'sdk'],
    ['aws-sdk-go-v2/1.14.0 os/macos lang/go/1.17.6 md/GOOS/darwin md/GOARCH/arm64 api/iam/1.17.0', 'sdk'],
    [
      'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
      'sdk',
    ],
    ['Botocore/1.29.0 Python/3.9.16 Linux/5.10.157', 'sdk'],
    ['aws-sdk-js/2.1380.0 linux/v18.16.0 exec-env/AWS_Lambda_nodejs18.x callback', 'sdk'],
    ['aws-sdk-js/3.450.0 ua/2.0 os/linux#5.10.201 lang/js md/nodejs#20.9.0 api/iam#3.450.0', 'sdk'],
    [
      'aws-sdk-java/1.12.261 Linux/5.10.118 OpenJDK_64-Bit_Server_VM/11.0.15+10-LTS java/11.0.15 vendor/Amazon.com_Inc.',
      'sdk',
    ],
    ['aws-sdk-dotnet-coreclr/3.7.300.12 aws-sdk-dotnet-core/3.7.300.12 .NET_Core/6.0.25 OS/Linux', 'sdk'],
    [
      'Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.20.0 aws-sdk-go/1.45.24',
      'terraform',
    ],
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/6.14.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.39.0 ua/2.1 os/macos lang/go#1.24.6 md/GOOS#darwin md/GOARCH#amd64 api/iam#1.47.5 m/i',
      'terraform',
    ],
    [
      'OpenTofu/1.6.2 (+https://opentofu.org) terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2',
      'terraform',
    ],
    ['cloudformation.amazonaws.com', 'cloudformation'],
    ['aws-cdk/2.130.0', 'cdk'],
    [
      'aws-sdk-js/3.496.0 ua/2.0 os/darwin#23.3.0 lang/js md/nodejs#20.11.0 api/cloudformation#3.496.0 aws-cdk/2.130.0',
      'cdk',
    ],
    ['AWS Internal', 'aws-service'],
    [
      'aws-internal/3 aws-sdk-java/1.11.706 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.242-b08',
      'aws-service',
    ],
    ['lambda.amazonaws.com', 'aws-service'],
    ['resource-explorer-2.amazonaws.com', 'aws-service'],
    ['Coral/Netty4', 'aws-service'],
    ['stratus-red-team_5c59eb79-6dac-405c-a4c4-e19aec03c666', 'other'],
    ['python-requests/2.31.0', 'other'],
    ['curl/8.4.0', 'other'],
  ];
  it.each(cases)('%s → %s', (userAgent, via) => {
    expect(classifyVia(userAgent, user, '203.0.113.7')).toBe(via);
  });
});

describe('classifyVia without a telling user agent', () => {
  it('labels anything CloudFormation invoked as cloudformation', () => {
    const actor: Actor = { type: 'AssumedRole', invokedBy: 'cloudformation.amazonaws.com' };
    expect(classifyVia('cloudformation.amazonaws.com', actor, 'cloudformation.amazonaws.com')).toBe(
      'cloudformation',
    );
    expect(classifyVia(undefined, actor, undefined)).toBe('cloudformation');
  });

  it('uses invokedBy when there is no user agent', () => {
    expect(classifyVia(undefined, { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }, undefined)).toBe(
      'aws-service',
    );
    expect(classifyVia(undefined, { type: 'Root', invokedBy: 'signin.amazonaws.com' }, '192.0.2.1')).toBe(
      'console',
    );
  });

  it('uses a service source address when there is no user agent', () => {
    expect(classifyVia(undefined, user, 'sso.amazonaws.com')).toBe('aws-service');
    expect(classifyVia(undefined, user, 'AWS Internal')).toBe('aws-service');
  });

  it('says nothing when CloudTrail gives nothing', () => {
    expect(classifyVia(undefined, user, '203.0.113.7')).toBeUndefined();
    expect(classifyVia(undefined, user, undefined)).toBeUndefined();
  });

  it('trusts sessionCredentialFromConsole over the console back end\'s "AWS Internal" agent', () => {
    expect(classifyVia('AWS Internal', user, '198.51.100.23', true)).toBe('console');
    expect(classifyVia('AWS Internal', user, '198.51.100.23', false)).toBe('aws-service');
  });

  it('keeps the tool when console credentials drive it (CloudShell runs the CLI)', () => {
    expect(
      classifyVia(
        'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exec-env/CloudShell',
        user,
        '198.51.100.23',
        true,
      ),
    ).toBe('cli');
  });
});
