import { logger, REPEAT_WINDOW_MS, resetRepeatDetection } from './logger';

let warnSpy: jest.SpyInstance;
let errorSpy: jest.SpyInstance;

beforeEach(() => {
  resetRepeatDetection();
  warnSpy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  errorSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('logger', () => {
  test('warn writes the plugin id and context', () => {
    logger.warn('SQL query failed', { datasourceUid: 'openciem-postgres' });

    expect(warnSpy).toHaveBeenCalledWith('[openciem-entitlements-app] SQL query failed', {
      datasourceUid: 'openciem-postgres',
    });
  });

  test('error writes the error object', () => {
    const error = new Error('render failed');

    logger.error(error, { pathname: '/a/openciem-entitlements-app/home' });

    expect(errorSpy).toHaveBeenCalledWith('[openciem-entitlements-app]', error, {
      pathname: '/a/openciem-entitlements-app/home',
    });
  });

  test('drops a repeat within the window', () => {
    logger.warn('SQL query failed', { datasourceUid: 'a' });
    logger.warn('SQL query failed', { datasourceUid: 'a' });

    expect(warnSpy).toHaveBeenCalledTimes(1);
  });

  test('logs an entry with another context', () => {
    logger.warn('SQL query failed', { datasourceUid: 'a' });
    logger.warn('SQL query failed', { datasourceUid: 'b' });

    expect(warnSpy).toHaveBeenCalledTimes(2);
  });

  test('counts dropped repeats on the next entry', () => {
    logger.warn('SQL query failed', { datasourceUid: 'a' });
    logger.warn('SQL query failed', { datasourceUid: 'a' });
    logger.warn('SQL query failed', { datasourceUid: 'a' });
    logger.warn('Saving the app settings failed');

    expect(warnSpy).toHaveBeenLastCalledWith('[openciem-entitlements-app] Saving the app settings failed', {
      suppressedRepeats: '2',
    });
  });

  test('logs a repeat again after the window', () => {
    jest.useFakeTimers();
    logger.warn('SQL query failed');

    jest.advanceTimersByTime(REPEAT_WINDOW_MS);
    logger.warn('SQL query failed');

    expect(warnSpy).toHaveBeenCalledTimes(2);
  });
});
