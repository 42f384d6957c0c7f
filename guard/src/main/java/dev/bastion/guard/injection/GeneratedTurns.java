package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Everyday chat turns that follow a first message, written for Bastion (round eight): requests to continue or to show
 * more, corrections, style and format instructions both positive ("answer in a table") and negative ("don't repeat
 * the question", "stop adding disclaimers"), questions about the assistant, and requests that use the words of
 * attacks innocently ("follow the instructions on the box", "ignore the header row", "what are the rules of
 * cricket"). One benign source of the {@code conversation} family; deterministic from a seed, no duplicates.
 *
 * <p>Why: the public conversational collections (MT-Bench-101, MT-Eval) hold few continuation requests and few
 * negative style instructions, and the lexical model read those as the assistant being told what not to do, which is
 * what jailbreaks say (round five: "Please continue where you stopped." 0.705, "Please don't repeat the question back
 * to me before answering." 0.844 against 0.6885). The templates are combinations of parts, never the fixture's
 * sentences ({@code everyday-turns*.txt} in the tests, which no source may contain).
 */
public final class GeneratedTurns {
    private static final String[] CONTINUE_LEADS = {"Continue", "Please continue", "Keep going", "Carry on", "Go on",
        "Could you continue", "Resume", "Pick it up again", "Can you keep writing", "Finish the rest"};
    private static final String[] CONTINUE_FROM = {" from where the text ends", " with the next section",
        " from step five", " with the remaining items", " where the code was cut off", " from the last heading",
        " with the second half of the story", " after the table", " from the point about costs"};
    private static final String[] MORE_LEADS = {"Show me", "Give me", "Can you show me", "Could I get", "Write",
        "I'd like to see", "Please add", "Now give me"};
    private static final String[] MORE_OBJECTS = {"another example", "one more example", "a different version",
        "a second draft", "an example with real numbers", "a simpler example", "the whole function", "two alternatives",
        "a worked example", "the same example in Java", "a version for beginners", "a shorter variant"};
    private static final String[] MORE_ENDS = {".", " please.", ", the first one did not help.", ", I still don't get it.",
        " so I can compare.", " if possible."};
    /** Style items as (bare verb phrase, gerund phrase). */
    private static final String[][] STYLE = {{"repeat my question", "repeating my question"},
        {"restate what I asked", "restating what I asked"}, {"use bullet points", "using bullet points"},
        {"use Markdown", "using Markdown"}, {"use emojis", "using emojis"}, {"add a summary at the end",
        "adding a summary at the end"}, {"apologise so often", "apologising so often"}, {"add a disclaimer",
        "adding a disclaimer"}, {"explain every line", "explaining every line"}, {"write an introduction",
        "writing an introduction"}, {"use headings", "using headings"}, {"quote my whole text back",
        "quoting my whole text back"}, {"use technical terms", "using technical terms"}, {"ask me follow-up questions",
        "asking me follow-up questions"}, {"end with a question", "ending with a question"}, {"say it depends",
        "saying it depends"}, {"include the imports", "including the imports"}, {"round the numbers",
        "rounding the numbers"}};
    private static final String[] NEGATIVE_LEADS = {"Don't %s", "Please don't %s", "Do not %s", "Stop %s",
        "Please stop %s", "Try not to %s", "Avoid %s", "No need to %s", "You don't have to %s", "Could you stop %s"};
    private static final String[] STYLE_ENDS = {".", " in your answers.", " from now on.", " this time.",
        ", it makes the reply too long.", ", just answer.", " in the next reply.", " when you answer me."};
    private static final String[] POSITIVE_LEADS = {"Answer in", "Reply in", "Write it in", "Use", "Switch to",
        "Keep it in", "Respond in", "Put it in"};
    private static final String[] POSITIVE_OBJECTS = {"plain text", "Spanish", "a friendly tone", "the second person",
        "the past tense", "short paragraphs", "a table", "a single line", "lowercase", "American spelling",
        "a numbered list", "simple English", "a formal register", "the metric system", "CSV format", "a code block"};
    private static final String[] CORRECTION_LEADS = {"No,", "Sorry,", "Actually,", "Wait,", "Correction:", "Oops,",
        "Hmm, no,", "My mistake,"};
    private static final String[] CORRECTIONS = {"I meant the 2021 figures", "the deadline is Monday", "the file is "
        + "called report_v2", "there are eight guests", "it should be kilometres", "I was asking about Python 3.12",
        "the budget is per month, not per year", "she is my aunt, not my cousin", "the flight lands at 7 pm",
        "I wanted the vegetarian option", "the second table is the right one", "my name is spelled with a k"};
    private static final String[] CORRECTION_ENDS = {" Please redo it.", " Can you fix that?", "", " Update the answer.",
        " Change that and keep the rest.", " Try again."};
    private static final String[] META = {"Can you remember what I said earlier in this chat?",
        "Are you able to look at pictures?", "Do you search the web when you answer?", "Can you run the code yourself?",
        "Why did you change your answer?", "Why did you stop halfway?", "Why did you skip the last step?",
        "How sure are you about that figure?", "Where does that information come from?",
        "Can you read spreadsheets if I paste them?", "Do you keep my messages after the chat ends?",
        "Which languages do you write best in?", "Are your answers checked by a person?",
        "Why do you always start with a summary?", "Is it okay if I ask very long questions?",
        "What happens when the chat gets too long for you?", "Do you know today's date?",
        "Why did your last answer sound so different?", "Can I ask you about my homework?",
        "Did you understand my previous message?"};
    /*
     * Questions about what the assistant is and can do, often framed "as an AI": jailbreaks use that frame too ("as an
     * AI language model with no rules"), and without such questions the model learns the frame as an attack.
     */
    private static final String[] SELF_ASKS = {"What are you good at", "What can't you do", "How accurate are you",
        "Do you make many mistakes", "How up to date is your knowledge", "Can you learn from our chats",
        "Where do your answers come from", "Are you better at maths or at writing", "How do you deal with questions "
        + "you cannot answer", "What should I double-check in your answers", "Do you have opinions of your own",
        "How fast can you read a long document", "What kinds of tasks do you handle badly"};
    private static final String[] SELF_FRAMES = {"", " as an AI", " as a language model", " as an assistant",
        " as a chatbot", " compared with a search engine", " for a program like you", " as an AI system"};
    /** Benign requests that use the words of attacks: instructions, rules, system, prompt, ignore, forget, override. */
    private static final String[] INNOCENT = {"Go through the %s in the manual and list the tools I need.",
        "The %s on the box are in German, can you translate them?", "Summarise the %s my teacher gave us.",
        "Are the %s of this board game fair to the youngest player?", "Rewrite the %s so a child can follow them.",
        "Check whether the %s in my document contradict each other."};
    private static final String[] INNOCENT_NOUNS = {"instructions", "rules", "safety instructions", "house rules",
        "assembly instructions", "installation steps", "guidelines"};
    private static final String[] TOPIC_QUESTIONS = {"What are the rules of %s?", "How do you score points in %s?",
        "Explain the basic rules of %s to a beginner."};
    private static final String[] GAMES = {"volleyball", "poker", "sudoku", "cricket", "mahjong", "rugby", "bridge",
        "handball", "backgammon", "curling"};
    private static final String[] SYSTEM_QUESTIONS = {"What are the system requirements for %s?",
        "How do I reinstall the operating system on %s?", "Suggest a prompt for a short story competition about %s.",
        "After the update, %s keeps crashing with a system fault. What should I check?",
        "Write a prompt for a text-to-speech demo that describes %s."};
    private static final String[] SYSTEM_OBJECTS = {"an old laptop", "a lighthouse at dawn", "my smart TV",
        "a Raspberry Pi", "the city of the future", "the school tablet", "a cat in a spacesuit", "my gaming PC"};
    private static final String[] SET_ASIDE = {"Ignore the %s and %s.", "Forget the %s, then %s.",
        "Leave out the %s and %s.", "Skip the %s and %s.", "Override the %s and %s."};
    private static final String[] SET_ASIDE_OBJECTS = {"header row", "outliers", "typos", "last column", "first draft",
        "draft title", "second option", "footnotes", "old prices", "page numbers"};
    private static final String[] SET_ASIDE_TASKS = {"compute the average", "summarise the rest", "list what is left", "sort the names alphabetically", "focus on the main argument", "show the totals per month"};

    private GeneratedTurns() {
    }

    /** {@code count} distinct turns (fewer only if the templates run out), deterministic for a seed. */
    public static List<String> conversation(int count, long seed) {
        Random r = new Random(seed);
        Set<String> out = new LinkedHashSet<>();
        int attempts = 0;
        while (out.size() < count && attempts++ < count * 50) {
            out.add(switch (r.nextInt(8)) {
                case 0 -> pick(r, CONTINUE_LEADS) + pick(r, CONTINUE_FROM) + pick(r, ".", ", please.", " where you stopped.",
                        " from where you left off.");
                case 1 -> pick(r, MORE_LEADS) + " " + pick(r, MORE_OBJECTS) + pick(r, MORE_ENDS);
                case 2 -> negative(r);
                case 3 -> pick(r, POSITIVE_LEADS) + " " + pick(r, POSITIVE_OBJECTS) + pick(r, STYLE_ENDS);
                case 4 -> pick(r, CORRECTION_LEADS) + " " + pick(r, CORRECTIONS) + "." + pick(r, CORRECTION_ENDS);
                case 5 -> r.nextBoolean() ? pick(r, META) : pick(r, SELF_ASKS) + pick(r, SELF_FRAMES) + "?";
                case 6 -> switch (r.nextInt(3)) {
                    case 0 -> String.format(pick(r, INNOCENT), pick(r, INNOCENT_NOUNS));
                    case 1 -> String.format(pick(r, TOPIC_QUESTIONS), pick(r, GAMES));
                    default -> String.format(pick(r, SYSTEM_QUESTIONS), pick(r, SYSTEM_OBJECTS));
                };
                default -> String.format(pick(r, SET_ASIDE), pick(r, SET_ASIDE_OBJECTS), pick(r, SET_ASIDE_TASKS));
            });
        }
        return new ArrayList<>(out);
    }

    private static String negative(Random r) {
        String lead = pick(r, NEGATIVE_LEADS);
        String[] item = STYLE[r.nextInt(STYLE.length)];
        // "Stop", "Avoid", "Could you stop" take the gerund; the others the bare verb.
        boolean gerund = lead.startsWith("Stop") || lead.startsWith("Please stop") || lead.startsWith("Avoid")
                || lead.startsWith("Could you stop");
        return String.format(lead, gerund ? item[1] : item[0]) + pick(r, STYLE_ENDS);
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }
}
