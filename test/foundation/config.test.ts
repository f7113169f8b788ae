import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, { dotEnvFile: false });
const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function errorOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('the answer-time promise: off by default, minutes and an IANA time zone (issue 19.3)', () => {
    expect(load({}).answerTime).toEqual({ limitMinutes: 0, timeZone: 'Europe/Moscow' });
    expect(load({ ANSWER_TIME_LIMIT_MINUTES: '10', BUSINESS_TIME_ZONE: 'Asia/Yekaterinburg' }).answerTime).toEqual({ limitMinutes: 10, timeZone: 'Asia/Yekaterinburg' });
    expect(load({ ANSWER_TIME_LIMIT_MINUTES: '' }).answerTime.limitMinutes).toBe(0);
    expect(errorOf({ ANSWER_TIME_LIMIT_MINUTES: '-1' })).toBe('Setting ANSWER_TIME_LIMIT_MINUTES: must be 0 (off) or more');
    expect(errorOf({ ANSWER_TIME_LIMIT_MINUTES: 'ten' })).toBe('Setting ANSWER_TIME_LIMIT_MINUTES: must be a number of minutes');
    expect(errorOf({ BUSINESS_TIME_ZONE: 'Moscow' })).toBe('Setting BUSINESS_TIME_ZONE: must be an IANA time zone name such as Europe/Moscow');
  });

  it('starts in sandbox mode on the embedded database with nothing set', () => {
    const config = load({});
    expect(config.sandbox).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.telegram.mode).toBe('polling');
    expect(config.onec.mode).toBe('off');
    expect(config.storageUrl).toBe(`file://${config.dataDir}/files`);
  });

  it('takes a basic group\'s id for the managers\' chat: Hotline follows it when Telegram upgrades it to a supergroup', () => {
    const config = load({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MANAGERS_CHAT_ID: '-4123456789', DATABASE_URL: 'postgres://u:p@db:5432/hotline' });
    expect(config.telegram.managersChatIds).toEqual([-4123456789]);
  });

  it('reads a production setup', () => {
    const config = load({
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890, -1009876543210',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: 'secret_1',
      PUBLIC_URL: 'https://hotline.example/',
      DATABASE_URL: 'postgres://u:p@db:5432/hotline',
      PORT: '8080',
    });
    expect(config.sandbox).toBe(false);
    expect(config.telegram.managersChatIds).toEqual([-1001234567890, -1009876543210]);
    expect(config.publicUrl).toBe('https://hotline.example');
    expect(config.port).toBe(8080);
  });

  it.each([
    [{ PORT: 'abc' }, 'Setting PORT: must be a number'],
    [{ PORT: '70000' }, 'Setting PORT: must be between 0 and 65535'],
    [{ PUBLIC_URL: 'hotline.example' }, 'Setting PUBLIC_URL: must be a URL starting with http:// or https://'],
    [{ DATABASE_URL: 'mysql://x' }, 'Setting DATABASE_URL: must be a URL starting with postgres:// or postgresql://'],
    [{ TELEGRAM_BOT_TOKEN: 'nonsense' }, 'Setting TELEGRAM_BOT_TOKEN: must look like 123456789:AA…'],
    [{ TELEGRAM_BOT_TOKEN: token }, 'Setting TELEGRAM_MANAGERS_CHAT_ID: is required when TELEGRAM_BOT_TOKEN is set'],
    [{ TELEGRAM_MANAGERS_CHAT_ID: '12345' }, 'Setting TELEGRAM_MANAGERS_CHAT_ID: must be one or more group ids'],
    [{ TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890,@managers' }, 'Setting TELEGRAM_MANAGERS_CHAT_ID: must be one or more group ids'],
    [{ TELEGRAM_API_ROOT: 'https://api.telegram.org/' }, 'Setting TELEGRAM_API_ROOT: must not end with a slash'],
    [{ TELEGRAM_MODE: 'push' }, 'Setting TELEGRAM_MODE: must be "polling" or "webhook"'],
    [{ TELEGRAM_MODE: 'webhook', PUBLIC_URL: 'https://h.example' }, 'Setting TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook'],
    [{ TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'abc' }, 'Setting PUBLIC_URL: is required when TELEGRAM_MODE=webhook'],
    [{ TELEGRAM_WEBHOOK_SECRET: 'has space' }, 'Setting TELEGRAM_WEBHOOK_SECRET: must be 1–256 characters'],
    [{ APP_SECRET: 'short' }, 'Setting APP_SECRET: must be at least 32 characters'],
    [{ ONEC_MODE: 'soap' }, 'Setting ONEC_MODE: must be "off", "link", "http" or "odata"'],
    [{ ONEC_MODE: 'odata' }, "Setting ONEC_URL: is required when ONEC_MODE=odata (the base's …/odata/standard.odata/ address)"],
    [{ ONEC_MODE: 'odata', ONEC_URL: 'https://1c.example/bp/odata/standard.odata/', ONEC_ODATA_MAPPING: '{"document":"Заказ"}' }, 'Setting ONEC_ODATA_MAPPING'],
    [{ ONEC_MODE: 'http' }, 'Setting ONEC_URL: is required when ONEC_MODE=http'],
    [{ ONEC_MODE: 'link' }, 'Setting ONEC_LINK_TEMPLATE: is required when ONEC_MODE=link'],
    [{ STORAGE_URL: 'ftp://files' }, 'Setting STORAGE_URL: must be a URL starting with file:// or s3://'],
    [{ ADMIN_EMAIL: 'not-an-email' }, 'Setting ADMIN_EMAIL: must be an e-mail address'],
    [{ ADMIN_EMAIL: 'a@b.example' }, 'Setting ADMIN_PASSWORD: is required when ADMIN_EMAIL is set'],
    [{ LOG_LEVEL: 'loud' }, 'Setting LOG_LEVEL:'],
  ])('%j → "%s"', (env, expected) => {
    const message = errorOf(env as Record<string, string>);
    expect(message.startsWith(expected)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
