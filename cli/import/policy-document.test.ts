import { decodePolicyDocument, encodePolicyDocument } from './policy-document';

const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a b/*' }] };

describe('decodePolicyDocument', () => {
  test('returns objects unchanged', () => {
    expect(decodePolicyDocument(document)).toBe(document);
  });

  test('decodes the URL-encoded text the IAM API returns', () => {
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(document)))).toEqual(document);
  });

  test('reads + as a space, as Go url.QueryUnescape does', () => {
    expect(decodePolicyDocument('%7B%22Sid%22%3A%22a+b%22%7D')).toEqual({ Sid: 'a b' });
  });

  test('accepts a JSON string that is not encoded', () => {
    expect(decodePolicyDocument(' {"Version":"2012-10-17","Statement":[]}')).toEqual({ Version: '2012-10-17', Statement: [] });
  });

  test('rejects text that is neither JSON nor URL-encoded', () => {
    expect(() => decodePolicyDocument('%E0%A4%A')).toThrow('neither JSON nor valid URL-encoded text');
  });

  test('rejects JSON that is not an object', () => {
    expect(() => decodePolicyDocument('%5B1%5D')).toThrow('decodes to an array, expected a JSON object');
  });

  test('rejects numbers and null', () => {
    expect(() => decodePolicyDocument(42)).toThrow('got a number');
    expect(() => decodePolicyDocument(null)).toThrow('got null');
  });
});

describe('encodePolicyDocument', () => {
  test('round-trips through decodePolicyDocument', () => {
    expect(decodePolicyDocument(encodePolicyDocument(document))).toEqual(document);
  });
});
