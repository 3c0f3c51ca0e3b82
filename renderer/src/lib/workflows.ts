/**
 * Workflow IDs in words a receptionist knows. MESH names a kind of message by
 * an ID such as TOC_FHIR_IP_DISCH; the window shows a plain name and keeps the
 * ID for hover and for the details. Well-known IDs have their NHS names; any
 * other is tidied ("CARE_PLAN_UPDATE" → "Care plan update").
 */

const KNOWN: Readonly<Record<string, string>> = {
  TOC_FHIR_IP_DISCH: 'Discharge summary (transfer of care)',
  TOC_FHIR_EC_DISCH: 'Emergency care discharge (transfer of care)',
  TOC_FHIR_OP_ATTEN: 'Outpatient letter (transfer of care)',
  TOC_FHIR_MH_DISCH: 'Mental health discharge (transfer of care)',
  PATH_MEDRPT_V3: 'Pathology results',
  GPFED_CONFI_REPORT: 'GP federation report',
  SOCIAL_CARE_ASSESSMENT: 'Social care assessment',
  CARE_PLAN_UPDATE: 'Care plan update',
};

const ACK_SUFFIX = /_ACK$/i;

function tidy(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : id;
}

/** A workflow's plain name: "Pathology results", "Discharge summary (transfer of care) — acknowledgement". */
export function workflowName(id: string): string {
  const trimmed = id.trim();
  if (!trimmed) return id;
  const upper = trimmed.toUpperCase();
  const known = KNOWN[upper];
  if (known) return known;
  if (ACK_SUFFIX.test(upper)) {
    const base = upper.replace(ACK_SUFFIX, '');
    return `${KNOWN[base] ?? tidy(base)} — acknowledgement`;
  }
  return tidy(trimmed);
}
