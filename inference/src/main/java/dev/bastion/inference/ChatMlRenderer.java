package dev.bastion.inference;

import java.util.List;

/**
 * {@link ChatTemplate#CHATML}: what Qwen3's Jinja chat template renders, without tool definitions and tool calls.
 * Stateless.
 */
final class ChatMlRenderer {

    /* The template, step by step (tokenizer_config.json of Qwen3):
     * - a first system message: <|im_start|>system\n{content}<|im_end|>\n
     * - the "last query" is the last user message that is not a wrapped tool response
     *   (content starting with <tool_response> and ending with </tool_response>);
     * - user messages, and system messages after the first: <|im_start|>{role}\n{content}<|im_end|>\n
     * - assistant messages: reasoning is the text between <think> and </think> when the content has </think>, and
     *   the content is what follows the last </think> (leading newlines dropped). After the last query, the last
     *   message or one with reasoning is written <|im_start|>assistant\n<think>\n{reasoning}\n</think>\n\n{content};
     *   any other is <|im_start|>assistant\n{content}; then <|im_end|>\n
     * - a run of tool messages is one user turn: <|im_start|>user, then \n<tool_response>\n{content}\n</tool_response>
     *   for each, then <|im_end|>\n
     * - the generation prompt is <|im_start|>assistant\n (no think block unless enable_thinking is false, which we
     *   never set). */

    private ChatMlRenderer() {
    }

    static void render(List<ChatMessage> messages, boolean addGenerationPrompt, ChatTemplate.Prompt p) {
        int n = messages.size();
        if (messages.getFirst().role().equals("system")) {
            p.template("<|im_start|>system\n");
            p.content(messages.getFirst().content());
            p.template("<|im_end|>\n");
        }
        int lastQuery = n - 1;
        for (int i = n - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (m.role().equals("user") && !(m.content().startsWith("<tool_response>")
                    && m.content().endsWith("</tool_response>"))) {
                lastQuery = i;
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            ChatMessage m = messages.get(i);
            switch (m.role()) {
                case "user", "system" -> {
                    if (m.role().equals("user") || i > 0) {
                        p.template("<|im_start|>" + m.role() + "\n");
                        p.content(m.content());
                        p.template("<|im_end|>\n");
                    }
                }
                case "assistant" -> assistant(m.content(), i > lastQuery, i == n - 1, p);
                default -> {
                    if (i == 0 || !messages.get(i - 1).role().equals("tool")) {
                        p.template("<|im_start|>user");
                    }
                    p.template("\n<tool_response>\n");
                    p.content(m.content());
                    p.template("\n</tool_response>");
                    if (i == n - 1 || !messages.get(i + 1).role().equals("tool")) {
                        p.template("<|im_end|>\n");
                    }
                }
            }
        }
        if (addGenerationPrompt) {
            p.template("<|im_start|>assistant\n");
        }
    }

    private static void assistant(String text, boolean afterLastQuery, boolean last, ChatTemplate.Prompt p) {
        String content = text;
        String reasoning = "";
        int close = text.indexOf("</think>");
        if (close >= 0) {
            content = stripLeading(text.substring(text.lastIndexOf("</think>") + "</think>".length()), '\n');
            String before = stripTrailing(text.substring(0, close), '\n');
            int open = before.lastIndexOf("<think>");
            reasoning = stripLeading(open >= 0 ? before.substring(open + "<think>".length()) : before, '\n');
        }
        if (afterLastQuery && (last || !reasoning.isEmpty())) {
            p.template("<|im_start|>assistant\n<think>\n");
            p.content(stripTrailing(stripLeading(reasoning, '\n'), '\n'));
            p.template("\n</think>\n\n");
            p.content(stripLeading(content, '\n'));
        } else {
            p.template("<|im_start|>assistant\n");
            p.content(content);
        }
        p.template("<|im_end|>\n");
    }

    private static String stripLeading(String s, char c) {
        int from = 0;
        while (from < s.length() && s.charAt(from) == c) {
            from++;
        }
        return s.substring(from);
    }

    private static String stripTrailing(String s, char c) {
        int to = s.length();
        while (to > 0 && s.charAt(to - 1) == c) {
            to--;
        }
        return s.substring(0, to);
    }
}
