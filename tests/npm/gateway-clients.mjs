// The official OpenAI (v6) and Anthropic (v1 and v0) SDKs against a keydeck-server gateway:
// every call a user makes and every refusal they may meet, as the SDKs themselves surface it.
// Usage: node gateway-clients.mjs  (KEYDECK_GATEWAY = http://HOST:PORT, KEYDECK_KEYS = JSON
// object of key secrets by role). Prints one line per check; exits 1 on the first failure.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import AnthropicV0 from 'anthropic-sdk-v0';

const base = process.env.KEYDECK_GATEWAY;
const keys = JSON.parse(process.env.KEYDECK_KEYS);

function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
  console.log(`ok ${what}`);
}

// The error the call fails with, or a failure if it does not.
async function refusal(call, what) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error(`failed: ${what} was not refused`);
}

const hello = [{ role: 'user', content: 'Say hello' }];

async function openai() {
  const client = new OpenAI({ apiKey: keys.app, baseURL: `${base}/v1`, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
  check(completion.choices[0].message.content.length > 0, 'openai: chat completion has content');
  check(completion.usage.prompt_tokens > 0, 'openai: chat completion has usage');

  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello, stream: true });
  let text = '';
  let usageChunks = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usageChunks += 1;
  }
  check(text === completion.choices[0].message.content, 'openai: the stream says what the completion said');
  check(usageChunks === 0, 'openai: no usage chunk the client did not ask for');

  const counted = await client.chat.completions.create({
    model: 'gpt-4o-mini', messages: hello, stream: true, stream_options: { include_usage: true } });
  let usage = null;
  for await (const chunk of counted) if (chunk.usage) usage = chunk.usage;
  check(usage && usage.completion_tokens === completion.usage.completion_tokens,
    'openai: include_usage gets the usage chunk');

  const legacy = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Hi', max_tokens: 3 });
  check(legacy.choices[0].text.split(' ').length === 3, 'openai: completions honour max_tokens');

  const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'KeyDeck' });
  check(embedding.data[0].embedding.length === 8, 'openai: embeddings');

  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  check(models.includes('gpt-4o-mini'), 'openai: models.list');

  const mini = new OpenAI({ apiKey: keys.mini, baseURL: `${base}/v1`, maxRetries: 0 });
  const allowed = [];
  for await (const model of mini.models.list()) allowed.push(model.id);
  check(allowed.length === 1 && allowed[0] === 'gpt-4o-mini', 'openai: models.list shows only allowed models');

  const refusals = [
    ['unknown', 401, 'invalid_api_key', OpenAI.AuthenticationError],
    ['revoked', 401, 'revoked_api_key', OpenAI.AuthenticationError],
    ['disabled', 401, 'disabled_api_key', OpenAI.AuthenticationError],
    ['office', 403, 'ip_not_allowed', OpenAI.PermissionDeniedError],
    ['writer', 403, 'insufficient_permissions', OpenAI.PermissionDeniedError],
    ['spent', 429, 'quota_exceeded', OpenAI.RateLimitError],
    ['prepaid', 402, 'insufficient_quota', OpenAI.APIError],
  ];
  for (const [role, status, code, type] of refusals) {
    const refused = new OpenAI({ apiKey: keys[role], baseURL: `${base}/v1`, maxRetries: 0 });
    const error = await refusal(() => refused.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }), role);
    check(error instanceof type && error.status === status && error.code === code,
      `openai: ${role} key -> ${status} ${code} (${error.constructor.name})`);
    check(!String(error.message).includes(keys[role]), `openai: the ${role} key is not echoed`);
  }
  const limited = new OpenAI({ apiKey: keys.limited, baseURL: `${base}/v1`, maxRetries: 0 });
  await limited.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
  const tooFast = await refusal(() => limited.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }), 'rate');
  check(tooFast instanceof OpenAI.RateLimitError && tooFast.code === 'rate_limit_exceeded' &&
    Number(tooFast.headers.get('retry-after')) >= 1 && tooFast.headers.get('x-ratelimit-limit-requests') === '1',
    'openai: past its requests per minute -> RateLimitError with Retry-After');

  const error = await refusal(() => mini.chat.completions.create({ model: 'gpt-4o', messages: hello }), 'model');
  check(error instanceof OpenAI.PermissionDeniedError && error.code === 'model_not_allowed' && error.param === 'model',
    'openai: a model outside the allowlist -> 403 model_not_allowed');
}

async function anthropic(Sdk, name) {
  const client = new Sdk({ apiKey: keys.app, baseURL: base, maxRetries: 0 });
  const message = await client.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] });
  check(message.type === 'message' && message.content[0].text.length > 0, `${name}: messages.create`);
  check(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, `${name}: message usage`);

  const stream = client.messages.stream({
    model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] });
  const final = await stream.finalMessage();
  check(final.content[0].text === message.content[0].text, `${name}: messages.stream says the same`);
  check(final.usage.output_tokens === message.usage.output_tokens, `${name}: the stream's last usage counts`);

  const unknown = new Sdk({ apiKey: keys.unknown, baseURL: base, maxRetries: 0 });
  const error = await refusal(() => unknown.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), 'unknown');
  check(error instanceof Sdk.AuthenticationError && error.status === 401, `${name}: unknown key -> AuthenticationError`);
  check(error.error?.error?.type === 'authentication_error' && error.error?.error?.code === 'invalid_api_key',
    `${name}: Anthropic's error envelope`);

  const mini = new Sdk({ apiKey: keys.mini, baseURL: base, maxRetries: 0 });
  const outside = await refusal(() => mini.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), 'model');
  check(outside instanceof Sdk.PermissionDeniedError && outside.error?.error?.code === 'model_not_allowed',
    `${name}: a model outside the allowlist -> PermissionDeniedError`);

  // The limited key spent its one request a minute on the OpenAI checks.
  const limited = new Sdk({ apiKey: keys.limited, baseURL: base, maxRetries: 0 });
  const tooFast = await refusal(() => limited.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), 'rate');
  check(tooFast instanceof Sdk.RateLimitError && tooFast.error?.error?.type === 'rate_limit_error',
    `${name}: past its rate -> RateLimitError`);

  const spent = new Sdk({ apiKey: keys.spent, baseURL: base, maxRetries: 0 });
  const capped = await refusal(() => spent.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), 'cap');
  check(capped instanceof Sdk.RateLimitError && capped.error?.error?.code === 'quota_exceeded' &&
    Number(capped.headers?.get?.('retry-after') ?? capped.headers?.['retry-after']) >= 1,
    `${name}: past its spend cap -> RateLimitError quota_exceeded with Retry-After`);
  const prepaid = new Sdk({ apiKey: keys.prepaid, baseURL: base, maxRetries: 0 });
  const exhausted = await refusal(() => prepaid.messages.create({
    model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), 'quota');
  check(exhausted instanceof Sdk.APIError && exhausted.status === 402 &&
    exhausted.error?.error?.code === 'insufficient_quota',
    `${name}: an exhausted quota -> 402 insufficient_quota`);
}

try {
  await openai();
  await anthropic(Anthropic, 'anthropic v1');
  await anthropic(AnthropicV0, 'anthropic v0');
} catch (error) {
  console.log(String(error.stack ?? error));
  process.exit(1);
}
