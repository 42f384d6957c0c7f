// Calls a Bastion gateway with the official openai client: a chat completion, a stream with usage, a streamed tool
// call, the model
// list, embeddings, and an error. Prints one JSON line with what it saw; the gateway test asserts on it.
// Usage: node check.mjs BASE_URL API_KEY MODEL [--tools]   (--tools: also the streamed tool call; the local engine
// refuses tool definitions, so the local-model test leaves it out)
import OpenAI from "openai";

const [baseURL, apiKey, model, toolsFlag] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const result = {};

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "hello from node" }],
});
result.completion = completion.choices[0].message.content;

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "stream from node" }],
  stream: true,
  stream_options: { include_usage: true },
});
let streamed = "";
let usage = null;
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    streamed += choice.delta?.content ?? "";
  }
  if (chunk.usage) usage = chunk.usage;
}
result.streamed = streamed;
result.usage = usage;

// A streamed tool call: the chunks that carry pieces of its arguments, as the client received them.
if (toolsFlag === "--tools") {
  const toolStream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "weather in Paris?" }],
    tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    stream: true,
  });
  const argumentPieces = [];
  for await (const chunk of toolStream) {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
      if (call.function?.arguments) argumentPieces.push(call.function.arguments);
    }
  }
  result.toolStream = { pieces: argumentPieces };
}

const models = await client.models.list();
result.models = models.data.map((m) => m.id);

const embeddings = await client.embeddings.create({ model: "all-minilm-l6-v2", input: ["a cat", "a dog"] });
result.embeddingDims = embeddings.data.map((d) => d.embedding.length);

try {
  await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] });
  result.error = "none";
} catch (e) {
  result.error = { status: e.status, code: e.code, type: e.type };
}

console.log(JSON.stringify(result));
