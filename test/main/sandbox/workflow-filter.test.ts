import { describe, expect, it } from 'vitest';
import { compileWorkflowFilter } from '../../../main/sandbox/workflow-filter';

const workflows = ['PATH', 'PATH_ACK', 'XRAY_PATH', 'DISCHARGE', 'path'];

function passing(filter: string): string[] {
  const predicate = compileWorkflowFilter(filter)!;
  return workflows.filter(predicate);
}

describe('compileWorkflowFilter', () => {
  it('returns undefined for an empty filter', () => {
    expect(compileWorkflowFilter(undefined)).toBeUndefined();
    expect(compileWorkflowFilter('  ')).toBeUndefined();
  });

  it.each([
    ['PATH', ['PATH']],
    ['!PATH', ['PATH_ACK', 'XRAY_PATH', 'DISCHARGE', 'path']],
    ['PATH*', ['PATH', 'PATH_ACK']],
    ['!PATH*', ['XRAY_PATH', 'DISCHARGE', 'path']],
    ['*PATH*', ['PATH', 'PATH_ACK', 'XRAY_PATH']],
    ['!*PATH*', ['DISCHARGE', 'path']],
    ['*_ACK*', ['PATH_ACK']],
    [' PATH ', ['PATH']],
  ])('%j keeps %j', (filter, expected) => {
    expect(passing(filter)).toEqual(expected);
  });

  it('is case-sensitive like the sandbox', () => {
    expect(passing('path')).toEqual(['path']);
  });
});
