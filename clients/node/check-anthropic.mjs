// Calls a Bastion gateway with the official @anthropic-ai/sdk client: a message, a stream, a tool-use round trip
// (its input streamed in pieces), a stop sequence, and an authentication error. Prints one JSON line with what it
// saw; the gateway test asserts on it.
// Usage: node check-anthropic.mjs BASE_URL API_KEY MODEL   (BASE_URL without /v1: the SDK adds it)
import Anthropic from "@anthropic-ai/sdk";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const result = {};

const message = await client.messages.create({
  model,
  max_tokens: 64,
  system: "be brief",
  messages: [{ role: "user", content: "hello from anthropic" }],
});
result.message = { text: message.content[0].text, stop: message.stop_reason, usage: message.usage };

const stream = client.messages.stream({
  model,
  max_tokens: 64,
  messages: [{ role: "user", content: "stream from anthropic" }],
});
let streamed = "";
stream.on("text", (text) => {
  streamed += text;
});
const final = await stream.finalMessage();
result.stream = { text: streamed, final: final.content[0].text, stop: final.stop_reason, usage: final.usage };

const tools = [{ name: "get_weather", description: "The weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } } } }];
const asked = await client.messages.create({
  model,
  max_tokens: 64,
  tools,
  messages: [{ role: "user", content: "weather in Paris?" }],
});
const use = asked.content.find((block) => block.type === "tool_use");
const useStream = client.messages.stream({
  model,
  max_tokens: 64,
  tools,
  messages: [{ role: "user", content: "weather in Paris?" }],
});
const inputPieces = [];
useStream.on("inputJson", (partialJson) => {
  inputPieces.push(partialJson);
});
const streamedUse = await useStream.finalMessage();
const answered = await client.messages.create({
  model,
  max_tokens: 64,
  messages: [
    { role: "user", content: "weather in Paris?" },
    { role: "assistant", content: asked.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }] },
  ],
});
result.tool = {
  stop: asked.stop_reason,
  name: use.name,
  input: use.input,
  streamedInput: streamedUse.content.find((block) => block.type === "tool_use")?.input ?? null,
  inputPieces,
  answer: answered.content[0].text,
};

// A stop sequence: the upstream ends the answer on one of them and the stop reason says which.
const stopRequest = {
  model,
  max_tokens: 64,
  stop_sequences: ["never", " from"],
  messages: [{ role: "user", content: "stop here from anthropic" }],
};
const stopped = await client.messages.create(stopRequest);
const stoppedStream = await client.messages.stream(stopRequest).finalMessage();
result.stop = {
  reason: stopped.stop_reason,
  sequence: stopped.stop_sequence,
  text: stopped.content[0]?.text ?? null,
  streamReason: stoppedStream.stop_reason,
  streamSequence: stoppedStream.stop_sequence,
};

try {
  await new Anthropic({ baseURL, apiKey: "bsk_wrong", maxRetries: 0 }).messages.create({
    model,
    max_tokens: 8,
    messages: [{ role: "user", content: "x" }],
  });
  result.error = "none";
} catch (e) {
  result.error = { name: e.constructor.name, status: e.status, authError: e instanceof Anthropic.AuthenticationError, type: e.error?.error?.type ?? null };
}

console.log(JSON.stringify(result));
