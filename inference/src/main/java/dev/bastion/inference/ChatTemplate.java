package dev.bastion.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The chat templates of the supported model families, written in Java: each renders what the family's official
 * Jinja template renders for system, user, assistant and tool messages (without tool definitions or tool calls).
 *
 * <p>Choices, where the official templates leave them open or where we differ:
 * <ul>
 *   <li>{@link #LLAMA3}: Meta-Llama-3-8B-Instruct's template. A tool message gets a {@code tool} header, as that
 *       template renders any role; Llama 3.1's {@code ipython} role and date preamble are not produced.</li>
 *   <li>{@link #CHATML}: Qwen3's template (also fine for Qwen2 and 2.5, whose template differs only in adding a
 *       default system prompt when there is none, which we do not). No thinking switch: the generation prompt gets
 *       no {@code <think>} block, as in Qwen3's template when {@code enable_thinking} is not set. Reasoning inside
 *       {@code <think>...</think>} of assistant messages is handled as that template handles it.</li>
 *   <li>{@link #MISTRAL}: Mistral-7B-Instruct-v0.3's template ({@code [INST]}, {@code [TOOL_RESULTS]}; the system
 *       message goes into the last user message, and is left out when the last message is not a user message,
 *       as in that template). Tool messages need a 9-character {@code toolCallId}. It has no generation prompt.</li>
 *   <li>{@link #LLAMA2}: Llama-2-chat's template ({@code <<SYS>>}); it has no tool role, so tool messages are
 *       refused, as are roles that do not alternate user/assistant. It has no generation prompt.</li>
 * </ul>
 * Rendering problems (no messages, roles out of order) throw {@link IllegalArgumentException} saying which
 * message is wrong. All constants are immutable and thread-safe.
 */
public enum ChatTemplate {
    LLAMA3 {
        @Override
        void render(List<ChatMessage> messages, boolean addGenerationPrompt, Prompt p) {
            p.template("<|begin_of_text|>");
            for (ChatMessage m : messages) {
                p.template("<|start_header_id|>" + m.role() + "<|end_header_id|>\n\n");
                p.content(pythonStrip(m.content()));
                p.template("<|eot_id|>");
            }
            if (addGenerationPrompt) {
                p.template("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
        }
    },
    CHATML {
        @Override
        void render(List<ChatMessage> messages, boolean addGenerationPrompt, Prompt p) {
            ChatMlRenderer.render(messages, addGenerationPrompt, p);
        }
    },
    MISTRAL {
        @Override
        void render(List<ChatMessage> messages, boolean addGenerationPrompt, Prompt p) {
            boolean hasSystem = messages.getFirst().role().equals("system");
            List<ChatMessage> loop = hasSystem ? messages.subList(1, messages.size()) : messages;
            int turn = 0;
            for (int i = 0; i < loop.size(); i++) {
                String role = loop.get(i).role();
                if (role.equals("system")) {
                    throw new IllegalArgumentException("Mistral chat: message " + (i + (hasSystem ? 1 : 0))
                            + " is a system message; only the first message may be one");
                }
                if (!role.equals("tool")) {
                    if (role.equals("user") != (turn % 2 == 0)) {
                        throw outOfOrder("Mistral", i + (hasSystem ? 1 : 0), role);
                    }
                    turn++;
                }
            }
            p.template("<s>");
            for (int i = 0; i < loop.size(); i++) {
                ChatMessage m = loop.get(i);
                switch (m.role()) {
                    case "user" -> {
                        p.template("[INST] ");
                        if (i == loop.size() - 1 && hasSystem) {
                            p.content(messages.getFirst().content());
                            p.template("\n\n");
                        }
                        p.content(m.content());
                        p.template("[/INST]");
                    }
                    case "assistant" -> {
                        p.template(" ");
                        p.content(pythonStrip(m.content()));
                        p.template("</s>");
                    }
                    default -> {
                        String id = m.toolCallId().orElse("");
                        if (id.length() != 9) {
                            throw new IllegalArgumentException("Mistral chat: tool message " + i + " needs a "
                                    + "toolCallId of 9 characters (Mistral's template requires it), got "
                                    + id.length());
                        }
                        p.template("[TOOL_RESULTS] {\"content\": ");
                        p.content(m.content());
                        p.template(", \"call_id\": \"");
                        p.content(id);
                        p.template("\"}[/TOOL_RESULTS]");
                    }
                }
            }
        }
    },
    LLAMA2 {
        @Override
        void render(List<ChatMessage> messages, boolean addGenerationPrompt, Prompt p) {
            boolean hasSystem = messages.getFirst().role().equals("system");
            List<ChatMessage> loop = hasSystem ? messages.subList(1, messages.size()) : messages;
            for (int i = 0; i < loop.size(); i++) {
                ChatMessage m = loop.get(i);
                int index = i + (hasSystem ? 1 : 0);
                if (m.role().equals("tool") || m.role().equals("system")) {
                    throw new IllegalArgumentException("Llama 2 chat: message " + index + " has role " + m.role()
                            + ", which Llama 2's template does not support here (only a first system message, "
                            + "then user and assistant)");
                }
                if (m.role().equals("user") != (i % 2 == 0)) {
                    throw outOfOrder("Llama 2", index, m.role());
                }
                var content = new Prompt();
                if (i == 0 && hasSystem) {
                    content.template("<<SYS>>\n");
                    content.content(messages.getFirst().content());
                    content.template("\n<</SYS>>\n\n");
                }
                content.content(m.content());
                content.strip();
                if (m.role().equals("user")) {
                    p.template("<s>[INST] ");
                    p.append(content);
                    p.template(" [/INST]");
                } else {
                    p.template(" ");
                    p.append(content);
                    p.template(" </s>");
                }
            }
        }
    };

    abstract void render(List<ChatMessage> messages, boolean addGenerationPrompt, Prompt prompt);

    private static IllegalArgumentException outOfOrder(String family, int index, String role) {
        return new IllegalArgumentException(family + " chat: message " + index + " is a " + role + " message, but "
                + "after the optional system message the roles must alternate user/assistant/user/...");
    }

    /**
     * Renders a conversation as the family's template does.
     *
     * @param addGenerationPrompt whether to end with the opening of an assistant turn (LLAMA3 and CHATML; Mistral
     *                            and Llama 2 prompts end where the answer starts anyway)
     * @throws IllegalArgumentException when {@code messages} is empty or its roles do not fit the template
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return build(messages, addGenerationPrompt).text();
    }

    /**
     * Renders and encodes a conversation: the template's own text with control tokens recognised, every message
     * content (and tool call id) as plain text, so no content can produce a control token. When no content
     * contains the text of a control token the ids equal {@code t.encodeWithSpecialTokens(render(m, g))}.
     *
     * @throws IllegalArgumentException as {@link #render}
     */
    public int[] encodeChat(Tokenizer t, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return t.encodePrompt(build(messages, addGenerationPrompt).parts());
    }

    private Prompt build(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException(name() + " chat: there are no messages to render");
        }
        var prompt = new Prompt();
        render(List.copyOf(messages), addGenerationPrompt, prompt);
        return prompt;
    }

    /**
     * Picks the template of a model: by markers in its Jinja template when it has one, else by architecture.
     * A {@code "llama"} model without a template cannot be told apart without its vocabulary size: use
     * {@link #detect(String, Optional, int)}.
     *
     * @throws IllegalArgumentException when neither the template nor the architecture is recognised
     */
    public static ChatTemplate detect(String architecture, Optional<String> jinjaSource) {
        return detect(architecture, jinjaSource, 0);
    }

    /**
     * As {@link #detect(String, Optional)}; a {@code "llama"} model without a template is Llama 3 when its
     * vocabulary has at least 128,000 tokens and Llama 2 when it has 32,000.
     *
     * @throws IllegalArgumentException when neither the template nor the architecture is recognised, with
     *     {@link #unknownReason} as its message
     */
    public static ChatTemplate detect(String architecture, Optional<String> jinjaSource, int vocabularySize) {
        return find(architecture, jinjaSource, vocabularySize).orElseThrow(() -> new IllegalArgumentException(
                unknownReason(architecture, jinjaSource, vocabularySize)));
    }

    /**
     * The template {@link #detect(String, Optional, int)} picks, or empty when it picks none: a base model (such
     * as a llama2.c checkpoint with a 512-token vocabulary) has no chat template and only continues text.
     */
    public static Optional<ChatTemplate> find(String architecture, Optional<String> jinjaSource, int vocabularySize) {
        Objects.requireNonNull(architecture, "architecture");
        if (jinjaSource.isPresent()) {
            String jinja = jinjaSource.get();
            if (jinja.contains("<|start_header_id|>")) {
                return Optional.of(LLAMA3);
            }
            if (jinja.contains("<|im_start|>")) {
                return Optional.of(CHATML);
            }
            if (jinja.contains("[INST]")) {
                return Optional.of(jinja.contains("<<SYS>>") ? LLAMA2 : MISTRAL);
            }
        }
        String arch = architecture.toLowerCase(Locale.ROOT);
        if (arch.startsWith("qwen2") || arch.startsWith("qwen3")) {
            return Optional.of(CHATML);
        }
        if (arch.startsWith("mistral")) {
            return Optional.of(MISTRAL);
        }
        if (arch.equals("llama") && vocabularySize >= 128_000) {
            return Optional.of(LLAMA3);
        }
        if (arch.equals("llama") && vocabularySize == 32_000) {
            return Optional.of(LLAMA2);
        }
        return Optional.empty();
    }

    /** Why {@link #find} found no template for these inputs, in words for a user. */
    static String unknownReason(String architecture, Optional<String> jinjaSource, int vocabularySize) {
        return "no chat template for architecture \"" + architecture + "\""
                + (vocabularySize > 0 ? " with " + vocabularySize + " tokens" : "")
                + (jinjaSource.isPresent() ? " and a tokenizer.chat_template without a known marker"
                : " and no tokenizer.chat_template")
                + "; known: Llama 3, Qwen2/2.5/3 (ChatML), Mistral, Llama 2";
    }

    /** Python's {@code str.strip()} (Jinja's {@code trim}): Unicode white space at both ends. */
    static String pythonStrip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isPythonSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** A rendered prompt: the template's own text and the messages' content, kept apart for encoding. */
    static final class Prompt {
        /** A piece of a prompt; {@code template} pieces may contain control tokens, content pieces never do. */
        record Part(String text, boolean template) {
        }

        private final List<Part> parts = new ArrayList<>();

        void template(String text) {
            parts.add(new Part(text, true));
        }

        void content(String text) {
            parts.add(new Part(text, false));
        }

        void append(Prompt other) {
            parts.addAll(other.parts);
        }

        /** Python's {@code strip()} over the whole prompt, across its parts. */
        void strip() {
            while (!parts.isEmpty()) {
                Part first = parts.getFirst();
                int from = 0;
                while (from < first.text().length() && isPythonSpace(first.text().charAt(from))) {
                    from++;
                }
                String text = first.text().substring(from);
                if (!text.isEmpty()) {
                    parts.set(0, new Part(text, first.template()));
                    break;
                }
                parts.removeFirst();
            }
            while (!parts.isEmpty()) {
                Part last = parts.getLast();
                int to = last.text().length();
                while (to > 0 && isPythonSpace(last.text().charAt(to - 1))) {
                    to--;
                }
                if (to > 0) {
                    parts.set(parts.size() - 1, new Part(last.text().substring(0, to), last.template()));
                    break;
                }
                parts.removeLast();
            }
        }

        List<Part> parts() {
            return List.copyOf(parts);
        }

        String text() {
            var sb = new StringBuilder();
            parts.forEach(part -> sb.append(part.text()));
            return sb.toString();
        }
    }
}
