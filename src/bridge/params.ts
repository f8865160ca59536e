// What cells may ask for, validated before the cluster is asked: names are plain names,
// never paths, so nothing can reach a subresource such as pods/exec or a proxy.
import { HttpError } from './http.ts';

export interface Selection {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

const API_VERSION = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?v[1-9][0-9]?((alpha|beta)[1-9][0-9]?)?$/;
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;
/** A DNS subdomain: what Kubernetes allows for most names. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** A DNS label: namespaces. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Equality- and set-based selectors: keys, values, operators, commas, parentheses. */
const LABEL_SELECTOR = /^[A-Za-z0-9_.\-/=!, ()]{1,512}$/;
const RESOURCE_VERSION = /^[0-9]{1,20}$/;

/** Kinds no cell may read: their data is credentials. */
const HIDDEN_KINDS = new Set(['Secret']);

function field(value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new HttpError(400, `invalid ${what}`);
  return value;
}

function optional(value: unknown, pattern: RegExp, what: string): string | undefined {
  return value === undefined || value === '' ? undefined : field(value, pattern, what);
}

/** Query parameters as a plain record; unknown or repeated parameters are refused. */
export function queryOf(url: URL, allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown parameter "${key.slice(0, 40)}"`);
    if (key in out) throw new HttpError(400, `parameter "${key}" given twice`);
    out[key] = value;
  }
  return out;
}

export function selection(q: Record<string, unknown>): Selection {
  const kind = field(q.kind, KIND, 'kind');
  if (HIDDEN_KINDS.has(kind)) throw new HttpError(403, `${kind} objects are not readable through the bridge`);
  return {
    apiVersion: field(q.apiVersion, API_VERSION, 'apiVersion'),
    kind,
    namespace: optional(q.namespace, NAMESPACE, 'namespace'),
    labelSelector: optional(q.labelSelector, LABEL_SELECTOR, 'labelSelector'),
  };
}

export function objectRef(q: Record<string, unknown>): ObjectRef {
  const { apiVersion, kind, namespace } = selection({ ...q, labelSelector: undefined });
  return { apiVersion, kind, namespace, name: field(q.name, NAME, 'name') };
}

export function resourceVersion(q: Record<string, unknown>): string | undefined {
  return optional(q.resourceVersion, RESOURCE_VERSION, 'resourceVersion');
}

export function name(value: unknown, what = 'name'): string {
  return field(value, NAME, what);
}

export function namespace(value: unknown): string {
  return field(value, NAMESPACE, 'namespace');
}

export function labId(value: unknown, what: string): string {
  return field(value, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, what);
}

export function wholeNumber(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new HttpError(400, `${what} must be a whole number from ${min} to ${max}`);
  return value;
}

/** A JSON object with only the allowed keys. */
export function jsonFields(value: unknown, allowed: string[], what = 'the body'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, `${what} must be a JSON object`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new HttpError(400, `unknown field "${key.slice(0, 40)}"`);
  return value as Record<string, unknown>;
}

/** A JSON object body with only the allowed keys. */
export function jsonObject(text: string, allowed: string[]): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  return jsonFields(value, allowed);
}

export function watchId(value: unknown): string {
  return field(value, /^[A-Za-z0-9_-]{1,40}$/, 'watch id');
}
