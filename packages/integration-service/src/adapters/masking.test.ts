import { describe, expect, it } from 'vitest';
import { maskBody, maskHeaders, maskUrl } from './masking.ts';

describe('masking secrets in protocol traffic', () => {
  it('masks API keys in query strings and passwords in URLs', () => {
    expect(maskUrl('https://api-na.hosted.exlibrisgroup.com/almaws/v1/users/x?apikey=l8xx123&view=full')).toBe(
      'https://api-na.hosted.exlibrisgroup.com/almaws/v1/users/x?apikey=****&view=full',
    );
    expect(maskUrl('http://staff:hunter2@ils.example.org/ws')).not.toContain('hunter2');
  });

  it('keeps the authorization scheme but not the secret', () => {
    expect(maskHeaders({ Authorization: 'apikey l8xx123', Accept: 'application/json' })).toEqual({ Authorization: 'apikey ****', Accept: 'application/json' });
    expect(maskHeaders({ authorization: 'Bearer tk_abc' }).authorization).toBe('Bearer ****');
    expect(maskHeaders({ 'x-sirs-sessionToken': 'abc' })['x-sirs-sessionToken']).toBe('****');
  });

  it('masks secrets in JSON, XML and form bodies', () => {
    expect(maskBody(JSON.stringify({ user: 'ill', password: 'hunter2', nested: { clientSecret: 's3' } }))).toBe(
      JSON.stringify({ user: 'ill', password: '****', nested: { clientSecret: '****' } }),
    );
    expect(maskBody('<user><primary_id>p1</primary_id><password>hunter2</password></user>')).toBe(
      '<user><primary_id>p1</primary_id><password>****</password></user>',
    );
    expect(maskBody('grant_type=client_credentials&client_secret=s3&scope=x')).toBe('grant_type=client_credentials&client_secret=****&scope=x');
    expect(maskBody('<ns1:AuthenticationInputData>1234</ns1:AuthenticationInputData>')).toBe('<ns1:AuthenticationInputData>****</ns1:AuthenticationInputData>');
  });
});
