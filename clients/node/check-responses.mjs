// Calls a Bastion gateway with the official openai client through the Responses API (plain, streamed as raw events
// and through the stream helper, a function-call round trip, a function call streamed raw and through the helper) and
// the legacy completions API. Prints one JSON line
// with what it saw; OpenAiClientsTest asserts on it. The upstream model must answer requests with tools by calling
// get_weather (the gateway tests' fake upstream does).
// Usage: node check-responses.mjs BASE_URL API_KEY MODEL
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const result = {};

const response = await client.responses.create({ model, instructions: "be brief", input: "responses from node" });
result.response = { text: response.output_text, status: response.status, usage: response.usage?.total_tokens };

const events = await client.responses.create({ model, input: "stream responses from node", stream: true });
const seen = [];
let deltas = "";
let final = null;
for await (const event of events) {
  if (seen.at(-1) !== event.type) seen.push(event.type);
  if (event.type === "response.output_text.delta") deltas += event.delta;
  if (event.type === "response.completed") final = event.response;
}
result.responseStream = { events: seen, text: deltas, final: final?.output?.[0]?.content?.[0]?.text ?? null };

const helper = client.responses.stream({ model, input: "helper stream from node" });
const helped = await helper.finalResponse();
result.responseHelper = helped.output_text;

const tools = [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }];
const first = await client.responses.create({ model, input: "weather in Paris?", tools });
const call = first.output.find((item) => item.type === "function_call");
const second = await client.responses.create({
  model,
  input: [
    { role: "user", content: "weather in Paris?" },
    call,
    { type: "function_call_output", call_id: call.call_id, output: "sunny" },
  ],
});
result.toolRoundTrip = { name: call.name, arguments: JSON.parse(call.arguments), answer: second.output_text };

// A streamed function call: its arguments as the raw delta events brought them, and through the stream helper.
const toolEvents = await client.responses.create({ model, input: "weather in Paris?", tools, stream: true });
const toolSeen = [];
const argumentDeltas = [];
let argumentsDone = null;
for await (const event of toolEvents) {
  if (toolSeen.at(-1) !== event.type) toolSeen.push(event.type);
  if (event.type === "response.function_call_arguments.delta") argumentDeltas.push(event.delta);
  if (event.type === "response.function_call_arguments.done") argumentsDone = event.arguments;
}
const toolHelper = client.responses.stream({ model, input: "weather in Paris?", tools });
let helperDeltas = 0;
toolHelper.on("response.function_call_arguments.delta", () => {
  helperDeltas += 1;
});
const helperFinal = await toolHelper.finalResponse();
const helperCall = helperFinal.output.find((item) => item.type === "function_call");
result.toolStream = {
  events: toolSeen,
  deltas: argumentDeltas,
  done: argumentsDone,
  helperDeltas,
  helperArguments: helperCall ? JSON.parse(helperCall.arguments) : null,
};

const legacy = await client.completions.create({ model, prompt: "completions from node", max_tokens: 20 });
result.legacy = { object: legacy.object, text: legacy.choices[0].text, finish: legacy.choices[0].finish_reason };

console.log(JSON.stringify(result));
