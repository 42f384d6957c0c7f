package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a short instruction acts on: the <em>form</em> of the answer (format, length, language, tone, continuing,
 * repeating, emojis, Markdown) or the <em>assistant's rules</em>, identity, instructions, hidden text, permissions or
 * other users' data. "Stop using emojis in your answers" and "stop using your filters" are both short second-person
 * instructions about the assistant's output, and both the bag of words and the sentence embedding put them close
 * (docs/injection-model.md, rounds ten to thirteen); what sets them apart is the thing they act on.
 *
 * <p>{@link #formOnly} says whether a message of the user's is only about the answer's form: few words, at least one
 * word of {@link #FORM}, none of {@link #TARGET}, and nothing quoted (dictating the exact output is the
 * goal-hijacking move). The word classes were written from those two descriptions, not fitted to any data; a word
 * that belongs to both goes to {@link #TARGET}. {@link InjectionScanner} caps the score of such a message when no
 * injection rule matches it and it has no hidden characters or decoded views (round fourteen's declared rule).
 */
public final class AnswerForm {
    /** A form-only message has at most this many words. */
    public static final int MAX_WORDS = 20;
    /** ... and at most this many characters. */
    public static final int MAX_CHARS = 160;

    /** Words about the answer's form: format and layout, length, language, tone, continuing and repeating. */
    static final Set<String> FORM = Set.of(
            // format and layout
            "format", "formats", "formatted", "formatting", "markdown", "plain", "prose", "bullet", "bullets",
            "bulleted", "list", "lists", "numbered", "numbering", "table", "tables", "column", "columns", "row", "rows",
            "heading", "headings", "header", "headers", "paragraph", "paragraphs", "sentence", "sentences", "json",
            "csv", "xml", "yaml", "html", "emoji", "emojis", "emoticons", "smileys", "bold", "italic", "italics",
            "underline", "font", "capital", "capitals", "caps", "uppercase", "lowercase", "punctuation", "spelling",
            "indent", "indentation", "layout", "outline", "units", "metric", "block",
            // length
            "short", "shorter", "shortest", "brief", "briefer", "briefly", "concise", "concisely", "succinct", "long",
            "longer", "length", "lengthy", "summary", "summarise", "summarize", "tldr", "detail", "details", "detailed",
            "elaborate", "expand", "half", "max", "maximum", "shorten", "lengthen",
            // language
            "language", "languages", "english", "french", "german", "spanish", "italian", "portuguese", "dutch",
            "chinese", "mandarin", "japanese", "korean", "russian", "arabic", "hindi", "polish", "swedish", "greek",
            "turkish", "translate", "translated", "translation", "british", "american",
            // tone
            "tone", "formal", "informal", "casual", "casually", "friendly", "polite", "professional", "academic",
            "funny", "humorous", "serious", "jargon", "technical", "simpler", "simple", "simply", "plainer", "easier",
            "readable", "style",
            // continuing and repeating
            "continue", "continuing", "carry", "keep", "finish", "stopped", "halfway", "rest", "again", "repeat",
            "repeating", "rephrase", "reword", "rewrite", "redo", "example", "examples", "step", "steps");

    /**
     * Words about what an injection acts on: the assistant's rules and safety behaviour, its identity, its
     * instructions and earlier or hidden text, permissions, other users' data and where data goes.
     */
    static final Set<String> TARGET = Set.of(
            // rules and safety behaviour
            "instruction", "instructions", "instructed", "instruct", "rule", "rules", "prompt", "prompts", "system",
            "guideline", "guidelines", "policy", "policies", "restriction", "restrictions", "restricted",
            "unrestricted", "restrict", "filter", "filters", "filtered", "unfiltered", "censor", "censored",
            "censorship", "uncensored", "moral", "morals", "morality", "ethical", "ethics", "unethical", "legal",
            "illegal", "law", "laws", "refuse", "refuses", "refusing", "refusal", "refusals", "decline", "warning",
            "warnings", "disclaimer", "disclaimers", "caveat", "caveats", "safety", "safe", "unsafe", "harmful",
            "allowed", "allow", "permitted", "limits", "limitless", "unlimited", "boundaries", "constraints",
            "programming", "programmed", "trained", "training", "creator", "creators", "openai", "anthropic",
            "obey", "comply", "command", "commands", "directive", "directives",
            // identity
            "pretend", "pretending", "act", "acting", "role", "roles", "roleplay", "persona", "character",
            "characters", "mode", "modes", "developer", "developers", "dan", "jailbreak", "jailbroken", "ai",
            "assistant", "model", "chatgpt", "gpt", "llm", "bot", "chatbot", "yourself", "identity", "sentient",
            // instructions, earlier and hidden text
            "ignore", "ignoring", "disregard", "forget", "override", "overrule", "bypass", "circumvent", "above",
            "previous", "prior", "preceding", "earlier", "verbatim", "initial", "original", "hidden", "hide", "secret",
            "secrets", "confidential", "private", "internal", "password", "passwords", "key", "keys", "token",
            "tokens", "credential", "credentials", "configuration", "config", "settings", "reveal", "leak", "print",
            // permissions
            "permission", "permissions", "admin", "administrator", "root", "sudo", "access", "privilege",
            "privileges", "authorised", "authorized", "unlock", "unlocked", "enable", "enabled", "disable",
            "disabled", "grant", "granted",
            // other users' data and data flow
            "user", "users", "customer", "customers", "account", "accounts", "database", "send", "sending", "sent",
            "forward", "email", "emails", "mail", "inbox", "link", "links", "url", "urls", "http", "https", "www",
            "website", "webhook", "image", "upload", "download", "click", "visit", "fetch", "browse", "api");

    private AnswerForm() {
    }

    /**
     * Whether a (normalised, lower-case) message is only about the answer's form: at most {@value #MAX_WORDS} words
     * and {@value #MAX_CHARS} characters, a word of {@link #FORM}, no word of {@link #TARGET}, nothing quoted.
     */
    public static boolean formOnly(String text) {
        if (text.length() > MAX_CHARS || quotes(text)) {
            return false;
        }
        List<String> words = words(text);
        if (words.size() > MAX_WORDS) {
            return false;
        }
        boolean form = false;
        for (String w : words) {
            if (TARGET.contains(w)) {
                return false;
            }
            form |= FORM.contains(w);
        }
        return form;
    }

    /** Letter runs of the text, lower-cased ("don't" gives "don" and "t"; digits separate words). */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean letter = i < text.length() && Character.isLetter(text.charAt(i));
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
        }
        return out;
    }

    /** A double, curly, angle or back quote, or a single quote that opens a span (not an apostrophe in a word). */
    static boolean quotes(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\u201C' || c == '\u201D' || c == '\u201E' || c == '\u00AB' || c == '\u00BB'
                    || c == '`' || c == '\u2018') {
                return true;
            }
            if ((c == '\'' || c == '\u2019') && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
                    && i + 1 < text.length() && Character.isLetterOrDigit(text.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }
}
