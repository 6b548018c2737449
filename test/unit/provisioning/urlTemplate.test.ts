import { describe, expect, it } from 'vitest';
import { fillTemplate, MAX_URL_LENGTH, renderUrlTemplate, urlProblem } from '../../../shared/provisioning/urlTemplate';

describe('fillTemplate', () => {
  it('replaces every {instanceId} and leaves other braces alone', () => {
    expect(fillTemplate('a/{instanceId}/b?i={instanceId}&x={other}', 'ID')).toBe('a/ID/b?i=ID&x={other}');
  });
});

describe('renderUrlTemplate', () => {
  it('URL-encodes the instance id', () => {
    expect(renderUrlTemplate('https://app.example.com/t/{instanceId}?x=1', 'a b/c?d&e')).toEqual({
      ok: true,
      url: 'https://app.example.com/t/a%20b%2Fc%3Fd%26e?x=1',
    });
  });

  it('accepts a template without a placeholder as a fixed URL', () => {
    expect(renderUrlTemplate('http://login.example.com/', 'X')).toEqual({ ok: true, url: 'http://login.example.com/' });
  });

  it(`accepts exactly ${MAX_URL_LENGTH} characters after substitution and refuses one more`, () => {
    const prefix = 'https://a.example/';
    const exact = `${prefix}${'p'.repeat(MAX_URL_LENGTH - prefix.length - 3)}{instanceId}`;
    expect(renderUrlTemplate(exact, 'abc').ok).toBe(true);
    expect(renderUrlTemplate(exact, 'abcd')).toEqual({ ok: false, problem: `is longer than ${MAX_URL_LENGTH} characters` });
  });
});

describe('urlProblem', () => {
  it.each([
    ['', 'is empty'],
    ['/login?i=1', 'is not an absolute URL'],
    ['app.example.com/login', 'is not an absolute URL'],
    ['ftp://files.example.com/', 'is not an http(s) URL'],
    ['javascript:alert(1)', 'is not an http(s) URL'],
    ['file:///etc/passwd', 'is not an http(s) URL'],
    [' https://app.example.com/', 'contains whitespace or control characters'],
    ['https://app.example.com/a\tb', 'contains whitespace or control characters'],
    ['https://app.example.com/\n', 'contains whitespace or control characters'],
  ])('refuses %j because it %s', (url, problem) => {
    expect(urlProblem(url)).toBe(problem);
  });

  it.each(['https://app.example.com', 'http://127.0.0.1:8080/x?y=1#z', 'https://例子.example/登录'])('accepts %j', (url) => {
    expect(urlProblem(url)).toBeUndefined();
  });
});
