/** The integration service, through its HTTP API only, as ILL staff and administrators use it. */
export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  withKey(key: string): ServiceClient {
    return new ServiceClient(this.baseUrl, key);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.call<T>(method, path, body);
    if (result.status >= 300) throw new Error(`${method} ${path} → ${result.status}: ${JSON.stringify(result.body)}`);
    return result.body;
  }
}
