/**
 * A fake APIG REST endpoint (node:http) for the setup scripts: it recomputes the SDK-HMAC-SHA256
 * signature of every request on its own (platform-and-open-api.md §5.2), keeps groups, domains and APIs
 * in memory, and counts mutations. Serves the dedicated (`/v2/{p}/apigw/instances/{i}`) and shared
 * (`/v1.0/apigw`) layouts.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDomain {
  id: string;
  domain: string;
  ssl_id?: string;
  ssl_name?: string;
}
export interface FakeApi {
  id: string;
  name: string;
  group_id: string;
  req_method: string;
  req_uri: string;
  backend: unknown;
  publish_id?: string;
}
export interface FakeApig {
  url: string;
  groups: Map<string, { id: string; name: string; url_domains: FakeDomain[] }>;
  apis: FakeApi[];
  /** Bodies of the certificate bindings received. */
  certificates: Array<{ name: string; cert_content: string; private_key: string }>;
  /** Requests that created or changed something. */
  mutations: string[];
  /** Requests refused for a bad signature. */
  rejected: number;
  close(): Promise<void>;
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function expectedSignature(req: IncomingMessage, body: Buffer, sk: string, signedHeaders: string[]): string {
  const u = new URL(req.url ?? '/', 'http://fake');
  let path = u.pathname.split('/').map((s) => enc(decodeURIComponent(s))).join('/');
  if (!path.endsWith('/')) path += '/';
  const query = [...u.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
  const headerText = signedHeaders.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const payload = typeof req.headers['x-sdk-content-sha256'] === 'string' ? req.headers['x-sdk-content-sha256'] : sha(body);
  const canonical = [req.method, path, query, headerText, signedHeaders.join(';'), payload].join('\n');
  const date = String(req.headers['x-sdk-date'] ?? '');
  return createHmac('sha256', sk).update(`SDK-HMAC-SHA256\n${date}\n${sha(canonical)}`).digest('hex');
}

function verify(req: IncomingMessage, body: Buffer, ak: string, sk: string): boolean {
  const m = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(String(req.headers.authorization ?? ''));
  if (!m || m[1] !== ak) return false;
  const signed = m[2]!.split(';');
  if (!signed.includes('host') || !signed.includes('x-sdk-date')) return false;
  return expectedSignature(req, body, sk, signed) === m[3];
}

/** Starts the fake on a free port with one API group per entry of `groups` (name -> id). */
export async function startFakeApig(options: { ak: string; sk: string; projectId: string; instanceId: string; groups: Record<string, string> }): Promise<FakeApig> {
  let seq = 0;
  const nextId = (p: string) => `${p}${String(++seq).padStart(4, '0')}`;
  const state: Omit<FakeApig, 'url' | 'close'> = {
    groups: new Map(Object.entries(options.groups).map(([name, id]) => [id, { id, name, url_domains: [] as FakeDomain[] }])),
    apis: [],
    certificates: [],
    mutations: [],
    rejected: 0,
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (!verify(req, body, options.ak, options.sk)) {
      state.rejected++;
      return send(res, 401, { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information' });
    }
    const u = new URL(req.url ?? '/', 'http://fake');
    const dedicated = `/v2/${options.projectId}/apigw/instances/${options.instanceId}`;
    let rest: string;
    if (u.pathname.startsWith(`${dedicated}/`)) rest = u.pathname.slice(dedicated.length);
    else if (u.pathname.startsWith('/v1.0/apigw/')) rest = u.pathname.slice('/v1.0/apigw'.length);
    else return send(res, 404, { error_code: 'APIG.0101', error_msg: 'not found' });
    const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const seg = rest.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const page = <T>(items: T[]) => {
      const size = Number(u.searchParams.get('limit') ?? u.searchParams.get('page_size') ?? 20);
      const start = u.searchParams.has('offset') ? Number(u.searchParams.get('offset')) : (Number(u.searchParams.get('page_no') ?? 1) - 1) * size;
      return items.slice(start, start + size);
    };
    if (seg[0] === 'api-groups') {
      if (seg.length === 1 && method === 'GET') {
        const name = u.searchParams.get('name') ?? '';
        const groups = [...state.groups.values()].filter((g) => g.name.includes(name));
        return send(res, 200, { total: groups.length, groups: page(groups) });
      }
      const group = state.groups.get(seg[1] ?? '');
      if (!group) return send(res, 404, { error_code: 'APIG.3001', error_msg: 'group not found' });
      if (seg.length === 2 && method === 'GET') return send(res, 200, group);
      if (seg.length === 3 && seg[2] === 'domains' && method === 'POST') {
        const d: FakeDomain = { id: nextId('dom'), domain: String(json.url_domain) };
        if (group.url_domains.some((x) => x.domain === d.domain)) return send(res, 409, { error_code: 'APIG.3311', error_msg: 'domain exists' });
        group.url_domains.push(d);
        state.mutations.push(`bind domain ${d.domain}`);
        return send(res, 201, { id: d.id, url_domain: d.domain, status: 3 });
      }
      if (seg.length === 5 && seg[2] === 'domains' && seg[4] === 'certificate' && method === 'POST') {
        const d = group.url_domains.find((x) => x.id === seg[3]);
        if (!d) return send(res, 404, { error_code: 'APIG.3020', error_msg: 'domain not found' });
        d.ssl_id = nextId('ssl');
        d.ssl_name = String(json.name);
        state.certificates.push(json as FakeApig['certificates'][number]);
        state.mutations.push(`bind certificate ${d.ssl_name}`);
        return send(res, 201, { id: d.id, url_domain: d.domain, ssl_id: d.ssl_id, ssl_name: d.ssl_name });
      }
    }
    if (seg[0] === 'apis') {
      if (seg.length === 1 && method === 'GET') {
        const groupId = u.searchParams.get('group_id');
        const apis = state.apis.filter((a) => !groupId || a.group_id === groupId);
        return send(res, 200, { total: apis.length, size: page(apis).length, apis: page(apis) });
      }
      if (seg.length === 1 && method === 'POST') {
        const api: FakeApi = {
          id: nextId('api'),
          name: String(json.name),
          group_id: String(json.group_id),
          req_method: String(json.req_method),
          req_uri: String(json.req_uri),
          backend: json.func_info,
        };
        if (!/^[A-Za-z][A-Za-z0-9_]{2,254}$/.test(api.name)) return send(res, 400, { error_code: 'APIG.2011', error_msg: 'bad name' });
        if (state.apis.some((a) => a.group_id === api.group_id && a.req_method === api.req_method && a.req_uri === api.req_uri)) {
          return send(res, 409, { error_code: 'APIG.3301', error_msg: 'api exists' });
        }
        state.apis.push(api);
        state.mutations.push(`create ${api.req_method} ${api.req_uri}`);
        return send(res, 201, { id: api.id, name: api.name });
      }
      if (seg.length === 2 && seg[1] === 'action' && method === 'POST' && json.action === 'online') {
        for (const id of json.apis as string[]) {
          const api = state.apis.find((a) => a.id === id);
          if (api) api.publish_id = nextId('pub');
        }
        state.mutations.push(`publish ${(json.apis as string[]).length}`);
        return send(res, 200, { success: json.apis });
      }
    }
    return send(res, 404, { error_code: 'APIG.0101', error_msg: `no route ${method} ${rest}` });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        send(res, 500, { error_code: 'FAKE.500', error_msg: (err as Error).message });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as FakeApig;
}
