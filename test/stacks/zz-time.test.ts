import { it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleConfig, buildTestApp } from './support';
it('times', () => {
  let t = Date.now();
  const { stacks } = buildTestApp(exampleConfig());
  console.log('build', Date.now() - t); t = Date.now();
  Template.fromStack(stacks.monitor);
  console.log('tpl', Date.now() - t); t = Date.now();
  Template.fromStack(stacks.trail!);
  console.log('tpl2', Date.now() - t); t = Date.now();
}, 120000);
