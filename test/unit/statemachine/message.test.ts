import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { parseMessage, serializeMessage, toMessage } from '../../../src/statemachine/message.js';

const UNTIL = Date.UTC(2030, 0, 2, 3, 4, 5);

describe('parseMessage', () => {
  it.each(['run', 'pause', 'kill', 'complete', 'checkpoint', 'release'] as const)('reads %s', (type) => {
    expect(parseMessage(JSON.stringify({ type }))).toEqual({ type });
  });

  it('reads a sleep time as ISO 8601 or epoch milliseconds', () => {
    expect(parseMessage('{"type":"sleep","until":"2030-01-02T05:04:05+02:00"}')).toEqual({ type: 'sleep', untilMs: UNTIL });
    expect(parseMessage(`{"type":"sleep","until":${UNTIL}}`)).toEqual({ type: 'sleep', untilMs: UNTIL });
  });

  it('reads an error text', () => {
    expect(parseMessage('{"type":"error","error":"disk full"}')).toEqual({ type: 'error', error: 'disk full' });
  });

  it.each([
    ['pause', 'invalid task command "pause": not valid JSON'],
    ['{"type":"explode"}', 'unknown message in task command "{\\"type\\":\\"explode\\"}": "type" must be one of run,'],
    ['null', 'unknown message in task command "null"'],
    ['{"type":"sleep"}', 'invalid sleep time in task command'],
  ])('rejects %s', (text, message) => {
    expect(() => parseMessage(text)).toThrow(InvalidArgumentError);
    expect(() => parseMessage(text)).toThrow(message);
  });
});

describe('serializeMessage', () => {
  it('writes the stored command form', () => {
    expect(serializeMessage({ type: 'sleep', untilMs: UNTIL })).toBe('{"type":"sleep","until":"2030-01-02T03:04:05.000Z"}');
    expect(serializeMessage({ type: 'kill' })).toBe('{"type":"kill"}');
  });
});

describe('toMessage', () => {
  it('accepts a message object from a handler', () => {
    expect(toMessage({ type: 'sleep', untilMs: UNTIL }, 'result')).toEqual({ type: 'sleep', untilMs: UNTIL });
  });

  it('rejects a plain string', () => {
    expect(() => toMessage('complete', 'the result')).toThrow('unknown message in the result');
  });
});
