/** TSDoc text for emitted declarations, rendered from templates/doc-comment.hbs. */
import type { ProxyMethodModel } from '../model/types.js';
import { docText, renderTemplate } from './render.js';

export interface DocInput {
  readonly description: string;
  readonly details?: string | undefined;
  readonly params?: readonly { readonly name: string; readonly description: string }[] | undefined;
  readonly returns?: string | undefined;
  readonly throws?: readonly { readonly name: string; readonly description: string }[] | undefined;
  readonly deprecated?: string | undefined;
  readonly remarks?: string | undefined;
}

/** The body of a JSDoc block (ts-morph adds the `/**` framing and the leading asterisks). */
export function doc(input: DocInput): string {
  const clean = (s: string | undefined): string | undefined => (s === undefined ? undefined : oneParagraph(docText(s)));
  return renderTemplate('doc-comment', {
    description: docText(input.description),
    details: input.details === undefined ? undefined : docText(input.details),
    params: (input.params ?? []).map((p) => ({ name: p.name, description: clean(p.description) })),
    returns: clean(input.returns),
    throws: (input.throws ?? []).map((t) => ({ link: `{@link ${t.name}}`, description: clean(t.description) })),
    deprecated: clean(input.deprecated),
    remarks: clean(input.remarks),
  }).trimEnd();
}

/** Tag texts must stay on one line: a newline would start a new paragraph outside the tag. */
function oneParagraph(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** What a proxy method returns, in words. */
export function returnsText(method: ProxyMethodModel): string | undefined {
  const r = method.returns;
  switch (r.kind) {
    case 'void':
      return undefined;
    case 'paginated':
      return `A lazy, paginated async iterable of ${r.resource} objects.`;
    case 'resource':
      return r.optional
        ? `The ${r.resource}, or undefined when none matches and ignoreMissing is true.`
        : `The ${r.resource}.`;
    case 'value':
      return 'The value the API returned.';
  }
}
