/**
 * The inbox `workflow_filter` query (mesh-api.md §2.2), in NHS sandbox
 * semantics: `WF` equals, `!WF` not equals, `WF*` begins with, `!WF*` does
 * not begin with, `*X*` contains, `!*X*` does not contain.
 */

/** A predicate over workflow ids, or undefined when the filter is empty (everything passes). */
export function compileWorkflowFilter(filter: string | undefined): ((workflowId: string) => boolean) | undefined {
  let pattern = (filter ?? '').trim();
  if (pattern === '') return undefined;

  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);

  const contains = pattern.startsWith('*');
  if (contains) pattern = pattern.slice(1, pattern.endsWith('*') ? -1 : undefined);

  const beginsWith = !contains && pattern.endsWith('*');
  if (beginsWith) pattern = pattern.slice(0, -1);

  const text = pattern;
  let test: (workflowId: string) => boolean;
  if (contains) test = (workflowId) => workflowId.includes(text);
  else if (beginsWith) test = (workflowId) => workflowId.startsWith(text);
  else test = (workflowId) => workflowId === text;
  return negated ? (workflowId) => !test(workflowId) : test;
}
