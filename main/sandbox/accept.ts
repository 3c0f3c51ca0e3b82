/**
 * API version negotiation through the Accept header, parsed exactly as NHS's
 * sandbox does (mesh-api.md §1.3): split on ';' (not ','), the first segment
 * mentioning "vnd.mesh" decides, and it must match the whole pattern.
 */

const MESH_MEDIA_TYPE = /^application\/vnd\.mesh\.v(\d+)\+json$/;

/** The API version asked for: 1 when absent or generic, undefined when malformed (400). */
export function parseAcceptHeader(accept: string | undefined): number | undefined {
  if (!accept) return 1;
  for (const rawSegment of accept.split(';')) {
    const segment = rawSegment.trim();
    if (segment === '' || !segment.includes('vnd.mesh')) continue;
    const match = MESH_MEDIA_TYPE.exec(segment);
    if (!match) return undefined;
    return Number(match[1]);
  }
  return 1;
}
