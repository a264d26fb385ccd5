import { InputError, goJsonTime, optionalTimestampAt, stringAt } from './fields';

describe('optionalTimestampAt', () => {
  test.each([
    ['2023-03-09 10:41:45+00:00', '2023-03-09T10:41:45.000'],
    ['2023-03-09T10:41:45Z', '2023-03-09T10:41:45.000'],
    ['2023-03-09T12:41:45+02:00', '2023-03-09T10:41:45.000'],
    ['2023-03-09T10:41:45', '2023-03-09T10:41:45.000'],
  ])('reads %s as UTC', (input, expected) => {
    expect(optionalTimestampAt({ CreateDate: input }, 'CreateDate', '$')).toBe(expected);
  });

  test('returns null when absent', () => {
    expect(optionalTimestampAt({}, 'CreateDate', '$')).toBeNull();
  });

  test('names the path of a value that is not a time', () => {
    expect(() => optionalTimestampAt({ CreateDate: 'yesterday' }, 'CreateDate', 'UserDetailList[2]')).toThrow(
      new InputError('UserDetailList[2].CreateDate', '"yesterday" is not a timestamp')
    );
  });
});

describe('goJsonTime', () => {
  test('writes RFC 3339 without milliseconds, as Go marshals time.Time', () => {
    expect(goJsonTime('2022-08-07 12:56:48+00:00', '$')).toBe('2022-08-07T12:56:48Z');
  });
});

describe('stringAt', () => {
  test('rejects empty strings and other types', () => {
    expect(() => stringAt({ Arn: '' }, 'Arn', '$')).toThrow('$.Arn: expected a non-empty string, got a string');
    expect(() => stringAt({ Arn: 1 }, 'Arn', '$')).toThrow('$.Arn: expected a non-empty string, got a number');
    expect(() => stringAt({}, 'Arn', '$')).toThrow('$.Arn: is missing');
  });
});
